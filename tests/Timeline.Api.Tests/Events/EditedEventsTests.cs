using System.Net;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Timeline.Api.Actors;
using Timeline.Api.Events;
using Timeline.Api.Tests.Infrastructure;
using Timeline.Api.Vocabularies;

namespace Timeline.Api.Tests.Events;

/// <summary>
/// The curated data with a few edits made straight in this class's own database: Przewodów retracted,
/// the newest other event revised "in 2030", and a test-only event with a Cyrillic title.
/// </summary>
public sealed class EditedTimelineApp : TimelineApp
{
    public const string Retracted = "2022-11-15-przewodow-missile";
    public const string Cyrillic = "2023-01-01-test-only-cyrillic-title";

    public string RevisedLater { get; private set; } = "";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // Edits made straight in the database are seen at once, not after the stamp's cache moment.
        builder.UseSetting("Timeline:DatasetVersionCacheMilliseconds", "0");
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var conn = await OpenDatabaseAsync();
        await conn.ExecuteAsync("""
            update events set status = 'retracted', retraction_reason = 'Test: retracted to check lists and counts leave it out.',
                              retracted_at = now(), retracted_by = 'tests', version = version + 1, updated_at = now()
            where slug = @Retracted;
            insert into events (slug, title, summary, kind, occurred_on, date_precision, tags, escalation_level, escalation_rationale)
            values (@Cyrillic, 'Заявление о красных линиях', 'Test-only row, not curated data: a Cyrillic title for the search test.',
                    'statement', '2023-01-01', 'day', '{test-only}', 1, 'Test row.');
            """, new { Retracted, Cyrillic });
        RevisedLater = await conn.ExecuteScalarAsync<string>("""
            update events set updated_at = '2030-01-01T00:00:00Z'
            where id = (select id from events where status = 'published' and slug <> @Cyrillic order by occurred_on desc, id desc limit 1)
            returning slug
            """, new { Cyrillic }) ?? throw new InvalidOperationException("no event to revise");
    }
}

public sealed class EditedEventsTests(EditedTimelineApp app) : IClassFixture<EditedTimelineApp>
{
    [Fact]
    public async Task ListingEventsLeavesRetractedEventsOutByDefault()
    {
        var events = await app.WalkEventsAsync("");

        Assert.DoesNotContain(events, e => e.Id == EditedTimelineApp.Retracted);
        Assert.All(events, e => Assert.Equal("published", e.Status));
    }

    [Fact]
    public async Task ListingEventsWithIncludeRetractedShowsThemWithTheirNotice()
    {
        var events = await app.WalkEventsAsync("includeRetracted=true");

        var retracted = Assert.Single(events, e => e.Status == "retracted");
        Assert.Equal(EditedTimelineApp.Retracted, retracted.Id);
        Assert.Equal("Test: retracted to check lists and counts leave it out.", retracted.Retraction?.Reason);
        Assert.Equal("tests", retracted.Retraction?.RetractedBy);
        Assert.Equal((await app.WalkEventsAsync("")).Count + 1, events.Count);
    }

    [Fact]
    public async Task GettingARetractedEventStillAnswersWithItsNotice()
    {
        var e = await app.GetJsonAsync<EventDetail>($"/v1/events/{EditedTimelineApp.Retracted}");

        Assert.Equal("retracted", e.Status);
        Assert.NotNull(e.Retraction);
    }

    [Fact]
    public async Task ListingEventsUpdatedSinceAnInstantReturnsOnlyThoseChangedAfterIt()
    {
        var changed = await app.WalkEventsAsync("updatedSince=2029-12-31T23:00:00%2B00:00");
        var sinceLongAgo = await app.WalkEventsAsync("updatedSince=2000-01-01T00:00:00Z");

        Assert.Equal([app.RevisedLater], changed.Select(e => e.Id));
        Assert.Equal((await app.WalkEventsAsync("")).Select(e => e.Id), sinceLongAgo.Select(e => e.Id));
    }

    [Theory]
    [InlineData("заявление")]
    [InlineData("КРАСНЫХ")]
    public async Task SearchingInCyrillicFindsTheEventWhateverTheCase(string q)
    {
        var found = await app.WalkEventsAsync($"q={Uri.EscapeDataString(q)}");

        Assert.Equal([EditedTimelineApp.Cyrillic], found.Select(e => e.Id));
    }

    [Fact]
    public async Task VocabularyCountsLeaveRetractedEventsOut()
    {
        var published = await app.WalkEventsAsync("");
        var tags = await app.GetJsonAsync<TagList>("/v1/tags");
        var kinds = await app.GetJsonAsync<KindList>("/v1/kinds");
        var ladder = await app.GetJsonAsync<EscalationLadder>("/v1/escalation-ladder");

        Assert.Equal(published.SelectMany(e => e.Tags).CountBy(t => t).OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value)),
            tags.Items.Select(t => (t.Tag, t.EventCount)));
        Assert.All(kinds.Items, k => Assert.Equal(published.Count(e => e.Kind == k.Code), k.EventCount));
        Assert.All(ladder.Items, l => Assert.Equal(published.Count(e => e.Escalation.Level == l.Level), l.EventCount));
    }

    [Fact]
    public async Task ActorCountsAndPagesLeaveRetractedEventsOut()
    {
        var poland = await app.GetJsonAsync<ActorDetail>("/v1/actors/poland");
        var list = await app.GetJsonAsync<ActorList>("/v1/actors?q=poland");

        Assert.DoesNotContain(poland.Events, e => e.Id == EditedTimelineApp.Retracted);
        Assert.Equal((await app.WalkEventsAsync("actor=poland")).Count, poland.EventCount);
        Assert.Equal(poland.EventCount, list.Items.Single(a => a.Id == "poland").EventCount);
    }

    [Fact]
    public async Task TheDatasetETagChangesWhenTheDataChanges()
    {
        using var client = app.CreateClient();
        using var before = await client.GetAsync("/v1/tags");
        await using (var conn = await app.OpenDatabaseAsync())
        {
            await conn.ExecuteAsync("update events set tags = tags || '{etag-test}'::text[] where slug = @Cyrillic", new { EditedTimelineApp.Cyrillic });
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/tags");
        request.Headers.IfNoneMatch.Add(before.Headers.ETag!);
        using var after = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(before.Headers.ETag, after.Headers.ETag);
        Assert.Contains("etag-test", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
