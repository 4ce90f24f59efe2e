using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Xunit.Abstractions;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Editing;

/// <summary>Races and retries lose nothing and duplicate nothing.</summary>
public sealed class ConcurrentWriteTests(EditingApp app, ITestOutputHelper output) : IClassFixture<EditingApp>
{
    private const int Attempts = 20;

    [Fact]
    public async Task ParallelRevisionsOfOneVersionHaveExactlyOneWinner()
    {
        var etag = await app.CreateEventAsync("t-race");
        using var client = app.Editor();

        var responses = await Task.WhenAll(Enumerable.Range(0, Attempts).Select(async i =>
        {
            using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/events/t-race",
                EditingApp.Revision("t-race", $"Racer {i}"), ifMatch: etag));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        var winners = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        var stale = responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed);
        var rows = await app.ScalarAsync<long>(
            "select count(*) from revisions r join events e on e.id = r.event_id where e.slug = 't-race' and r.action = 'revised'");
        output.WriteLine($"Lost-update race: {Attempts} attempts, {winners.Count} winner(s), {stale} × 412, {rows} new revision row(s)");
        Assert.True(winners.Count == 1, "Statuses: " + string.Join(", ", responses.Select(r => (int)r.StatusCode)));
        Assert.Equal(Attempts - 1, stale);
        Assert.Equal(1, rows);
        Assert.Equal(2, await app.ScalarAsync<int>("select version from events where slug = 't-race'"));

        // The winner's reason is the one recorded.
        var winnerReason = await app.ScalarAsync<string>(
            "select r.reason from revisions r join events e on e.id = r.event_id where e.slug = 't-race' and r.version = 2");
        Assert.StartsWith("Racer ", winnerReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParallelCreatesWithOneIdempotencyKeyCreateOneEvent()
    {
        using var client = app.Editor();
        var body = EditingApp.NewEvent("t-idempotent-race");

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-race-key"));
            return (response.StatusCode, Location: response.Headers.Location?.ToString(), Body: await response.Content.ReadAsStringAsync());
        }));

        output.WriteLine("Idempotent race: 10 POSTs with one key answered " +
            string.Join(", ", responses.GroupBy(r => (int)r.StatusCode).OrderBy(g => g.Key).Select(g => $"{g.Count()} × {g.Key}")));
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{(int)r.StatusCode}: {r.Body}"));
        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        Assert.NotEmpty(created);
        Assert.Single(created.Select(r => r.Body).Distinct());
        Assert.All(created, r => Assert.Equal("/v1/events/t-idempotent-race", r.Location));
        Assert.Equal(1, await app.ScalarAsync<long>("select count(*) from events where slug = 't-idempotent-race'"));
        Assert.Equal(1, await app.ScalarAsync<long>(
            "select count(*) from revisions r join events e on e.id = r.event_id where e.slug = 't-idempotent-race'"));

        // Once the first has finished, every retry replays it.
        using var replay = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-race-key"));
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(created[0].Body, await replay.Content.ReadAsStringAsync());
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task AReplayReturnsTheFirstResponseEvenAfterTheEventChanged()
    {
        using var client = app.Editor();
        var body = EditingApp.NewEvent("t-replay");
        using var first = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-replay-key"));
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        using (var revise = await client.SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/events/t-replay", EditingApp.Revision("t-replay", "Change."), ifMatch: "\"1\"")))
        {
            Assert.Equal(HttpStatusCode.OK, revise.StatusCode);
        }

        using var replay = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-replay-key"));
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(firstBody, await replay.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        Assert.Equal(first.Headers.ETag, replay.Headers.ETag);
        Assert.Equal(1, await app.ScalarAsync<long>("select count(*) from events where slug = 't-replay'"));
    }

    [Fact]
    public async Task TheSameIdempotencyKeyWithAnotherBodyReturnsUnprocessable()
    {
        using var client = app.Editor();
        using (var first = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", EditingApp.NewEvent("t-key-one"), idempotencyKey: "t-shared-key")))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }
        using var second = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", EditingApp.NewEvent("t-key-two"), idempotencyKey: "t-shared-key"));
        var problem = await ProblemAssert.IsProblemAsync(second, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("different", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await app.ScalarAsync<long>("select count(*) from events where slug = 't-key-two'"));
    }

    [Fact]
    public async Task IdempotencyKeysAreScopedPerApiKey()
    {
        using var editor = app.Editor();
        using var admin = app.Admin();
        using (var first = await editor.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", EditingApp.NewEvent("t-scope-editor"), idempotencyKey: "t-scoped")))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }
        using var second = await admin.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", EditingApp.NewEvent("t-scope-admin"), idempotencyKey: "t-scoped"));
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
    }

    [Fact]
    public async Task TheSameIdempotencyKeyWhileTheFirstIsRunningWaitsForItAndReplaysItsResponse()
    {
        using var client = app.Editor();
        var body = EditingApp.NewEvent("t-in-flight");

        // Hold the events table so the first request claims its key, then waits inside its transaction.
        await using var blocker = await app.OpenDatabaseAsync();
        await using var tx = await blocker.BeginTransactionAsync();
        await blocker.ExecuteAsync("lock table events in exclusive mode", transaction: tx);

        var first = client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-in-flight-key"));
        await WaitForLockWaitersAsync(1);
        // The second queues on the first one's claim of the key (a row lock), not on the events table.
        var second = client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-in-flight-key"));
        await WaitForLockWaitersAsync(2);

        await tx.RollbackAsync();
        using var firstResponse = await first;
        using var secondResponse = await second;
        Assert.Equal(HttpStatusCode.Created, firstResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Created, secondResponse.StatusCode);
        Assert.False(firstResponse.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", secondResponse.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await firstResponse.Content.ReadAsStringAsync(), await secondResponse.Content.ReadAsStringAsync());
        Assert.Equal(firstResponse.Headers.ETag, secondResponse.Headers.ETag);
        Assert.Equal(1, await app.ScalarAsync<long>("select count(*) from events where slug = 't-in-flight'"));
    }

    /// <summary>Waits until this many of the app's sessions wait on a lock.</summary>
    private async Task WaitForLockWaitersAsync(int count)
    {
        for (var i = 0; i < 400; i++)
        {
            if (await app.ScalarAsync<long>(
                "select count(*) from pg_stat_activity where datname = current_database() and application_name = 'timeline-api' and wait_event_type = 'Lock'") >= count)
            {
                return;
            }
            await Task.Delay(25);
        }
        throw new TimeoutException($"Fewer than {count} of the app's sessions ever waited on a lock.");
    }

    [Fact]
    public async Task AFailedCreateReleasesItsIdempotencyKeyForACorrectedRetry()
    {
        using var client = app.Editor();
        var body = EditingApp.NewEvent("t-retry-fixed");
        body["actors"] = new JsonArray(new JsonObject { ["actor"] = "t-nobody", ["role"] = "target" });
        using (var failed = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-retry-key")))
        {
            await ProblemAssert.IsProblemAsync(failed, HttpStatusCode.UnprocessableEntity);
        }
        using var fixedResponse = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", EditingApp.NewEvent("t-retry-fixed"), idempotencyKey: "t-retry-key"));
        Assert.Equal(HttpStatusCode.Created, fixedResponse.StatusCode);
    }

    [Fact]
    public async Task ParallelRetractionsOfOneVersionRecordOneRetraction()
    {
        var etag = await app.CreateEventAsync("t-retract-race");
        using var client = app.Admin();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events/t-retract-race/retraction",
                new JsonObject { ["reason"] = $"Retraction {i}" }, ifMatch: etag));
            return response.StatusCode;
        }));
        // The first retracts; the others find it retracted already, which is what they asked for.
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(1, await app.ScalarAsync<long>(
            "select count(*) from revisions r join events e on e.id = r.event_id where e.slug = 't-retract-race' and r.action = 'retracted'"));
    }

    [Fact]
    public async Task AnExpiredIdempotencyKeyCanBeUsedAgain()
    {
        const string key = "t-old-key";
        await using (var conn = await app.OpenDatabaseAsync())
        {
            await conn.ExecuteAsync("""
                insert into idempotency_records (api_key_id, key, request_hash, status_code, body, created_at, completed_at)
                select id, @key, '\x00'::bytea, 201, '{}', now() - interval '25 hours', now() - interval '25 hours'
                from api_keys where name = 'test-editor'
                """, new { key });
        }
        using var client = app.Editor();
        using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", EditingApp.NewEvent(key), idempotencyKey: key));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.False(response.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task AFreshCompletedKeyWithTheSameBodyIsReplayedNotRun()
    {
        using var client = app.Editor();
        var body = EditingApp.NewEvent("t-fresh-key");
        using (var first = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-fresh-key")))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }
        // Property order and spacing do not make another request: the parsed body is what is compared.
        var reordered = new JsonObject(body.Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        using var again = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", reordered, idempotencyKey: "t-fresh-key"));
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
    }
}
