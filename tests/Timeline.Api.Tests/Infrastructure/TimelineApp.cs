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

    public string ConnectionString => TestDatabase.ConnectionStringFor(DatabaseName);

    /// <summary>Reads bodies strictly: a property the contract does not declare fails the test.</summary>
    public static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public virtual async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    protected virtual string TestConnectionString => ConnectionString;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Timeline", TestConnectionString);
        builder.UseSetting("Timeline:LoadCuratedData", "false");
    }

    /// <summary>A direct connection to this app's database, to check what a request wrote.</summary>
    public async Task<NpgsqlConnection> OpenDatabaseAsync()
    {
        var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        return conn;
    }

    public async Task<T> GetJsonAsync<T>(string url)
    {
        using var client = CreateClient();
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Strict)!;
    }

    /// <summary>Every event matching the filters (a query string without '?'), walking all pages of /v1/events.</summary>
    internal async Task<List<Timeline.Api.Events.EventSummary>> GetAllEventsAsync(string filters)
    {
        var all = new List<Timeline.Api.Events.EventSummary>();
        string? cursor = null;
        do
        {
            var page = await GetJsonAsync<Timeline.Api.Events.EventPage>($"/v1/events?limit=100&{filters}{(cursor is null ? "" : "&cursor=" + cursor)}");
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        } while (cursor is not null);
        return all;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_database is not null)
        {
            await TestDatabase.DropAsync(_database);
        }
    }
}
