using System.Diagnostics;
using System.Net;
using Timeline.Api.Tests.Editing;
using Timeline.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Timeline.Api.Tests.Replication;

/// <summary>
/// Servers going away under a running API (killed: stopped with no shutdown checkpoint, as in a crash)
/// and coming back, with no restart of the API. The times printed are what README "How it scales" quotes.
/// </summary>
[Collection(ReplicatedServers.Name)]
public sealed class ReplicationFaultTests(ReplicatedApp app, ITestOutputHelper output) : IClassFixture<ReplicatedApp>
{
    private static readonly string[] Reads =
    [
        "/v1/events?limit=5", "/v1/events/2022-11-15-przewodow-missile", "/v1/events/2022-11-15-przewodow-missile/revisions",
        "/v1/actors", "/v1/tags", "/v1/changes?limit=5", "/v1/stats/escalation", "/v1/timeline?format=csv",
    ];

    [Fact]
    public async Task WhenTheStandbyIsKilledReadsFallBackToThePrimaryWithoutAnErrorAndReturnOnceItIsBack()
    {
        await app.CreateEventAsync("t-standby-fault");
        await ReplicaCluster.WaitForReplayAsync();
        using var reader = app.Anonymous();
        // Idle connections to the standby in the pool, which the kill breaks.
        Assert.All(await ReadAllAsync(reader, rounds: 2), s => Assert.Equal(HttpStatusCode.OK, s));

        await ReplicaCluster.StopStandbyAsync();
        try
        {
            var statuses = await ReadAllAsync(reader, rounds: 3);
            output.WriteLine($"Standby killed: {statuses.Length} reads answered {Summary(statuses)}");
            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));

            using var ready = await reader.GetAsync("/health/ready");
            var report = await EditingApp.JsonAsync(ready);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("up", report["database"]!.GetValue<string>());
            Assert.Equal(["primary", "down"], report["nodes"]!.AsArray().Select(n => n!["role"]!.GetValue<string>()));
        }
        finally
        {
            await ReplicaCluster.StartStandbyAsync();
        }

        // Back on the standby: with its replay paused, a write made meanwhile is not in what a reader gets.
        await ReplicaCluster.WaitForReplayAsync();
        await ReplicaCluster.PauseReplayAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            await app.CreateEventAsync("t-standby-back");
            await ReplicaCluster.EventuallyAsync(async () =>
            {
                using var response = await reader.GetAsync("/v1/events/t-standby-back");
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{(int)response.StatusCode}");
                return response.StatusCode == HttpStatusCode.NotFound;
            });
            output.WriteLine($"Standby restarted: reads were served by it again {clock.ElapsedMilliseconds} ms after it accepted connections");
        }
        finally
        {
            await ReplicaCluster.ResumeReplayAsync();
        }
    }

    [Fact]
    public async Task WhenThePrimaryIsKilledWritesAnswer503WithRetryAfterWhileReadsGoOnFromTheStandby()
    {
        var etag = await app.CreateEventAsync("t-primary-fault");
        await ReplicaCluster.WaitForReplayAsync();
        using var editor = app.Editor();
        using var reader = app.Anonymous();

        await ReplicaCluster.StopPrimaryAsync();
        Stopwatch clock;
        try
        {
            using (var revise = await editor.SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/events/t-primary-fault",
                       EditingApp.Revision("t-primary-fault", "While the primary is down."), ifMatch: etag)))
            {
                var problem = await ProblemAssert.IsProblemAsync(revise, HttpStatusCode.ServiceUnavailable);
                Assert.Equal("Database unavailable", problem.Title);
                Assert.Equal("5", revise.Headers.GetValues("Retry-After").Single());
            }
            using (var create = await editor.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", EditingApp.NewEvent("t-while-down"), idempotencyKey: "t-while-down")))
            {
                await ProblemAssert.IsProblemAsync(create, HttpStatusCode.ServiceUnavailable);
                Assert.True(create.Headers.Contains("Retry-After"));
            }

            // Readers, and the editor whose writes the standby has replayed, are served by the standby.
            var statuses = await ReadAllAsync(reader, rounds: 2);
            output.WriteLine($"Primary killed: writes answered 503 with Retry-After; {statuses.Length} reads answered {Summary(statuses)}");
            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
            using (var mine = await editor.GetAsync("/v1/events/t-primary-fault"))
            {
                Assert.Equal("Test event t-primary-fault", (await EditingApp.JsonAsync(mine))["title"]!.GetValue<string>());
            }

            using var ready = await reader.GetAsync("/health/ready");
            var report = await EditingApp.JsonAsync(ready);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("read-only", report["database"]!.GetValue<string>());
            Assert.Equal(["down", "standby"], report["nodes"]!.AsArray().Select(n => n!["role"]!.GetValue<string>()));
        }
        finally
        {
            await ReplicaCluster.StartPrimaryAsync();
            clock = Stopwatch.StartNew();
        }

        // The same API instance writes again once the primary is back.
        var attempts = new List<HttpStatusCode>();
        await ReplicaCluster.EventuallyAsync(async () =>
        {
            using var revise = await editor.SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/events/t-primary-fault",
                EditingApp.Revision("t-primary-fault", "After the primary came back."), ifMatch: etag));
            attempts.Add(revise.StatusCode);
            Assert.True(revise.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{(int)revise.StatusCode}: {await revise.Content.ReadAsStringAsync()}");
            return revise.StatusCode == HttpStatusCode.OK;
        });
        output.WriteLine($"Primary restarted: writes succeeded again {clock.ElapsedMilliseconds} ms after it accepted connections ({Summary([.. attempts])})");
        using var after = await editor.GetAsync("/v1/events/t-primary-fault");
        Assert.Equal("Revised test event t-primary-fault", (await EditingApp.JsonAsync(after))["title"]!.GetValue<string>());
    }

    /// <summary>Every read route, in parallel, the given number of rounds.</summary>
    private static async Task<HttpStatusCode[]> ReadAllAsync(HttpClient client, int rounds)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < rounds; i++)
        {
            statuses.AddRange(await Task.WhenAll(Reads.Select(async url =>
            {
                using var response = await client.GetAsync(url);
                await response.Content.ReadAsByteArrayAsync();
                return response.StatusCode;
            })));
        }
        return [.. statuses];
    }

    private static string Summary(HttpStatusCode[] statuses) =>
        string.Join(", ", statuses.GroupBy(s => (int)s).OrderBy(g => g.Key).Select(g => $"{g.Count()} × {g.Key}"));
}
