using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using Timeline.Api.Exports;
using Timeline.Api.Stats;

namespace Timeline.Api.Tests.Browser;

/// <summary>What a journalist needs from the page (issue 12): readable filters, a readable chart, order, citing, embedding.</summary>
public sealed class JournalistPageTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const int PageSize = 25; // app.js PAGE_SIZE

    [Fact]
    public async Task FiltersShowDatesActorsAndCountriesByNameAndTheOrderIsKeptInTheLink()
    {
        var page = await app.NewPageAsync();
        var external = await BlockExternalAsync(page);
        await page.GotoAsync("/#/?from=2022-02-21&actor=sergey-lavrov&sort=-date");
        await WaitForViewAsync(page, "from=2022-02-21&actor=sergey-lavrov&sort=-date");

        await Expect(page.GetByLabel("Actor", new() { Exact = true })).ToHaveValueAsync("Sergey Lavrov");
        await Expect(page.GetByLabel("From", new() { Exact = true })).ToHaveValueAsync("2022-02-21");
        await Expect(page.Locator("#f-from-echo")).ToHaveTextAsync("21 Feb 2022"); // the page's one date format
        await Expect(page.GetByLabel("Order", new() { Exact = true })).ToHaveValueAsync("-date");
        var newestFirst = await app.WalkEventsAsync("from=2022-02-21&actor=sergey-lavrov&sort=-date");
        Assert.True(newestFirst.Count > 1);
        Assert.Equal(newestFirst.Take(PageSize).Select(e => e.Id), await ListedIdsAsync(page));

        // Pick a country by its English name and the other order: the link carries the code and the order.
        await page.GetByLabel("Order", new() { Exact = true }).SelectOptionAsync("date");
        await WaitForViewAsync(page, "from=2022-02-21&actor=sergey-lavrov");
        await page.GetByLabel("Country", new() { Exact = true }).FillAsync("Poland");
        await page.GetByLabel("Actor", new() { Exact = true }).FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await WaitForViewAsync(page, "from=2022-02-21&country=PL");
        await Expect(page.GetByLabel("Country", new() { Exact = true })).ToHaveValueAsync("Poland");
        Assert.Equal((await app.WalkEventsAsync("from=2022-02-21&country=PL")).Take(PageSize).Select(e => e.Id), await ListedIdsAsync(page));

        await page.GetByLabel("Order", new() { Exact = true }).SelectOptionAsync("-date");
        await WaitForViewAsync(page, "from=2022-02-21&country=PL&sort=-date");
        Assert.EndsWith("#/?from=2022-02-21&country=PL&sort=-date", page.Url, StringComparison.Ordinal);
        Assert.Equal((await app.WalkEventsAsync("from=2022-02-21&country=PL&sort=-date")).Take(PageSize).Select(e => e.Id), await ListedIdsAsync(page));

        // A date the page cannot read is said so, in the page's words.
        await page.GetByLabel("To", new() { Exact = true }).FillAsync("21/02/2023");
        await Expect(page.Locator("#f-to-echo")).ToHaveTextAsync("Write the date as YYYY-MM-DD, e.g. 2022-02-21");
        Assert.Empty(external);
    }

    [Fact]
    public async Task ChartHasDateTicksLevelLabelsOnTheGridlinesACountScaleAndDistinctColours()
    {
        var page = await app.NewPageAsync();
        var external = await BlockExternalAsync(page);
        await page.GotoAsync("/");
        await WaitForViewAsync(page, "");

        // The whole data set is zoomed out: quarter ticks; one year: month ticks.
        var ticks = await page.Locator("#chart .x-axis text").AllTextContentsAsync();
        Assert.True(ticks.Count >= 8, string.Join(", ", ticks));
        Assert.All(ticks, t => Assert.Matches(@"^(Jan|Apr|Jul|Oct)( \d{4})?$", t));
        await page.Locator("#curve").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(BrowserApp.ArtifactsFolder, "timeline-page-chart.png") });

        await page.GotoAsync("/#/?from=2022-01-01&to=2022-12-31");
        await WaitForViewAsync(page, "from=2022-01-01&to=2022-12-31");
        var months = await page.Locator("#chart .x-axis text").AllTextContentsAsync();
        Assert.Equal(["Jan 2022", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"], months);

        // Each level's number sits on its gridline, and a bar of level L ends on that line.
        var offsets = await page.EvaluateAsync<double[]>("""
            () => [...document.querySelectorAll('#chart .level-label')].map((t) => {
              const line = document.querySelector(`#chart .grid line[data-level="${t.dataset.level}"]`);
              const box = t.getBBox();
              return Math.abs((box.y + box.height / 2) - Number(line.getAttribute('y1')));
            })
            """);
        Assert.Equal(8, offsets.Length);
        Assert.All(offsets, d => Assert.True(d <= 3, $"a level label is {d}px off its gridline"));
        var barTops = await page.EvaluateAsync<double[]>("""
            () => [...document.querySelectorAll('#chart rect.mark:not(.empty)')].map((r) => {
              const line = document.querySelector(`#chart .grid line[data-level="${r.dataset.maxLevel}"]`);
              return Math.abs(Number(r.getAttribute('y')) - Number(line.getAttribute('y1')));
            })
            """);
        Assert.NotEmpty(barTops);
        Assert.All(barTops, d => Assert.True(d < 0.5, $"a bar ends {d}px from its level's gridline"));

        // The event counts have a scale: 0 and the highest count, in readable type.
        var stats = await app.GetJsonAsync<EscalationStats>("/v1/stats/escalation?from=2022-01-01&to=2022-12-31");
        Assert.Equal(["0", stats.Buckets.Max(b => b.Events).ToString(CultureInfo.InvariantCulture)],
            await page.Locator("#chart .count-label").AllTextContentsAsync());
        Assert.True(await page.Locator("#chart .count-label").First.EvaluateAsync<double>("t => parseFloat(getComputedStyle(t).fontSize)") >= 12);

        // Eight level colours and the mean line, all clearly apart (RGB distance).
        var colours = await page.EvaluateAsync<int[][]>("""
            () => {
              const rgb = (c) => c.match(/\d+/g).slice(0, 3).map(Number);
              const levels = [...document.querySelectorAll('#legend .swatch')].map((s) => rgb(getComputedStyle(s).backgroundColor));
              return [...levels, rgb(getComputedStyle(document.querySelector('#chart .mean-line')).stroke)];
            }
            """);
        Assert.Equal(9, colours.Length);
        for (var i = 0; i < colours.Length; i++)
        {
            for (var j = i + 1; j < colours.Length; j++)
            {
                var distance = Math.Sqrt(colours[i].Zip(colours[j], (a, b) => (double)(a - b) * (a - b)).Sum());
                Assert.True(distance >= 60, $"colours {i} and {j} (8 = mean line) are too close: {distance:F0}");
            }
        }
        Assert.Empty(external);
    }

    [Fact]
    public async Task OnAPhoneTheChartScrollsInsideItsBoxWithReadableBars()
    {
        var page = await app.NewPageAsync(375, 812);
        var external = await BlockExternalAsync(page);
        await page.GotoAsync("/");
        await WaitForViewAsync(page, "");

        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 375, "the page scrolls sideways at 375px");
        var chart = page.Locator("#chart");
        Assert.True(await chart.EvaluateAsync<bool>("c => c.scrollWidth > c.clientWidth"), "the chart scrolls in its box");
        var widths = await page.Locator("#chart rect.mark").EvaluateAllAsync<double[]>("rs => rs.map((r) => Number(r.getAttribute('width')))");
        Assert.All(widths, w => Assert.True(w >= 9, $"a bar {w}px wide"));
        // From the keyboard: the chart box takes focus and scrolls with the arrow keys.
        await chart.FocusAsync();
        for (var i = 0; i < 3; i++) await page.Keyboard.PressAsync("ArrowRight");
        await page.WaitForFunctionAsync("() => document.getElementById('chart').scrollLeft > 0");
        await page.Locator("#curve").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(BrowserApp.ArtifactsFolder, "timeline-page-phone-chart.png") });
        Assert.Empty(external);
    }

    [Fact]
    public async Task EveryEventOffersAPermalinkAndACitationToCopy()
    {
        var target = (await app.WalkEventsAsync("country=PL")).First();
        var page = await app.NewPageAsync();
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        var external = await BlockExternalAsync(page);
        await page.GotoAsync("/#/?country=PL");
        await WaitForViewAsync(page, "country=PL");
        await page.Locator($"#event-list li[data-id='{target.Id}'] a").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var view = page.Locator($"#event .event-detail[data-id='{target.Id}']");
        await Expect(view).ToBeVisibleAsync();

        var permalink = $"{app.BaseUrl}/#/events/{target.Id}";
        await Expect(view.GetByLabel("Permalink")).ToHaveValueAsync(permalink);
        using var client = app.CreateClient();
        var citation = (await client.GetStringAsync($"/v1/events/{target.Id}/citation")).Replace("http://localhost/", app.BaseUrl + "/", StringComparison.Ordinal).TrimEnd();
        await page.WaitForFunctionAsync("() => document.getElementById('citation-text').dataset.state === 'ready'");
        var shown = await view.Locator("#citation-text").TextContentAsync();
        Assert.Equal(citation, shown);
        Assert.Contains(target.Title, shown, StringComparison.Ordinal);
        Assert.Contains("(accessed ", shown, StringComparison.Ordinal);
        Assert.Contains("\nSources:\n[1] ", shown, StringComparison.Ordinal);
        await Expect(view.GetByRole(AriaRole.Link, new() { Name = "CSL-JSON for Zotero or Pandoc" }))
            .ToHaveAttributeAsync("href", $"/v1/events/{target.Id}/citation?format=csl");

        // Copy from the keyboard.
        await view.GetByRole(AriaRole.Button, new() { Name = "Copy link" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(view.GetByRole(AriaRole.Button, new() { Name = "Copied" })).ToBeVisibleAsync();
        Assert.Equal(permalink, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await view.GetByRole(AriaRole.Button, new() { Name = "Copy citation" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync("(c) => navigator.clipboard.readText().then((t) => t === c)", citation);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserApp.ArtifactsFolder, "timeline-page-cite.png") });

        // The permalink opens the same event on its own.
        var fresh = await app.NewPageAsync(375, 812);
        await fresh.GotoAsync(permalink);
        await Expect(fresh.Locator($"#event .event-detail[data-id='{target.Id}'] h2")).ToHaveTextAsync(target.Title);
        Assert.True(await fresh.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 375, "the citation scrolls sideways at 375px");
        await fresh.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserApp.ArtifactsFolder, "timeline-page-cite-phone.png"), FullPage = true });
        Assert.Empty(external);
    }

    [Fact]
    public async Task EmbedGivesTheTimelineJsUrlForTheCurrentFilters()
    {
        var page = await app.NewPageAsync();
        var external = await BlockExternalAsync(page);
        await page.GotoAsync("/#/?kind=incident&country=PL&sort=-date");
        await WaitForViewAsync(page, "kind=incident&country=PL&sort=-date");

        var url = await page.GetByLabel("TimelineJS URL for these filters").InputValueAsync();
        Assert.Equal($"{app.BaseUrl}/v1/timeline?kind=incident&country=PL&format=timelinejs", url);
        var export = await app.GetJsonAsync<TimelineJsDocument>(url[app.BaseUrl.Length..]);
        var expected = await app.WalkEventsAsync("kind=incident&country=PL");
        Assert.Equal(expected.Select(e => e.Id), export.Events.Select(e => e.UniqueId));

        await page.GetByRole(AriaRole.Button, new() { Name = "Copy URL" }).ClickAsync();
        await Expect(page.Locator("#status")).ToContainTextAsync("copied");
        Assert.Empty(external);
    }

    /// <summary>Aborts and records every request that leaves the API's origin: the page must need none.</summary>
    private async Task<List<string>> BlockExternalAsync(IPage page)
    {
        var external = new List<string>();
        await page.RouteAsync("**/*", async route =>
        {
            if (new Uri(route.Request.Url).GetLeftPart(UriPartial.Authority) == app.BaseUrl)
            {
                await route.ContinueAsync();
                return;
            }
            lock (external) external.Add(route.Request.Url);
            await route.AbortAsync("blockedbyclient");
        });
        return external;
    }

    private static async Task<string[]> ListedIdsAsync(IPage page) =>
        await page.Locator("#event-list > li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.id)");

    private static async Task WaitForViewAsync(IPage page, string query, string state = "ready") =>
        await page.WaitForFunctionAsync("([view, state]) => document.body.dataset.view === view && document.body.dataset.state === state",
            new object[] { query, state });

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
