using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Timeline.Api.Changes;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Editing;

/// <summary>GET /v1/changes: every revision once, in commit order, paged with cursors, resumable.</summary>
public sealed class ChangeFeedTests(EditingApp app) : IClassFixture<EditingApp>
{
    [Fact]
    public async Task PagingTheFeedToTheEndReturnsEveryRevisionOnceInOrder()
    {
        for (var i = 0; i < 4; i++)
        {
            var etag = await app.CreateEventAsync($"t-feed-{i}");
            using var revise = await app.Editor().SendAsync(EditingApp.Request(HttpMethod.Put, $"/v1/events/t-feed-{i}",
                EditingApp.Revision($"t-feed-{i}", $"Feed revision {i}."), ifMatch: etag));
            Assert.Equal(HttpStatusCode.OK, revise.StatusCode);
        }

        var seen = new List<Change>();
        string? url = "/v1/changes?limit=3";
        var pages = 0;
        using var client = app.Anonymous();
        while (url is not null)
        {
            using var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = System.Text.Json.JsonSerializer.Deserialize<ChangePage>(await response.Content.ReadAsStringAsync(), TimelineApp.Strict)!;
            Assert.True(page.Items.Length <= 3);
            seen.AddRange(page.Items);
            pages++;
            if (page.NextCursor is null)
            {
                Assert.False(response.Headers.Contains("Link"));
                url = null;
            }
            else
            {
                var link = response.Headers.GetValues("Link").Single();
                Assert.Contains(page.NextCursor, link, StringComparison.Ordinal);
                Assert.EndsWith("rel=\"next\"", link, StringComparison.Ordinal);
                url = $"/v1/changes?limit=3&since={page.NextCursor}";
            }
            Assert.True(pages < 1000, "The feed never ended.");
        }

        await using var conn = await app.OpenDatabaseAsync();
        var expected = (await conn.QueryAsync<(string Slug, int Version, string Action)>(
            "select e.slug, r.version, r.action from revisions r join events e on e.id = r.event_id order by r.id")).ToArray();
        Assert.Equal(expected, seen.Select(c => (c.EventId, c.Version, c.Action)).ToArray());
        Assert.Contains(seen, c => c.EventId == "t-feed-3" && c.Action == "revised" && c.Reason == "Feed revision 3."
            && c.RevisionHref == "/v1/events/t-feed-3/revisions/2" && c.ChangedBy == "test-editor");
    }

    [Fact]
    public async Task ThePollCursorReturnsOnlyWhatChangedSince()
    {
        await app.CreateEventAsync("t-poll-before");
        var head = await app.GetJsonAsync<ChangePage>("/v1/changes?limit=100");
        while (head.NextCursor is not null)
        {
            head = await app.GetJsonAsync<ChangePage>($"/v1/changes?limit=100&since={head.NextCursor}");
        }

        var nothing = await app.GetJsonAsync<ChangePage>($"/v1/changes?since={head.PollCursor}");
        Assert.Empty(nothing.Items);
        Assert.Equal(head.PollCursor, nothing.PollCursor);

        var etag = await app.CreateEventAsync("t-poll-after");
        using (var retract = await app.Admin().SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events/t-poll-after/retraction",
                   new JsonObject { ["reason"] = "Polled." }, ifMatch: etag)))
        {
            Assert.Equal(HttpStatusCode.OK, retract.StatusCode);
        }
        var news = await app.GetJsonAsync<ChangePage>($"/v1/changes?since={head.PollCursor}");
        Assert.Equal([("t-poll-after", "created"), ("t-poll-after", "retracted")], news.Items.Select(c => (c.EventId, c.Action)).ToArray());
        Assert.Null(news.NextCursor);
    }

    [Fact]
    public async Task AnInstantStartsTheFeedAfterIt()
    {
        await app.CreateEventAsync("t-instant-before");
        var instant = await app.ScalarAsync<DateTime>(
            "select r.changed_at from revisions r join events e on e.id = r.event_id where e.slug = 't-instant-before'");
        await app.CreateEventAsync("t-instant-after");

        var since = Uri.EscapeDataString(new DateTimeOffset(instant, TimeSpan.Zero).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", System.Globalization.CultureInfo.InvariantCulture));
        var page = await app.GetJsonAsync<ChangePage>($"/v1/changes?since={since}");
        Assert.DoesNotContain(page.Items, c => c.EventId == "t-instant-before");
        Assert.Contains(page.Items, c => c.EventId == "t-instant-after" && c.Action == "created");

        var future = await app.GetJsonAsync<ChangePage>("/v1/changes?since=2099-01-01T00:00:00Z");
        Assert.Empty(future.Items);
    }

    [Theory]
    [InlineData("since=yesterday", "since")]
    [InlineData("since=2025-13-01T00:00:00Z", "since")]
    [InlineData("since=YzF8MDAwMDAwMDAwMDAw", "since")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    public async Task ABadFeedQueryReturnsAProblemNamingTheParameter(string query, string parameter)
    {
        using var response = await app.Anonymous().GetAsync("/v1/changes?" + query);
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(parameter, problem.Errors!.Keys);
    }
}
