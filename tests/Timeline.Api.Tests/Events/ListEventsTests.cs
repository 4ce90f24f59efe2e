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
        var all = (await app.GetJsonAsync<EventPage>("/v1/events?limit=100")).Items.Select(e => e.Id).ToList();
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
    public async Task ListingEventsWithMalformedParameterReturnsProblem(string query, string parameter)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync($"/v1/events?{query}");
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(parameter, problem.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("from=2025-03-01&to=2025-02-01", "to")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("sort=title", "sort")]
    [InlineData("cursor=bm90LWEtY3Vyc29y", "cursor")]
    [InlineData("minLevel=9", "minLevel")]
    public async Task ListingEventsWithInvalidParameterReturnsValidationProblem(string query, string parameter)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync($"/v1/events?{query}");
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.NotNull(problem.Errors);
        Assert.True(problem.Errors!.ContainsKey(parameter), $"errors name '{parameter}': {string.Join(", ", problem.Errors.Keys)}");
    }
}
