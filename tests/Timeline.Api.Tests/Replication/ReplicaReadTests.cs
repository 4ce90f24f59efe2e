using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Timeline.Api.Tests.Editing;
using Timeline.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Timeline.Api.Tests.Replication;

/// <summary>Reads from a standby that lags: read your writes, honest ETags, a change feed that skips nothing.</summary>
[Collection(ReplicatedServers.Name)]
public sealed class ReplicaReadTests(ReplicatedApp app, ITestOutputHelper output) : IClassFixture<ReplicatedApp>
{
    [Fact]
    public async Task AnEditorReadsTheirOwnWriteWhileTheStandbyIsPausedAndOthersSeeItOnceItCatchesUp()
    {
        await app.CreateEventAsync("t-ryw");
        var replay = System.Diagnostics.Stopwatch.StartNew();
        await ReplicaCluster.WaitForReplayAsync();
        output.WriteLine($"Replica lag: the standby replayed a write (its response already sent) within {replay.ElapsedMilliseconds} ms");
        using var editor = app.Editor();
        using var reader = app.Anonymous();

        await ReplicaCluster.PauseReplayAsync();
        try
        {
            using var revise = await editor.SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/events/t-ryw", EditingApp.Revision("t-ryw", "Read your writes."), ifMatch: "\"1\""));
            Assert.Equal(HttpStatusCode.OK, revise.StatusCode);
            var position = revise.Headers.GetValues("Timeline-Read-After").Single();
            Assert.Matches("^[0-9A-F]+/[0-9A-F]+$", position);
            Assert.Contains(revise.Headers.GetValues("Set-Cookie"), c => c.StartsWith($"timeline_read_after={Uri.EscapeDataString(position)}", StringComparison.Ordinal));
            var lag = await ReplicaCluster.LagBytesAsync();
            output.WriteLine($"Read your writes: the standby's replay paused, {lag} bytes of WAL behind the primary");
            Assert.True(lag > 0, "The standby should be behind while its replay is paused.");

            // The editor (the cookie) sees the write; a reader who wrote nothing is served by the standby.
            Assert.Equal(("Revised test event t-ryw", "\"2\""), await TitleAsync(editor, "/v1/events/t-ryw"));
            Assert.Equal(("Test event t-ryw", "\"1\""), await TitleAsync(reader, "/v1/events/t-ryw"));
            using (var history = await editor.GetAsync("/v1/events/t-ryw/revisions"))
            {
                Assert.Equal(2, (await EditingApp.JsonAsync(history))["items"]!.AsArray().Count);
            }

            // The header alone does it too, for clients that keep no cookies.
            using var withHeader = new HttpRequestMessage(HttpMethod.Get, "/v1/events/t-ryw");
            withHeader.Headers.Add("Timeline-Read-After", position);
            using var headerResponse = await reader.SendAsync(withHeader);
            Assert.Equal("Revised test event t-ryw", (await EditingApp.JsonAsync(headerResponse))["title"]!.GetValue<string>());
        }
        finally
        {
            await ReplicaCluster.ResumeReplayAsync();
        }

        await ReplicaCluster.EventuallyAsync(async () => (await TitleAsync(reader, "/v1/events/t-ryw")).Title == "Revised test event t-ryw");
    }

    [Fact]
    public async Task AReadAfterPositionThatIsNotOneIsABadRequest()
    {
        using var reader = app.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events");
        request.Headers.Add("Timeline-Read-After", "yesterday");
        using var response = await reader.SendAsync(request);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("Timeline-Read-After not valid", problem.Title);
        Assert.Contains("'yesterday' is not a position this API sent", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ETagsFromALaggingStandbyDescribeTheStandbysDataSoNo304HidesAChange()
    {
        await ReplicaCluster.WaitForReplayAsync();
        using var editor = app.Editor();
        using var reader = app.Anonymous();
        using var before = await reader.GetAsync("/v1/events?limit=100&tag=test");
        var oldTag = before.Headers.ETag!;
        var oldModified = before.Content.Headers.LastModified;

        await ReplicaCluster.PauseReplayAsync();
        string newTag;
        try
        {
            using (var created = await editor.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", EditingApp.NewEvent("t-etag"), idempotencyKey: "t-etag")))
            {
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }
            // The primary moved on and this instance forgot its stamp; the standby still has the old data,
            // and says so: the old ETag, and a 304 for a reader holding exactly that.
            using var lagging = await reader.GetAsync("/v1/events?limit=100&tag=test");
            Assert.Equal(oldTag, lagging.Headers.ETag);
            Assert.Equal(oldModified, lagging.Content.Headers.LastModified);
            Assert.DoesNotContain("t-etag", await lagging.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotModified, (await GetIfNoneMatchAsync(reader, oldTag)).StatusCode);

            // The editor reads from the primary: the new data under a new ETag.
            using var fresh = await editor.GetAsync("/v1/events?limit=100&tag=test");
            Assert.NotEqual(oldTag, fresh.Headers.ETag);
            Assert.Contains("t-etag", await fresh.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            newTag = fresh.Headers.ETag!.ToString();
        }
        finally
        {
            await ReplicaCluster.ResumeReplayAsync();
        }

        // Once the standby has it, the reader holding the old ETag gets the new list (within the stamp's cache moment).
        await ReplicaCluster.EventuallyAsync(async () =>
        {
            using var response = await GetIfNoneMatchAsync(reader, oldTag);
            return response.StatusCode == HttpStatusCode.OK && response.Headers.ETag!.ToString() == newTag
                && (await response.Content.ReadAsStringAsync()).Contains("t-etag", StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task TheChangeFeedFromALaggingStandbySkipsNothingOnceItCatchesUp()
    {
        await ReplicaCluster.WaitForReplayAsync();
        using var reader = app.Anonymous();
        var start = await PollCursorAsync(reader, null);

        // The standby gets the first change and stops before the next two.
        await app.CreateEventAsync("t-feed-a");
        await ReplicaCluster.WaitForReplayAsync();
        await ReplicaCluster.PauseReplayAsync();
        string afterA;
        try
        {
            await app.CreateEventAsync("t-feed-b");
            await app.CreateEventAsync("t-feed-c");
            using var lagging = await reader.GetAsync($"/v1/changes?since={start}");
            var page = await EditingApp.JsonAsync(lagging);
            Assert.Equal(["t-feed-a"], page["items"]!.AsArray().Select(i => i!["eventId"]!.GetValue<string>()));
            afterA = page["pollCursor"]!.GetValue<string>();

            // Polling again while it lags gives nothing new, and the cursor stays where it was.
            using var again = await reader.GetAsync($"/v1/changes?since={afterA}");
            var empty = await EditingApp.JsonAsync(again);
            Assert.Empty(empty["items"]!.AsArray());
            Assert.Equal(afterA, empty["pollCursor"]!.GetValue<string>());
        }
        finally
        {
            await ReplicaCluster.ResumeReplayAsync();
        }

        await ReplicaCluster.WaitForReplayAsync();
        using var caughtUp = await reader.GetAsync($"/v1/changes?since={afterA}");
        var rest = await EditingApp.JsonAsync(caughtUp);
        Assert.Equal(["t-feed-b", "t-feed-c"], rest["items"]!.AsArray().Select(i => i!["eventId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ReadinessReportsThePrimaryAndTheStandbyWithItsLag()
    {
        await ReplicaCluster.WaitForReplayAsync();
        using var client = app.Anonymous();
        await ReplicaCluster.PauseReplayAsync();
        try
        {
            await app.CreateEventAsync("t-health-lag");
            using var response = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var report = await EditingApp.JsonAsync(response);
            Assert.Equal("ready", report["status"]!.GetValue<string>());
            Assert.Equal("up", report["database"]!.GetValue<string>());
            var nodes = report["nodes"]!.AsArray();
            Assert.Equal(2, nodes.Count);
            Assert.Equal($"127.0.0.1:{ReplicaCluster.PrimaryPort}", nodes[0]!["host"]!.GetValue<string>());
            Assert.Equal("primary", nodes[0]!["role"]!.GetValue<string>());
            Assert.Null(nodes[0]!["lagBytes"]);
            Assert.Equal($"127.0.0.1:{ReplicaCluster.StandbyPort}", nodes[1]!["host"]!.GetValue<string>());
            Assert.Equal("standby", nodes[1]!["role"]!.GetValue<string>());
            Assert.True(nodes[1]!["lagBytes"]!.GetValue<long>() > 0, report.ToJsonString());
        }
        finally
        {
            await ReplicaCluster.ResumeReplayAsync();
        }
    }

    private static async Task<(string Title, string ETag)> TitleAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ((await EditingApp.JsonAsync(response))["title"]!.GetValue<string>(), response.Headers.ETag!.ToString());
    }

    private static async Task<HttpResponseMessage> GetIfNoneMatchAsync(HttpClient client, EntityTagHeaderValue etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events?limit=100&tag=test");
        request.Headers.IfNoneMatch.Add(etag);
        return await client.SendAsync(request);
    }

    private static async Task<string> PollCursorAsync(HttpClient client, string? since)
    {
        string? next = since;
        while (true)
        {
            using var response = await client.GetAsync("/v1/changes?limit=100" + (next is null ? "" : $"&since={next}"));
            var page = await EditingApp.JsonAsync(response);
            if (page["nextCursor"] is not JsonValue cursor)
            {
                return page["pollCursor"]!.GetValue<string>();
            }
            next = cursor.GetValue<string>();
        }
    }
}
