using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Timeline.Api.Changes;
using Timeline.Api.Events;
using Timeline.Api.Revisions;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Editing;

/// <summary>Every change leaves a revision; retracted events stay readable; the change feed lists it all in order.</summary>
public sealed class HistoryTests(EditingApp app) : IClassFixture<EditingApp>
{
    [Fact]
    public async Task CreatingRevisingAndRetractingLeavesThreeRevisionsSignedByTheirKeys()
    {
        var etag = await app.CreateEventAsync("t-history");
        using (var revise = await app.Editor().SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/events/t-history",
                   EditingApp.Revision("t-history", "Corrects the title."), ifMatch: etag)))
        {
            Assert.Equal(HttpStatusCode.OK, revise.StatusCode);
            Assert.Equal("\"2\"", revise.Headers.ETag!.Tag);
        }
        using (var retract = await app.Admin().SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events/t-history/retraction",
                   new JsonObject { ["reason"] = "Duplicate of another event." }, ifMatch: "\"2\"")))
        {
            Assert.Equal(HttpStatusCode.OK, retract.StatusCode);
            Assert.Equal("\"3\"", retract.Headers.ETag!.Tag);
        }

        var list = await app.GetJsonAsync<RevisionList>("/v1/events/t-history/revisions");
        Assert.Equal("t-history", list.EventId);
        Assert.Equal([1, 2, 3], list.Items.Select(r => r.Version).ToArray());
        Assert.Equal(["created", "revised", "retracted"], list.Items.Select(r => r.Action).ToArray());
        Assert.Equal(["test-editor", "test-editor", "test-admin"], list.Items.Select(r => r.ChangedBy).ToArray());
        Assert.Equal(new string?[] { null, "Corrects the title.", "Duplicate of another event." }, list.Items.Select(r => r.Reason).ToArray());
        Assert.Equal("/v1/events/t-history/revisions/2", list.Items[1].Href);

        var first = await app.GetJsonAsync<EventRevision>("/v1/events/t-history/revisions/1");
        Assert.Equal("Test event t-history", first.Snapshot.Title);
        Assert.Equal("published", first.Snapshot.Status);
        var second = await app.GetJsonAsync<EventRevision>("/v1/events/t-history/revisions/2");
        Assert.Equal("Revised test event t-history", second.Snapshot.Title);
    }

    [Fact]
    public async Task TheLatestRevisionSnapshotEqualsTheEventAsServed()
    {
        var etag = await app.CreateEventAsync("t-replay-state");
        var body = EditingApp.Revision("t-replay-state", "Adds a relation and a quote translation.");
        await app.CreateEventAsync("t-replay-other");
        body["relations"] = new JsonArray(new JsonObject { ["type"] = "responds-to", ["target"] = "t-replay-other", ["note"] = "Test note." });
        body["quotes"]![0]!["translation"] = "Test words, translated.";
        using (var revise = await app.Editor().SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/events/t-replay-state", body, ifMatch: etag)))
        {
            Assert.Equal(HttpStatusCode.OK, revise.StatusCode);
        }

        using var client = app.Anonymous();
        var current = JsonNode.Parse(await client.GetStringAsync("/v1/events/t-replay-state"))!;
        var revision = JsonNode.Parse(await client.GetStringAsync("/v1/events/t-replay-state/revisions/2"))!;
        Assert.True(JsonNode.DeepEquals(current, revision["snapshot"]), $"Current: {current}\nSnapshot: {revision["snapshot"]}");
        var detail = current.Deserialize<EventDetail>(TimelineApp.Strict)!;
        Assert.Equal("t-replay-other", detail.Relations.Single().Event.Id);
        Assert.Equal(2, detail.Version);
    }

    [Fact]
    public async Task ARevisionReplacesTheEventsLinksRatherThanAddingToThem()
    {
        var etag = await app.CreateEventAsync("t-replace-links");
        var body = EditingApp.Revision("t-replace-links", "Keeps one actor, drops the quote and the claim.");
        body["actors"] = new JsonArray(new JsonObject { ["actor"] = "t-state-b", ["role"] = "target" });
        body["quotes"] = new JsonArray();
        body["claims"] = new JsonArray();
        body["tags"] = new JsonArray("retagged");
        body.Remove("location");
        using var revise = await app.Editor().SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/events/t-replace-links", body, ifMatch: etag));
        Assert.Equal(HttpStatusCode.OK, revise.StatusCode);

        var e = await app.GetJsonAsync<EventDetail>("/v1/events/t-replace-links");
        Assert.Equal([("t-state-b", "target")], e.Actors.Select(a => (a.Id, a.Role)).ToArray());
        Assert.Empty(e.Quotes);
        Assert.Empty(e.Claims);
        Assert.Equal(["retagged"], e.Tags);
        Assert.Null(e.Location);
        var original = await app.GetJsonAsync<EventRevision>("/v1/events/t-replace-links/revisions/1");
        Assert.Equal(2, original.Snapshot.Actors.Length);
        Assert.Single(original.Snapshot.Quotes);
    }

    [Fact]
    public async Task ARetractedEventStillAnswersWithItsNoticeButLeavesTheLists()
    {
        var before = await app.ScalarAsync<DateTime>("select now()");
        var etag = await app.CreateEventAsync("t-retracted");
        using (var retract = await app.Admin().SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events/t-retracted/retraction",
                   new JsonObject { ["reason"] = "The report it rested on was withdrawn." }, ifMatch: etag)))
        {
            Assert.Equal(HttpStatusCode.OK, retract.StatusCode);
        }

        var e = await app.GetJsonAsync<EventDetail>("/v1/events/t-retracted");
        Assert.Equal("retracted", e.Status);
        Assert.Equal("The report it rested on was withdrawn.", e.Retraction!.Reason);
        Assert.Equal("test-admin", e.Retraction.RetractedBy);

        var published = await app.GetJsonAsync<EventPage>("/v1/events?from=2024-05-17&to=2024-05-17&limit=100");
        Assert.DoesNotContain(published.Items, i => i.Id == "t-retracted");
        var all = await app.GetJsonAsync<EventPage>("/v1/events?from=2024-05-17&to=2024-05-17&limit=100&includeRetracted=true");
        Assert.Contains(all.Items, i => i.Id == "t-retracted" && i.Retraction is not null);

        var feed = await app.GetJsonAsync<ChangePage>($"/v1/changes?limit=100&since={Uri.EscapeDataString(before.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", System.Globalization.CultureInfo.InvariantCulture))}");
        Assert.Contains(feed.Items, c => c.EventId == "t-retracted" && c.Action == "retracted" && c.Version == 2
            && c.Reason == "The report it rested on was withdrawn." && c.ChangedBy == "test-admin" && c.Href == "/v1/events/t-retracted");
    }

    [Fact]
    public async Task RetractingTwiceChangesNothingTheSecondTime()
    {
        var etag = await app.CreateEventAsync("t-retract-twice");
        using var admin = app.Admin();
        using (var first = await admin.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events/t-retract-twice/retraction",
                   new JsonObject { ["reason"] = "First notice." }, ifMatch: etag)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        using var second = await admin.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events/t-retract-twice/retraction",
            new JsonObject { ["reason"] = "Second notice." }, ifMatch: etag));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var e = JsonSerializer.Deserialize<EventDetail>(await second.Content.ReadAsStringAsync(), TimelineApp.Strict)!;
        Assert.Equal("First notice.", e.Retraction!.Reason);
        Assert.Equal(2, e.Version);
    }

    [Fact]
    public async Task ARetractedEventCannotBeRevised()
    {
        var etag = await app.CreateEventAsync("t-retracted-final");
        using (var retract = await app.Admin().SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events/t-retracted-final/retraction",
                   new JsonObject { ["reason"] = "Wrong." }, ifMatch: etag)))
        {
            Assert.Equal(HttpStatusCode.OK, retract.StatusCode);
        }
        using var revise = await app.Editor().SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/events/t-retracted-final",
            EditingApp.Revision("t-retracted-final", "Try."), ifMatch: "\"2\""));
        var problem = await ProblemAssert.IsProblemAsync(revise, HttpStatusCode.Conflict);
        Assert.Contains("retracted", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskingForAnUnknownRevisionReturnsNotFound()
    {
        await app.CreateEventAsync("t-one-revision");
        using var client = app.Anonymous();
        using var missingVersion = await client.GetAsync("/v1/events/t-one-revision/revisions/2");
        await ProblemAssert.IsProblemAsync(missingVersion, HttpStatusCode.NotFound);
        using var missingEvent = await client.GetAsync("/v1/events/t-never/revisions");
        await ProblemAssert.IsProblemAsync(missingEvent, HttpStatusCode.NotFound);
        using var badVersion = await client.GetAsync("/v1/events/t-one-revision/revisions/0");
        await ProblemAssert.IsProblemAsync(badVersion, HttpStatusCode.BadRequest);
        using var notANumber = await client.GetAsync("/v1/events/t-one-revision/revisions/latest");
        await ProblemAssert.IsProblemAsync(notANumber, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task RevisionsCannotBeEditedEvenInTheDatabase()
    {
        await app.CreateEventAsync("t-append-only");
        await using var conn = await app.OpenDatabaseAsync();
        var ex = await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            Dapper.SqlMapper.ExecuteAsync(conn, "delete from revisions where event_id = (select id from events where slug = 't-append-only')"));
        Assert.Contains("append-only", ex.MessageText, StringComparison.Ordinal);
    }
}
