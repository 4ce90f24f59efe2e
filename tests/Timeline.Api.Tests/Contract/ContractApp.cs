using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Npgsql;
using Timeline.Api.Auth;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Contract;

/// <summary>
/// Stoplight Prism in proxy mode (pinned in OpenApi/tools) in front of the API on a real port: every request
/// goes through Prism to the API and back, and Prism checks request and response against openapi/v1.json,
/// listing each violation in an `sl-violations` header. Two of them: one in front of the API with its
/// database, one in front of an instance whose database cannot be reached (the documented 503s).
/// </summary>
public sealed class ContractApp : IAsyncLifetime
{
    private readonly ServedApp _app = new();
    private readonly OutageApp _outage = new();
    private readonly StrictApp _limited = new(limits: true);
    private readonly StrictApp _slow = new(limits: false);
    private Process? _prism;
    private Process? _outagePrism;
    private Process? _limitedPrism;
    private Process? _slowPrism;
    private NpgsqlConnection? _lock;

    public string EditorKey { get; private set; } = "";
    public string AdminKey { get; private set; } = "";

    /// <summary>Prism in front of the API.</summary>
    public HttpClient Client { get; } = new(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>
    /// The API itself, for redirects: Prism's proxy follows a 301 to its target and checks the target's answer,
    /// so a 301 is checked here directly (status, Location, and that the document declares it).
    /// </summary>
    public HttpClient DirectClient { get; } = new(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>Prism in front of an instance with tight limits (1 read a second per address, 1 write a minute per key): the 429s.</summary>
    public HttpClient LimitedClient { get; } = new(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>Prism in front of an instance with a 1 s request timeout, whose tables can be locked: the 504s.</summary>
    public HttpClient SlowClient { get; } = new(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>Prism in front of the API without a database.</summary>
    public HttpClient OutageClient { get; } = new(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromMinutes(2) };

    public async Task InitializeAsync()
    {
        await NodePackage.OpenApiTools.EnsureInstalledAsync();
        await ((IAsyncLifetime)_app).InitializeAsync();
        await ((IAsyncLifetime)_outage).InitializeAsync();
        await using (var db = NpgsqlDataSource.Create(_app.ConnectionString))
        {
            EditorKey = (await ApiKeys.CreateAsync(db, "contract-editor", Roles.Editor, CancellationToken.None)).Key;
            AdminKey = (await ApiKeys.CreateAsync(db, "contract-admin", Roles.Admin, CancellationToken.None)).Key;
        }
        (_prism, Client.BaseAddress) = await StartPrismAsync(_app.BaseUrl);
        DirectClient.BaseAddress = new Uri(_app.BaseUrl);
        (_outagePrism, OutageClient.BaseAddress) = await StartPrismAsync(_outage.BaseUrl);
        await ((IAsyncLifetime)_limited).InitializeAsync();
        (_limitedPrism, LimitedClient.BaseAddress) = await StartPrismAsync(_limited.BaseUrl);
        await ((IAsyncLifetime)_slow).InitializeAsync();
        (_slowPrism, SlowClient.BaseAddress) = await StartPrismAsync(_slow.BaseUrl);
    }

    /// <summary>A new editor or admin key on the limited or the slow instance.</summary>
    public async Task<string> FreshKeyAsync(bool limited, string role)
    {
        await using var db = NpgsqlDataSource.Create((limited ? _limited : _slow).ConnectionString);
        return (await ApiKeys.CreateAsync(db, "contract-" + Guid.NewGuid().ToString("N")[..12], role, CancellationToken.None)).Key;
    }

    /// <summary>
    /// Locks every table of the slow instance but the API keys and the dataset version stamp (ACCESS EXCLUSIVE,
    /// in a transaction left open), so that every read and write there waits past its request timeout; or lets
    /// them go again. (The stamp is read for conditional GETs with the instance's lock timeout, not the request's.)
    /// </summary>
    public async Task HoldSlowTablesAsync(bool hold)
    {
        if (hold && _lock is null)
        {
            _lock = new NpgsqlConnection(_slow.ConnectionString);
            await _lock.OpenAsync();
            await using var begin = new NpgsqlCommand("""
                begin;
                do $$ declare t text; begin
                  for t in select format('%I.%I', schemaname, tablename) from pg_tables where schemaname = 'public' and tablename not in ('api_keys', 'dataset_version')
                  loop execute 'lock table ' || t || ' in access exclusive mode'; end loop;
                end $$;
                """, _lock);
            await begin.ExecuteNonQueryAsync();
        }
        else if (!hold && _lock is not null)
        {
            await _lock.DisposeAsync(); // rolls the transaction back
            _lock = null;
        }
    }

    private static async Task<(Process, Uri)> StartPrismAsync(string upstream)
    {
        var port = Ports.Free();
        var start = new ProcessStartInfo(NodePackage.OpenApiTools.Bin("prism"))
        {
            WorkingDirectory = Repo.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "proxy", "openapi/v1.json", upstream, "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        var prism = Process.Start(start)!;
        prism.OutputDataReceived += (_, _) => { };
        prism.ErrorDataReceived += (_, _) => { };
        prism.BeginOutputReadLine();
        prism.BeginErrorReadLine();
        var address = new Uri($"http://127.0.0.1:{port}");
        using var probe = new HttpClient { BaseAddress = address };
        // Waits for Prism to listen; a guard against a Prism that never starts, not a speed check.
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromMinutes(2); waited += TimeSpan.FromMilliseconds(250))
        {
            if (prism.HasExited) throw new InvalidOperationException($"prism proxy exited with {prism.ExitCode}.");
            try
            {
                using var live = await probe.GetAsync(new Uri("/health/live", UriKind.Relative));
                return (prism, address);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(250);
            }
        }
        prism.Kill(entireProcessTree: true);
        throw new InvalidOperationException("prism proxy did not start listening.");
    }

    public async Task DisposeAsync()
    {
        await HoldSlowTablesAsync(false);
        foreach (var prism in new[] { _prism, _outagePrism, _limitedPrism, _slowPrism })
        {
            if (prism is { HasExited: false }) prism.Kill(entireProcessTree: true);
            prism?.Dispose();
        }
        Client.Dispose();
        DirectClient.Dispose();
        OutageClient.Dispose();
        LimitedClient.Dispose();
        SlowClient.Dispose();
        await ((IAsyncLifetime)_limited).DisposeAsync();
        await ((IAsyncLifetime)_slow).DisposeAsync();
        await ((IAsyncLifetime)_outage).DisposeAsync();
        await ((IAsyncLifetime)_app).DisposeAsync();
    }

    /// <summary>The API on a database of its own with tight limits, or with a 1 s request timeout.</summary>
    private sealed class StrictApp(bool limits) : ServedApp
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            if (limits)
            {
                builder.UseSetting("Timeline:Limits:ReadsPerSecond", "1");
                builder.UseSetting("Timeline:Limits:ReadBurst", "1");
                builder.UseSetting("Timeline:Limits:WritesPerMinute", "1");
                builder.UseSetting("Timeline:Limits:WriteBurst", "1");
            }
            else
            {
                builder.UseSetting("Timeline:Limits:RequestTimeoutSeconds", "1");
            }
        }
    }

    /// <summary>The API on a real port with its database on a closed port: every read and write is a 503.</summary>
    private sealed class OutageApp : ServedApp
    {
        public override Task InitializeAsync()
        {
            UseKestrel(0);
            StartServer();
            return SetBaseUrlAsync();
        }

        protected override string TestConnectionString => "Host=127.0.0.1;Port=1;Username=postgres;Database=timeline;Timeout=3";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Timeline:MigrateOnStart", "false");
        }
    }
}
