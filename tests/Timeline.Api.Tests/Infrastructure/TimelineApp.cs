using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace Timeline.Api.Tests.Infrastructure;

/// <summary>
/// The API in-process over HTTP, on a database of its own (a clone of the migrated, curated template).
/// Use as a class fixture: one app and one database per test class.
/// </summary>
public class TimelineApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private string? _database;

    public string DatabaseName => _database ?? throw new InvalidOperationException("Not initialised.");

    public string ConnectionString => DatabaseServer.ConnectionStringFor(DatabaseName);

    /// <summary>The server this app's database lives on.</summary>
    private protected virtual TestDatabase DatabaseServer => TestDatabase.Shared;

    /// <summary>Reads bodies strictly: a property the contract does not declare fails the test.</summary>
    public static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public virtual async Task InitializeAsync() => _database = await DatabaseServer.CreateAsync();

    protected virtual string TestConnectionString => ConnectionString;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Timeline", TestConnectionString);
        builder.UseSetting("Timeline:LoadCuratedData", "false");
        // Tests hammer one instance from one address: the limits are tested on their own (LimitsTests).
        foreach (var (name, value) in Unlimited)
        {
            builder.UseSetting(name, value);
        }
        builder.UseSetting("Timeline:Shutdown:DrainSeconds", "0");
        foreach (var (name, value) in Settings)
        {
            builder.UseSetting(name, value);
        }
    }

    /// <summary>Settings a fixture changes for what its tests are about (limits, timeouts).</summary>
    protected virtual IEnumerable<(string Name, string Value)> Settings => [];

    /// <summary>Limits high enough that no test but those of the limits meets them.</summary>
    public static readonly (string Name, string Value)[] Unlimited =
    [
        ("Timeline:Limits:ReadsPerSecond", "1000000"), ("Timeline:Limits:ReadBurst", "1000000"),
        ("Timeline:Limits:KeyRequestsPerSecond", "1000000"), ("Timeline:Limits:WritesPerMinute", "1000000"),
        ("Timeline:Limits:WriteBurst", "1000000"), ("Timeline:Limits:FailedKeysPerMinute", "1000000"),
        ("Timeline:Limits:ConcurrentExports", "64"),
    ];

    /// <summary>A direct connection to this app's database, to check what a request wrote.</summary>
    public async Task<NpgsqlConnection> OpenDatabaseAsync()
    {
        var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        return conn;
    }

    /// <summary>Every event a list query gives, following the `Link: rel="next"` headers to the last page.</summary>
    internal async Task<List<Timeline.Api.Events.EventSummary>> WalkEventsAsync(string query, int limit = 100)
    {
        using var client = CreateClient();
        var events = new List<Timeline.Api.Events.EventSummary>();
        string? url = $"/v1/events?limit={limit}" + (query.Length > 0 ? "&" + query : "");
        while (url is not null)
        {
            using var response = await client.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {body}");
            var page = JsonSerializer.Deserialize<Timeline.Api.Events.EventPage>(body, Strict)!;
            events.AddRange(page.Items);
            var link = response.Headers.TryGetValues("Link", out var values) ? values.Single() : null;
            Assert.Equal(page.NextCursor is null, link is null);
            url = link?[1..link.IndexOf('>', StringComparison.Ordinal)];
        }
        return events;
    }

    /// <summary>GETs the url and asserts the answer is a problem+json with this status.</summary>
    public async Task<Problem> GetProblemAsync(string url, System.Net.HttpStatusCode status)
    {
        using var client = CreateClient();
        using var response = await client.GetAsync(url);
        return await ProblemAssert.IsProblemAsync(response, status);
    }

    public async Task<T> GetJsonAsync<T>(string url)
    {
        using var client = CreateClient();
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Strict)!;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_database is not null)
        {
            await DatabaseServer.DropAsync(_database);
        }
    }
}

/// <summary>
/// The API with its database out of reach (a closed port on this machine): every read must answer 503
/// with a problem, /health/ready too, and /health/live must stay up.
/// </summary>
public sealed class UnreachableDatabaseApp : TimelineApp
{
    private static readonly int ClosedPort = Ports.Free();

    public override Task InitializeAsync() => Task.CompletedTask;

    protected override string TestConnectionString =>
        $"Host=127.0.0.1;Port={ClosedPort};Username=postgres;Database=timeline;Timeout=3";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Timeline:MigrateOnStart", "false");
    }
}
