using System.Net;
using Timeline.Api.Events;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Events;

public sealed class ListEventsTests(TimelineApp app) : IClassFixture<TimelineApp>
{
    [Fact]
    public async Task ListingEventsReturnsCuratedEventsInDateOrder()
    {
        var page = await app.GetJsonAsync<EventPage>("/v1/events?limit=100");

        Assert.True(page.Items.Length >= 40, $"expected the curated set, got {page.Items.Length}");
        Assert.Contains(page.Items, e => e.Id == "2022-11-15-przewodow-missile" && e.Date.Start == new DateOnly(2022, 11, 15));
        Assert.Equal(page.Items.OrderBy(e => e.Date.Start).Select(e => e.Id), page.Items.Select(e => e.Id));
    }

    [Fact]
    public async Task WalkingAllPagesVisitsEveryEventOnceInBothDirections()
    {
        // Every published event in date order, from the database: the paging under test is not its own reference.
        await using var conn = await app.OpenDatabaseAsync();
        var all = (await Dapper.SqlMapper.QueryAsync<string>(conn, "select slug from events where status = 'published' order by occurred_on, id")).ToList();
        Assert.True(all.Count > 100, $"Only {all.Count} events: the walk should cross more than one page of 100.");
        foreach (var sort in new[] { "date", "-date" })
        {
            var seen = new List<string>();
            string? url = $"/v1/events?limit=7&sort={sort}";
            using var client = app.CreateClient();
            while (url is not null)
            {
                using var response = await client.GetAsync(url);
                var page = System.Text.Json.JsonSerializer.Deserialize<EventPage>(await response.Content.ReadAsStringAsync(), TimelineApp.Strict)!;
                seen.AddRange(page.Items.Select(e => e.Id));
                var link = response.Headers.TryGetValues("Link", out var values) ? values.Single() : null;
                Assert.Equal(page.NextCursor is null, link is null);
                url = link?[1..link.IndexOf('>', StringComparison.Ordinal)];
            }
            Assert.Equal(all.Count, seen.Distinct().Count());
            Assert.Equal(sort == "date" ? all : Enumerable.Reverse(all), seen);
        }
    }

    [Theory]
    [InlineData("from=2025-02-30", "from")]
    [InlineData("to=2025-13-01", "to")]
    [InlineData("limit=abc", "limit")]
    [InlineData("minLevel=high", "minLevel")]
    [InlineData("updatedSince=yesterday", "updatedSince")]
    [InlineData("includeRetracted=maybe", "includeRetracted")]
    public async Task ListingEventsWithMalformedParameterReturnsProblem(string query, string parameter)
    {
        var problem = await app.GetProblemAsync($"/v1/events?{query}", HttpStatusCode.BadRequest);
        Assert.Contains(parameter, problem.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(problem.Errors);
        Assert.True(problem.Errors!.ContainsKey(parameter), $"errors name '{parameter}': {string.Join(", ", problem.Errors.Keys)}");
        Assert.DoesNotContain("Failed to bind", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListingEventsFromAnImpossibleDateExplainsTheDateFormat()
    {
        var problem = await app.GetProblemAsync("/v1/events?from=2025-02-30", HttpStatusCode.BadRequest);
        Assert.Equal("'from' must be a calendar date written YYYY-MM-DD, e.g. 2022-11-15; '2025-02-30' is not a valid date.", problem.Detail);
    }

    [Fact]
    public async Task ListingEventsOfAnUnknownKindReturnsProblemNamingTheKnownKinds()
    {
        var problem = await app.GetProblemAsync("/v1/events?kind=incident,skirmish", HttpStatusCode.BadRequest);
        Assert.Equal(["kind"], problem.Errors!.Keys);
        Assert.Contains("'skirmish'", problem.Detail, StringComparison.Ordinal);
        foreach (var kind in new[] { "incident", "statement", "policy", "military-aid", "diplomacy", "deployment" })
        {
            Assert.Contains(kind, problem.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ListingEventsWithATamperedCursorReturnsProblem()
    {
        using var client = app.CreateClient();
        var first = await app.GetJsonAsync<EventPage>("/v1/events?limit=1");
        var cursor = first.NextCursor!;
        var tampered = cursor[..^2] + (cursor[^2] == 'A' ? 'B' : 'A') + cursor[^1];
        using var response = await client.GetAsync($"/v1/events?limit=1&cursor={tampered}");
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["cursor"], problem.Errors!.Keys);

        using var otherSort = await client.GetAsync($"/v1/events?limit=1&sort=-date&cursor={cursor}");
        var sortProblem = await ProblemAssert.IsProblemAsync(otherSort, HttpStatusCode.BadRequest);
        Assert.Contains("sort order", sortProblem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListingEventsWithAnOverlongQueryReturnsProblem()
    {
        var problem = await app.GetProblemAsync($"/v1/events?q={new string('x', 201)}", HttpStatusCode.BadRequest);
        Assert.Equal("'q' must be at most 200 characters.", problem.Detail);
    }

    [Fact]
    public async Task SearchingForAControlCharacterReturnsProblem()
    {
        var problem = await app.GetProblemAsync("/v1/events?q=missile%00", HttpStatusCode.BadRequest);
        Assert.Equal(["q"], problem.Errors!.Keys);
    }

    [Fact]
    public async Task ListingEventsWithBadFilterValuesNamesEachParameterOnce()
    {
        var problem = await app.GetProblemAsync("/v1/events?country=POL,Poland&tag=Air_Defence&actor=Sergey%20Lavrov", HttpStatusCode.BadRequest);
        Assert.Equal(["actor", "country", "tag"], problem.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("from=2025-03-01&to=2025-02-01", "to")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("sort=title", "sort")]
    [InlineData("cursor=bm90LWEtY3Vyc29y", "cursor")]
    [InlineData("minLevel=9", "minLevel")]
    [InlineData("maxLevel=-1", "maxLevel")]
    [InlineData("minLevel=5&maxLevel=3", "maxLevel")]
    [InlineData("limit=-5", "limit")]
    [InlineData("sort=date,title", "sort")]
    public async Task ListingEventsWithInvalidParameterReturnsValidationProblem(string query, string parameter)
    {
        var problem = await app.GetProblemAsync($"/v1/events?{query}", HttpStatusCode.BadRequest);
        Assert.NotNull(problem.Errors);
        Assert.True(problem.Errors!.ContainsKey(parameter), $"errors name '{parameter}': {string.Join(", ", problem.Errors.Keys)}");
    }
}

/// <summary>Each filter of the event list, checked against the whole list filtered here, on the curated data.</summary>
public sealed class FilterEventsTests(TimelineApp app) : IClassFixture<TimelineApp>
{
    private const string Przewodow = "2022-11-15-przewodow-missile";

    [Fact]
    public async Task ListingEventsInADateWindowReturnsExactlyTheEventsStartingInIt()
    {
        var all = await app.WalkEventsAsync("");
        var window = await app.WalkEventsAsync("from=2022-11-01&to=2022-11-30");

        Assert.Contains(window, e => e.Id == Przewodow);
        Assert.Equal(all.Where(e => e.Date.Start >= new DateOnly(2022, 11, 1) && e.Date.Start <= new DateOnly(2022, 11, 30)).Select(e => e.Id),
            window.Select(e => e.Id));
        Assert.Equal(all.Where(e => e.Date.Start >= new DateOnly(2025, 1, 1)).Select(e => e.Id),
            (await app.WalkEventsAsync("from=2025-01-01")).Select(e => e.Id));
    }

    [Fact]
    public async Task ListingEventsOfAKindReturnsOnlyThatKind()
    {
        var all = await app.WalkEventsAsync("");
        var kind = all.Single(e => e.Id == Przewodow).Kind;
        var other = kind == "statement" ? "policy" : "statement";
        var ofKind = await app.WalkEventsAsync($"kind={kind}");
        var either = await app.WalkEventsAsync($"kind={kind},{other}");

        Assert.Contains(ofKind, e => e.Id == Przewodow);
        Assert.Equal(all.Where(e => e.Kind == kind).Select(e => e.Id), ofKind.Select(e => e.Id));
        Assert.Equal(all.Where(e => e.Kind == kind || e.Kind == other).Select(e => e.Id), either.Select(e => e.Id));
        Assert.Equal(either.Select(e => e.Id), (await app.WalkEventsAsync($"kind={kind}&kind={other}")).Select(e => e.Id));
    }

    [Fact]
    public async Task ListingEventsOfAnActorReturnsTheEventsOnItsActorPage()
    {
        var przewodow = await app.GetJsonAsync<EventDetail>($"/v1/events/{Przewodow}");
        foreach (var actorId in przewodow.Actors.Select(a => a.Id).Distinct())
        {
            var actor = await app.GetJsonAsync<Timeline.Api.Actors.ActorDetail>($"/v1/actors/{actorId}");
            var events = await app.WalkEventsAsync($"actor={actorId}", limit: 3);

            Assert.Contains(events, e => e.Id == Przewodow);
            Assert.Equal(actor.EventCount, events.Count);
            Assert.Equal(actor.Events.Select(e => e.Id), Enumerable.Reverse(events).Take(50).Select(e => e.Id));
        }
    }

    [Fact]
    public async Task ListingEventsByCountryReturnsOnlyEventsThere()
    {
        var all = await app.WalkEventsAsync("");
        var poland = await app.WalkEventsAsync("country=pl");

        Assert.Contains(poland, e => e.Id == Przewodow);
        Assert.All(poland, e => Assert.Equal("PL", e.Location?.Country));
        Assert.Equal(all.Where(e => e.Location?.Country == "PL").Select(e => e.Id), poland.Select(e => e.Id));
    }

    [Fact]
    public async Task ListingEventsByTagReturnsTheEventsCarryingIt()
    {
        var all = await app.WalkEventsAsync("");
        var tag = all.Single(e => e.Id == Przewodow).Tags[0];
        var tagged = await app.WalkEventsAsync($"tag={tag}");
        var tags = await app.GetJsonAsync<Timeline.Api.Vocabularies.TagList>("/v1/tags");

        Assert.Contains(tagged, e => e.Id == Przewodow);
        Assert.Equal(all.Where(e => e.Tags.Contains(tag)).Select(e => e.Id), tagged.Select(e => e.Id));
        Assert.Equal(tags.Items.Single(t => t.Tag == tag).EventCount, tagged.Count);
    }

    [Fact]
    public async Task ListingEventsByLevelRangeReturnsOnlyLevelsInIt()
    {
        var all = await app.WalkEventsAsync("");
        var level = all.Single(e => e.Id == Przewodow).Escalation.Level;
        var exactly = await app.WalkEventsAsync($"minLevel={level}&maxLevel={level}");
        var atLeastFour = await app.WalkEventsAsync("minLevel=4");
        var atMostOne = await app.WalkEventsAsync("maxLevel=1");

        Assert.Contains(exactly, e => e.Id == Przewodow);
        Assert.Equal(all.Where(e => e.Escalation.Level == level).Select(e => e.Id), exactly.Select(e => e.Id));
        Assert.Equal(all.Where(e => e.Escalation.Level >= 4).Select(e => e.Id), atLeastFour.Select(e => e.Id));
        Assert.Equal(all.Where(e => e.Escalation.Level <= 1).Select(e => e.Id), atMostOne.Select(e => e.Id));
    }

    [Theory]
    [InlineData("Przewodów")]
    [InlineData("PRZEWODÓW")]
    [InlineData("Przewodow")]
    public async Task SearchingForAPlaceWithOrWithoutDiacriticsFindsTheEvent(string q)
    {
        var found = await app.WalkEventsAsync($"q={Uri.EscapeDataString(q)}");

        Assert.Contains(found, e => e.Id == Przewodow);
        Assert.All(found, e => Assert.Contains("przewodów", (e.Title + " " + e.Summary + " " + e.Location?.Place).ToLowerInvariant(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task SearchingForAWordNoEventHasReturnsAnEmptyPage()
    {
        var page = await app.GetJsonAsync<EventPage>("/v1/events?q=xylophone");

        Assert.Empty(page.Items);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task SearchingWithOperatorsOrStrayPunctuationNeverFails()
    {
        foreach (var q in new[] { "\"red line\"", "missile -drone", "drone OR missile", "((", "a:b & | !", "'; drop table events; --" })
        {
            await app.WalkEventsAsync($"q={Uri.EscapeDataString(q)}");
        }
    }

    [Theory]
    [InlineData("country=PL")]
    [InlineData("kind=incident,statement,policy")]
    [InlineData("from=2023-01-01&sort=-date")]
    [InlineData("minLevel=1&maxLevel=4&sort=-date")]
    public async Task WalkingFilteredPagesVisitsEveryMatchOnceInOrder(string filter)
    {
        var whole = await app.WalkEventsAsync(filter, limit: 100);
        var paged = await app.WalkEventsAsync(filter, limit: 2);

        Assert.NotEmpty(whole);
        Assert.Equal(whole.Select(e => e.Id), paged.Select(e => e.Id));
        Assert.Equal(paged.Count, paged.Select(e => e.Id).Distinct().Count());
    }

    // Words that must all appear go through the word index; phrases, OR and NOT through the search
    // vectors. Either way a walk of small pages gives exactly what the text index says matches, in order.
    [Theory]
    [InlineData("missile", "")]
    [InlineData("Russia", "&sort=-date")]
    [InlineData("Russian missile", "")]
    [InlineData("NATO Russia warning", "&sort=-date")]
    [InlineData("Poland airspace", "&includeRetracted=true")]
    [InlineData("drone", "&from=2023-01-01&to=2024-12-31")]
    [InlineData("nuclear", "&country=RU,BY")]
    [InlineData("\"air defence\"", "")]
    [InlineData("missile -drone", "&sort=-date")]
    [InlineData("Kyiv or Odesa", "")]
    [InlineData("air-defence", "")]
    public async Task SearchPagesGiveExactlyTheMatchesOfTheTextIndexInOrder(string q, string filter)
    {
        await using var conn = await app.OpenDatabaseAsync();
        var descending = filter.Contains("sort=-date", StringComparison.Ordinal);
        var expected = (await Dapper.SqlMapper.QueryAsync<string>(conn, $"""
            select e.slug from events e join event_search s on s.id = e.id
            where s.search @@ websearch_to_tsquery('timeline_english', @q)
              and (e.status = 'published' or @retracted)
              and e.occurred_on between @from and @to
              and (e.country_code = any(@countries) or @anyCountry)
            order by e.occurred_on {(descending ? "desc" : "asc")}, e.id {(descending ? "desc" : "asc")}
            """, new
        {
            q,
            retracted = filter.Contains("includeRetracted", StringComparison.Ordinal),
            from = filter.Contains("from=", StringComparison.Ordinal) ? new DateTime(2023, 1, 1) : DateTime.MinValue.AddYears(2000),
            to = filter.Contains("to=", StringComparison.Ordinal) ? new DateTime(2024, 12, 31) : DateTime.MaxValue.Date,
            countries = new[] { "RU", "BY" },
            anyCountry = !filter.Contains("country=", StringComparison.Ordinal),
        })).ToList();

        var paged = await app.WalkEventsAsync($"q={Uri.EscapeDataString(q)}{filter}", limit: 3);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, paged.Select(e => e.Id));
    }
}
