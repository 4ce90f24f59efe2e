using System.Net;
using System.Net.Http.Headers;
using Xunit.Abstractions;

namespace Timeline.Api.Tests.Editing;

/// <summary>
/// Two API instances on one database, as behind a load balancer: each its own host, connection pool and
/// caches, sharing nothing but PostgreSQL.
/// </summary>
public sealed class TwoInstancesApp : EditingApp
{
    private SecondInstance? _second;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _second = new SecondInstance(ConnectionString);
    }

    /// <summary>A client of instance 0 (this app) or 1 (the second instance) with the editor's key.</summary>
    public HttpClient EditorOf(int instance)
    {
        if (instance == 0)
        {
            return Editor();
        }
        var client = _second!.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", EditorKey);
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }
        await base.DisposeAsync();
    }

    /// <summary>Configured as every test app is, on the first instance's database (which it leaves to it).</summary>
    private sealed class SecondInstance(string connectionString) : Infrastructure.TimelineApp
    {
        protected override string TestConnectionString => connectionString;
    }
}

/// <summary>The race tests again, with the racers spread over two instances.</summary>
public sealed class TwoInstanceRaceTests(TwoInstancesApp app, ITestOutputHelper output) : IClassFixture<TwoInstancesApp>
{
    private const int Attempts = 20;

    [Fact]
    public async Task ParallelRevisionsOfOneVersionAcrossTwoInstancesHaveExactlyOneWinner()
    {
        var etag = await app.CreateEventAsync("t-race-two");
        using var first = app.EditorOf(0);
        using var second = app.EditorOf(1);

        var responses = await Task.WhenAll(Enumerable.Range(0, Attempts).Select(async i =>
        {
            using var response = await (i % 2 == 0 ? first : second).SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/events/t-race-two",
                EditingApp.Revision("t-race-two", $"Racer {i} on instance {i % 2}"), ifMatch: etag));
            return (Instance: i % 2, response.StatusCode);
        }));

        output.WriteLine($"Lost-update race over two instances: {Attempts} attempts answered " +
            string.Join(", ", responses.GroupBy(r => (r.Instance, (int)r.StatusCode)).OrderBy(g => g.Key).Select(g => $"instance {g.Key.Instance}: {g.Count()} × {g.Key.Item2}")));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(Attempts - 1, responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed));
        Assert.Equal(1, await app.ScalarAsync<long>(
            "select count(*) from revisions r join events e on e.id = r.event_id where e.slug = 't-race-two' and r.action = 'revised'"));
        Assert.Equal(2, await app.ScalarAsync<int>("select version from events where slug = 't-race-two'"));
    }

    [Fact]
    public async Task ParallelCreatesWithOneIdempotencyKeyAcrossTwoInstancesCreateOneEvent()
    {
        using var first = app.EditorOf(0);
        using var second = app.EditorOf(1);
        var body = EditingApp.NewEvent("t-idempotent-two");

        var responses = await Task.WhenAll(Enumerable.Range(0, Attempts).Select(async i =>
        {
            using var response = await (i % 2 == 0 ? first : second).SendAsync(
                EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-race-two-key"));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        output.WriteLine($"Idempotent race over two instances: {Attempts} POSTs with one key answered " +
            string.Join(", ", responses.GroupBy(r => (int)r.StatusCode).OrderBy(g => g.Key).Select(g => $"{g.Count()} × {g.Key}")));
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{(int)r.StatusCode}: {r.Body}"));
        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        Assert.NotEmpty(created);
        Assert.Single(created.Select(r => r.Body).Distinct());
        Assert.Equal(1, await app.ScalarAsync<long>("select count(*) from events where slug = 't-idempotent-two'"));
        Assert.Equal(1, await app.ScalarAsync<long>(
            "select count(*) from revisions r join events e on e.id = r.event_id where e.slug = 't-idempotent-two'"));

        // Either instance replays the first response once it has finished.
        foreach (var client in new[] { first, second })
        {
            using var replay = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-race-two-key"));
            Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
            Assert.Equal(created[0].Body, await replay.Content.ReadAsStringAsync());
            Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        }
    }

    [Fact]
    public async Task AWriteThroughOneInstanceIsReadThroughTheOtherWithTheSameETag()
    {
        await app.CreateEventAsync("t-across");
        using var second = app.EditorOf(1);
        using var response = await second.GetAsync("/v1/events/t-across");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag!.Tag);
        Assert.Equal("Test event t-across", (await EditingApp.JsonAsync(response))["title"]!.GetValue<string>());
    }
}
