using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Timeline.Api.Events;
using Timeline.Api.Tests.Editing;

namespace Timeline.Api.Tests.Events;

/// <summary>
/// Reads send each event's stored JSON, rendered when something it shows changes. These tests change
/// events, relations and actors through the API, then check that every stored list item and document is
/// exactly what the renderer makes of the rows now: nothing a change touches is left stale.
/// </summary>
public sealed class StoredJsonTests(EditingApp app) : IClassFixture<EditingApp>
{
    private const string Przewodow = "2022-11-15-przewodow-missile";

    /// <summary>The name of the events' TOAST table, where PostgreSQL keeps values it moved out of their rows.</summary>
    internal const string EventsToastTable = "select reltoastrelid::regclass::text from pg_class where oid = 'events'::regclass";

    [Fact]
    public async Task EveryStoredDocumentEqualsAFreshRenderAfterWritesOfEventsRelationsAndActors()
    {
        var created = EditingApp.NewEvent("t-stored-a");
        created["relations"] = new JsonArray(new JsonObject { ["type"] = "follows", ["target"] = Przewodow });
        var etag = await app.CreateEventAsync("t-stored-a", created);
        var other = await app.CreateEventAsync("t-stored-b");

        var revised = EditingApp.Revision("t-stored-a", "Moves the relation to another event.");
        revised["relations"] = new JsonArray(new JsonObject { ["type"] = "responds-to", ["target"] = "t-stored-b" });
        using (var revise = await app.Editor().SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/events/t-stored-a", revised, ifMatch: etag)))
        {
            Assert.Equal(HttpStatusCode.OK, revise.StatusCode);
        }
        using (var retract = await app.Admin().SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events/t-stored-b/retraction",
                   new JsonObject { ["reason"] = "Test retraction." }, ifMatch: other)))
        {
            Assert.Equal(HttpStatusCode.OK, retract.StatusCode);
        }
        using (var actor = await app.Admin().SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/actors/t-state-a", new JsonObject
               {
                   ["reason"] = "Renamed.", ["name"] = "Renamed State A", ["type"] = "state", ["country"] = "PL",
               }, ifMatch: "\"1\"")))
        {
            Assert.Equal(HttpStatusCode.OK, actor.StatusCode);
        }

        await using var conn = await app.OpenDatabaseAsync();
        var stored = (await conn.QueryAsync<(long Id, string Slug, string? Item, string? Document)>(
            "select id, slug, item_json, document_json from events order by id")).ToList();
        var fresh = (await EventRenderer.RenderAsync(conn, null, [.. stored.Select(s => s.Id)], CancellationToken.None)).ToDictionary(r => r.Id);

        Assert.True(stored.Count > 60, $"Only {stored.Count} events to compare.");
        var stale = stored.Where(s => s.Item != fresh[s.Id].Item || s.Document != fresh[s.Id].Document).Select(s => s.Slug).ToList();
        Assert.True(stale.Count == 0, $"Stored JSON differs from a fresh render for: {string.Join(", ", stale)}");
    }

    [Fact]
    public async Task EveryEventsStoredJsonIsInItsOwnRowNotInTheToastTable()
    {
        await app.CreateEventAsync("t-stored-in-row");

        // A value moved out of line is a chunk in the events' TOAST table: reading it is a second index
        // lookup and a second row. No event's row here comes near a page, so there must be none.
        await using var conn = await app.OpenDatabaseAsync();
        var toast = await conn.QuerySingleAsync<string>(EventsToastTable);
        var (events, outOfLine, widest) = await conn.QuerySingleAsync<(long, long, int)>($"""
            select (select count(*) from events where document_json is not null),
                   (select count(*) from {toast}),
                   (select max(pg_column_size(e.*)) from events e)
            """);
        Assert.True(events > 60, $"Only {events} events with stored JSON.");
        Assert.True(outOfLine == 0, $"{outOfLine} values of events are stored out of line in {toast} (widest row {widest} bytes).");
    }

    [Fact]
    public async Task ARelatedEventsDocumentFollowsTheTitleAndTheRelationOfTheEventThatLinksToIt()
    {
        var body = EditingApp.NewEvent("t-linking");
        body["relations"] = new JsonArray(new JsonObject { ["type"] = "responds-to", ["target"] = Przewodow, ["note"] = "Test link." });
        var etag = await app.CreateEventAsync("t-linking", body);

        var target = await app.GetJsonAsync<EventDetail>($"/v1/events/{Przewodow}");
        var incoming = Assert.Single(target.Relations, r => r.Event.Id == "t-linking");
        Assert.Equal(("responds-to", "incoming", "Test event t-linking"), (incoming.Type, incoming.Direction, incoming.Event.Title));

        var revised = EditingApp.Revision("t-linking", "New title, same link.");
        revised["relations"] = body["relations"]!.DeepClone();
        using (var revise = await app.Editor().SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/events/t-linking", revised, ifMatch: etag)))
        {
            Assert.Equal(HttpStatusCode.OK, revise.StatusCode);
            etag = revise.Headers.ETag!.Tag;
        }
        target = await app.GetJsonAsync<EventDetail>($"/v1/events/{Przewodow}");
        Assert.Equal("Revised test event t-linking", Assert.Single(target.Relations, r => r.Event.Id == "t-linking").Event.Title);

        var unlinked = EditingApp.Revision("t-linking", "Drops the link.");
        using (var revise = await app.Editor().SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/events/t-linking", unlinked, ifMatch: etag)))
        {
            Assert.Equal(HttpStatusCode.OK, revise.StatusCode);
        }
        target = await app.GetJsonAsync<EventDetail>($"/v1/events/{Przewodow}");
        Assert.DoesNotContain(target.Relations, r => r.Event.Id == "t-linking");
    }

    [Fact]
    public async Task RenamingAnActorShowsInTheDocumentsOfItsEvents()
    {
        await app.CreateEventAsync("t-actor-renamed");
        using (var actor = await app.Admin().SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/actors/t-person-c", new JsonObject
               {
                   ["reason"] = "Full name.", ["name"] = "Test Person Carter", ["type"] = "person",
               }, ifMatch: "\"1\"")))
        {
            Assert.Equal(HttpStatusCode.OK, actor.StatusCode);
        }

        var detail = await app.GetJsonAsync<EventDetail>("/v1/events/t-actor-renamed");
        Assert.Equal("Test Person Carter", Assert.Single(detail.Quotes).Speaker.Name);
    }

    [Fact]
    public async Task TheWordIndexHoldsExactlyTheWordsOfEveryEventAfterRevisionsRedatingAndRetraction()
    {
        var etag = await app.CreateEventAsync("t-words");
        var revised = EditingApp.Revision("t-words", "New words and a new date.");
        revised["title"] = "Quarantined zeppelin over Testville";
        revised["date"] = new JsonObject { ["start"] = "2024-06-02", ["precision"] = "day" };
        using (var revise = await app.Editor().SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/events/t-words", revised, ifMatch: etag)))
        {
            Assert.Equal(HttpStatusCode.OK, revise.StatusCode);
            etag = revise.Headers.ETag!.Tag;
        }

        var found = await app.WalkEventsAsync("q=quarantined+zeppelin");
        Assert.Equal(["t-words"], found.Select(e => e.Id));
        Assert.Equal(new DateOnly(2024, 6, 2), found[0].Date.Start);
        Assert.Empty(await app.WalkEventsAsync("q=revised+event+t-words"));

        using (var retract = await app.Admin().SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events/t-words/retraction",
                   new JsonObject { ["reason"] = "Test retraction." }, ifMatch: etag)))
        {
            Assert.Equal(HttpStatusCode.OK, retract.StatusCode);
        }
        Assert.Empty(await app.WalkEventsAsync("q=quarantined+zeppelin"));
        Assert.Equal(["t-words"], (await app.WalkEventsAsync("q=quarantined+zeppelin&includeRetracted=true")).Select(e => e.Id));

        // Every (word, date, id, status) of the word index, and nothing else, against the words of each event now.
        await using var conn = await app.OpenDatabaseAsync();
        var (missing, extra, rows) = await conn.QuerySingleAsync<(long, long, long)>("""
            with expected as (
                select word, e.occurred_on, e.id, e.status = 'published' as published
                from events e, unnest(tsvector_to_array(event_search_vector(e.title, e.summary, e.place_name))) word)
            select (select count(*) from (select * from expected except select word, occurred_on, id, published from event_words) m),
                   (select count(*) from (select word, occurred_on, id, published from event_words except select * from expected) x),
                   (select count(*) from event_words)
            """);
        Assert.True(rows > 1000, $"Only {rows} rows in the word index.");
        Assert.Equal((0L, 0L), (missing, extra));
    }
}
