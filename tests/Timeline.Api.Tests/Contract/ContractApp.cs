using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
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
    private Process? _prism;
    private Process? _outagePrism;

    public string EditorKey { get; private set; } = "";
    public string AdminKey { get; private set; } = "";

    /// <summary>Prism in front of the API.</summary>
    public HttpClient Client { get; } = new(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>
    /// The API itself, for redirects: Prism's proxy follows a 301 to its target and checks the target's answer,
    /// so a 301 is checked here directly (status, Location, and that the document declares it).
    /// </summary>
    public HttpClient DirectClient { get; } = new(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromMinutes(2) };

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
    }

    private static async Task<(Process, Uri)> StartPrismAsync(string upstream)
    {
        var port = FreePort();
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

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async Task DisposeAsync()
    {
        foreach (var prism in new[] { _prism, _outagePrism })
        {
            if (prism is { HasExited: false }) prism.Kill(entireProcessTree: true);
            prism?.Dispose();
        }
        Client.Dispose();
        DirectClient.Dispose();
        OutageClient.Dispose();
        await ((IAsyncLifetime)_outage).DisposeAsync();
        await ((IAsyncLifetime)_app).DisposeAsync();
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
