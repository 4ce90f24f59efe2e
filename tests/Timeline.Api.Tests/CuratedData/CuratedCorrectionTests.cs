using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Timeline.Api.CuratedData;
using Timeline.Api.Events;
using Timeline.Api.Revisions;
using Timeline.Api.Tests.Editing;

namespace Timeline.Api.Tests.CuratedData;

/// <summary>
/// The curated file is loaded at every start-up. A change to it reaches a running database as a visible
/// revision, an editor's correction made through the API is never overwritten, and an id renamed in
/// the file keeps answering, with a redirect. Each test loads its own edited copy of the file, as a
/// restart with that file would.
/// </summary>
public sealed class CuratedCorrectionTests(EditingApp app) : IClassFixture<EditingApp>
{
    private const string Przewodow = "2022-11-15-przewodow-missile";

    [Fact]
    public async Task AnEditInTheCuratedFileShowsUpAsARevisionWithTheFilesReason()
    {
        const string id = "2022-05-18-finland-sweden-apply-to-nato";
        var file = Edited(id, e =>
        {
            e["title"] = "Finland and Sweden apply to join NATO (corrected title)";
            e["changeReason"] = "Test correction of the title.";
        });

        var outcome = await LoadAsync(file);

        Assert.True(outcome.Corrected >= 1, $"Corrected {outcome.Corrected}");
        var detail = await app.GetJsonAsync<EventDetail>($"/v1/events/{id}");
        Assert.Equal("Finland and Sweden apply to join NATO (corrected title)", detail.Title);
        var history = await app.GetJsonAsync<RevisionList>($"/v1/events/{id}/revisions");
        var last = history.Items[^1];
        Assert.Equal(("revised", "curated-data", "Test correction of the title.", detail.Version),
            (last.Action, last.ChangedBy, last.Reason, last.Version));
    }

    [Fact]
    public async Task LoadingTheSameFileAgainChangesNothing()
    {
        var file = Edited(Przewodow, e => e["changeReason"] = "Test: the same file twice.");
        await LoadAsync(file);
        var revisions = await app.ScalarAsync<long>("select count(*) from revisions");

        var again = await LoadAsync(file);

        Assert.Equal((0, 0, 0, 0), (again.Added, again.Renamed, again.Corrected, again.Conflicts));
        Assert.Equal(revisions, await app.ScalarAsync<long>("select count(*) from revisions"));
    }

    [Fact]
    public async Task AnEditorsCorrectionIsKeptAndTheFilesChangeIsListedForAPerson()
    {
        const string id = "2024-11-19-nuclear-doctrine-decree";
        var before = await app.GetJsonAsync<JsonObject>($"/v1/events/{id}");
        var revise = EditorRevision(before, "An editor's title");
        using (var response = await app.Editor().SendAsync(EditingApp.Request(HttpMethod.Put, $"/v1/events/{id}", revise, ifMatch: $"\"{before["version"]}\"")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var outcome = await LoadAsync(Edited(id, e =>
        {
            e["title"] = "The file's title";
            e["changeReason"] = "Test: the file corrects the title.";
        }));

        Assert.True(outcome.Conflicts >= 1, $"Conflicts {outcome.Conflicts}");
        Assert.Equal("An editor's title", (await app.GetJsonAsync<EventDetail>($"/v1/events/{id}")).Title);
        var conflicts = await app.GetJsonAsync<CuratedConflictList>("/v1/curated-data/conflicts");
        var conflict = Assert.Single(conflicts.Items, c => c.EventId == id);
        Assert.Equal(("Test: the file corrects the title.", "test-editor", $"/v1/events/{id}"), (conflict.FileReason, conflict.LastChangedBy, conflict.Href));
    }

    [Fact]
    public async Task AnIdRenamedInTheFileRedirectsFromItsOldIdAndTheRenameIsInTheHistory()
    {
        const string oldId = "2022-03-29-istanbul-talks", newId = "2022-03-29-istanbul-talks-renamed";
        var outcome = await LoadAsync(Edited(oldId, e =>
        {
            e["id"] = newId;
            e["formerIds"] = new JsonArray(oldId);
            e["changeReason"] = "Test rename.";
        }, renameRelationsTo: newId));

        Assert.Equal(1, outcome.Renamed);
        using var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var old = await client.GetAsync($"/v1/events/{oldId}");
        Assert.Equal(HttpStatusCode.MovedPermanently, old.StatusCode);
        Assert.Equal($"/v1/events/{newId}", old.Headers.Location!.OriginalString);

        var history = await app.GetJsonAsync<RevisionList>($"/v1/events/{newId}/revisions");
        Assert.Contains(history.Items, r => r.Reason == $"Id changed from '{oldId}' to '{newId}'. Test rename.");
        var related = (await app.GetJsonAsync<EventDetail>($"/v1/events/{newId}")).Relations;
        Assert.NotEmpty(related);
        foreach (var r in related)
        {
            var other = await app.GetJsonAsync<EventDetail>($"/v1/events/{r.Event.Id}");
            Assert.Contains(other.Relations, x => x.Event.Id == newId);
        }
    }

    [Fact]
    public async Task EveryAddressUnderAnIdTheCuratedFileRenamedRedirectsOnAFreshDatabase()
    {
        using var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        foreach (var (path, moved) in new[]
                 {
                     ("", ""), ("/revisions", "/revisions"), ("/revisions/1", "/revisions/1"), ("/citation?format=csl", "/citation?format=csl"),
                 })
        {
            using var old = await client.GetAsync($"/v1/events/2022-12-01-lavrov-tass-interview{path}");
            Assert.Equal(HttpStatusCode.MovedPermanently, old.StatusCode);
            Assert.Equal($"/v1/events/2022-12-27-lavrov-tass-interview{moved}", old.Headers.Location!.OriginalString);
        }
    }

    [Fact]
    public async Task ARenameInTheFileStillKeepsAnEditorsWorkOnTheEvent()
    {
        const string oldId = "2023-02-21-new-start-suspension", newId = "2023-02-21-new-start-suspension-renamed";
        var before = await app.GetJsonAsync<JsonObject>($"/v1/events/{oldId}");
        using (var response = await app.Editor().SendAsync(EditingApp.Request(HttpMethod.Put, $"/v1/events/{oldId}",
                   EditorRevision(before, "An editor's title before the rename"), ifMatch: $"\"{before["version"]}\"")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var outcome = await LoadAsync(Edited(oldId, e =>
        {
            e["id"] = newId;
            e["formerIds"] = new JsonArray(oldId);
            e["title"] = "The file's title";
            e["changeReason"] = "Test: renamed and retitled.";
        }, renameRelationsTo: newId));

        Assert.Equal(1, outcome.Renamed);
        Assert.Equal("An editor's title before the rename", (await app.GetJsonAsync<EventDetail>($"/v1/events/{newId}")).Title);
        Assert.Contains((await app.GetJsonAsync<CuratedConflictList>("/v1/curated-data/conflicts")).Items, c => c.EventId == newId);
    }

    [Fact]
    public async Task ASourceTheFileChangesShowsInEveryEventCitingItEvenOneMadeThroughTheApi()
    {
        var file = JsonNode.Parse(File.ReadAllText(CuratedDataLoader.DefaultFile))!.AsObject();
        var source = file["sources"]!.AsArray().Select(n => n!.AsObject()).First(s => s["url"] is null && s["seed"] is null);
        var sourceId = (string)source["id"]!;
        var body = EditingApp.NewEvent("t-cites-curated-source");
        body["sources"] = new JsonArray(EditingApp.SourceId, sourceId);
        await app.CreateEventAsync("t-cites-curated-source", body);

        source["outlet"] = "Renamed outlet (test)";
        var path = Path.Combine(Path.GetTempPath(), $"timeline-curated-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, file.ToJsonString());
        await LoadAsync(path);

        var detail = await app.GetJsonAsync<EventDetail>("/v1/events/t-cites-curated-source");
        Assert.Equal("Renamed outlet (test)", Assert.Single(detail.Sources, s => s.Id == sourceId).Outlet);
    }

    [Fact]
    public async Task AFormerIdCannotBeGivenToANewEvent()
    {
        using var response = await app.Editor().SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events",
            EditingApp.NewEvent("2022-12-01-lavrov-tass-interview"), idempotencyKey: Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("former id of '2022-12-27-lavrov-tass-interview'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<CuratedDataLoader.Outcome> LoadAsync(string file)
    {
        await using var db = NpgsqlDataSource.Create(app.ConnectionString);
        return await CuratedDataLoader.LoadAsync(db, file, NullLogger.Instance, CancellationToken.None);
    }

    /// <summary>A copy of the curated file with one event edited (and relations to it pointed at a new id).</summary>
    private static string Edited(string id, Action<JsonObject> edit, string? renameRelationsTo = null)
    {
        var set = JsonNode.Parse(File.ReadAllText(CuratedDataLoader.DefaultFile))!.AsObject();
        foreach (var e in set["events"]!.AsArray().Select(n => n!.AsObject()))
        {
            if ((string?)e["id"] == id)
            {
                edit(e);
            }
            foreach (var r in e["relations"]!.AsArray().Select(n => n!.AsObject()))
            {
                if (renameRelationsTo is not null && (string?)r["target"] == id) r["target"] = renameRelationsTo;
            }
        }
        var path = Path.Combine(Path.GetTempPath(), $"timeline-curated-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, set.ToJsonString());
        return path;
    }

    /// <summary>The revise body that keeps an event as it is but for its title.</summary>
    private static JsonObject EditorRevision(JsonObject e, string title) => new()
    {
        ["reason"] = "An editor's correction.",
        ["title"] = title,
        ["summary"] = e["summary"]!.DeepClone(),
        ["kind"] = e["kind"]!.DeepClone(),
        ["date"] = new JsonObject
        {
            ["start"] = e["date"]!["start"]!.DeepClone(), ["end"] = e["date"]!["end"]?.DeepClone(),
            ["precision"] = e["date"]!["precision"]!.DeepClone(), ["approximate"] = e["date"]!["approximate"]!.DeepClone(),
            ["note"] = e["date"]!["note"]?.DeepClone(),
        },
        ["location"] = e["location"] is JsonObject l ? new JsonObject
        {
            ["place"] = l["place"]?.DeepClone(), ["country"] = l["country"]?.DeepClone(), ["lat"] = l["lat"]?.DeepClone(), ["lon"] = l["lon"]?.DeepClone(),
        } : null,
        ["tags"] = e["tags"]!.DeepClone(),
        ["escalation"] = new JsonObject { ["level"] = e["escalation"]!["level"]!.DeepClone(), ["rationale"] = e["escalation"]!["rationale"]!.DeepClone() },
        ["actors"] = new JsonArray([.. e["actors"]!.AsArray().Select(a => (JsonNode)new JsonObject { ["actor"] = a!["id"]!.DeepClone(), ["role"] = a["role"]!.DeepClone() })]),
        ["sources"] = new JsonArray([.. e["sources"]!.AsArray().Select(s => (JsonNode)s!["id"]!.DeepClone())]),
        ["relations"] = new JsonArray([.. e["relations"]!.AsArray().Where(r => (string?)r!["direction"] == "outgoing")
            .Select(r => (JsonNode)new JsonObject { ["type"] = r!["type"]!.DeepClone(), ["target"] = r["event"]!["id"]!.DeepClone(), ["note"] = r["note"]?.DeepClone() })]),
    };
}
