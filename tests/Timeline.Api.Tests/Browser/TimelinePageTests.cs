using System.Globalization;
using Microsoft.Playwright;
using Timeline.Api.Events;
using Timeline.Api.Stats;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Browser;

/// <summary>The page at "/" in a real headless Chromium, against the API and the curated data.</summary>
public sealed class TimelinePageTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const int PageSize = 25; // app.js PAGE_SIZE

    [Fact]
    public async Task PageLoadsTheCuratedEventsWithTheirCurve()
    {
        var page = await app.NewPageAsync();
        var errors = CollectScriptErrors(page);
        await page.GotoAsync("/");
        await WaitForViewAsync(page, "");

        var stats = await app.GetJsonAsync<EscalationStats>("/v1/stats/escalation");
        var events = await app.WalkEventsAsync("");
        Assert.True(events.Count >= 40, $"expected the curated set, got {events.Count} events");
        Assert.Equal(events.Count, stats.TotalEvents);

        var titles = await page.Locator("#event-list .event-title").AllInnerTextsAsync();
        Assert.Equal(events.Take(PageSize).Select(e => e.Title), titles.Select(t => t.Replace("Retracted", "", StringComparison.Ordinal).Trim()));
        await Expect(page.Locator("#status")).ToContainTextAsync($"Showing {PageSize} of {events.Count} events");
        Assert.Equal(stats.Buckets.Length, await page.Locator("#chart rect.mark").CountAsync());
        Assert.Equal(8, await page.Locator("#legend .swatch").CountAsync());
        await Expect(page.Locator("a[href='/swagger']").First).ToBeVisibleAsync();
        await Expect(page.Locator("#json-link")).ToHaveAttributeAsync("href", "/v1/timeline?format=json");

        // Not an assertion (no timing in tests): the figure is written beside the screenshot for the record.
        var rendered = await page.EvaluateAsync<double>("() => performance.getEntriesByName('timeline-rendered')[0].startTime");
        await File.WriteAllTextAsync(Path.Combine(BrowserApp.ArtifactsFolder, "timeline-page-load.txt"),
            $"navigation start to chart and list rendered: {rendered.ToString("F0", CultureInfo.InvariantCulture)} ms ({events.Count} events)\n");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserApp.ArtifactsFolder, "timeline-page.png"), FullPage = true });
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("month")]
    [InlineData("week")]
    [InlineData("day")]
    public async Task ChartDrawsOneMarkPerBucketOfTheStatistics(string bucket)
    {
        var query = bucket == "month" ? "from=2022-01-01" : $"from=2022-01-01&to=2022-12-31&bucket={bucket}";
        var page = await app.NewPageAsync();
        await page.GotoAsync($"/#/?{query}");
        await WaitForViewAsync(page, query);

        var stats = await app.GetJsonAsync<EscalationStats>($"/v1/stats/escalation?{query}{(bucket == "month" ? "&bucket=month" : "")}");
        var marks = page.Locator("#chart rect.mark");
        Assert.Equal(stats.Buckets.Length, await marks.CountAsync());
        Assert.Equal(stats.Buckets.Select(b => b.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            await marks.EvaluateAllAsync<string[]>("rects => rects.map(r => r.dataset.start)"));
        Assert.Equal(stats.Buckets.Select(b => b.MaxLevel?.ToString(CultureInfo.InvariantCulture) ?? ""),
            await marks.EvaluateAllAsync<string[]>("rects => rects.map(r => r.dataset.maxLevel)"));
        Assert.Equal(stats.Buckets.Count(b => b.Events == 0), await page.Locator("#chart rect.mark.empty").CountAsync());
    }

    [Fact]
    public async Task FilteringByDateAndKindChangesTheListAndTheChart()
    {
        var all = await app.WalkEventsAsync("");
        var from = all[all.Count / 4].Date.Start;
        var to = all[3 * all.Count / 4].Date.Start;
        var kind = all.Where(e => e.Date.Start >= from && e.Date.Start <= to).GroupBy(e => e.Kind).OrderByDescending(g => g.Count()).First().Key;
        var query = $"from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&kind={kind}";

        var page = await app.NewPageAsync();
        await page.GotoAsync("/");
        await WaitForViewAsync(page, "");
        var marksBefore = await page.Locator("#chart rect.mark").CountAsync();

        await page.GetByLabel("From", new() { Exact = true }).FillAsync($"{from:yyyy-MM-dd}");
        await page.GetByLabel("To", new() { Exact = true }).FillAsync($"{to:yyyy-MM-dd}");
        await page.GetByLabel("Kind", new() { Exact = true }).SelectOptionAsync(kind);
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await WaitForViewAsync(page, query);

        Assert.EndsWith($"#/?{query}", page.Url, StringComparison.Ordinal);
        var expected = await app.WalkEventsAsync(query);
        Assert.NotEmpty(expected);
        Assert.True(expected.Count < all.Count, "the filters leave events out");
        var ids = await page.Locator("#event-list > li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.id)");
        Assert.Equal(expected.Take(PageSize).Select(e => e.Id), ids);
        var stats = await app.GetJsonAsync<EscalationStats>($"/v1/stats/escalation?{query}");
        Assert.Equal(stats.Buckets.Length, await page.Locator("#chart rect.mark").CountAsync());
        Assert.NotEqual(marksBefore, stats.Buckets.Length);
        Assert.Equal(expected.Count, stats.TotalEvents);
        await Expect(page.Locator("#status")).ToContainTextAsync($"of {expected.Count} event");
    }

    [Fact]
    public async Task LoadMorePagesThroughEveryEvent()
    {
        var all = await app.WalkEventsAsync("");
        var page = await app.NewPageAsync();
        await page.GotoAsync("/");
        await WaitForViewAsync(page, "");

        var more = page.GetByRole(AriaRole.Button, new() { Name = "Load more" });
        for (var shown = PageSize; shown < all.Count; shown += PageSize)
        {
            await Expect(page.Locator("#event-list > li")).ToHaveCountAsync(shown);
            await more.ClickAsync();
        }
        await Expect(page.Locator("#event-list > li")).ToHaveCountAsync(all.Count);
        await Expect(more).ToBeHiddenAsync();
        Assert.Equal(all.Select(e => e.Id), await page.Locator("#event-list > li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.id)"));
    }

    [Fact]
    public async Task OpeningAnEventShowsItsSourcesQuotesAndClaimsWithDisputedOnesMarked()
    {
        var detail = await FindEventAsync(e => e.Sources.Length > 0 && e.Claims.Any(c => c.Status == "disputed"))
            ?? await FindEventAsync(e => e.Sources.Length > 0 && e.Claims.Any(c => c.Status != "confirmed"))
            ?? throw new InvalidOperationException("The curated data set has no event with sources and a disputed, alleged or refuted claim.");
        var day = $"{detail.Date.Start:yyyy-MM-dd}";
        var page = await app.NewPageAsync();
        await page.GotoAsync($"/#/?from={day}&to={day}");
        await WaitForViewAsync(page, $"from={day}&to={day}");

        // Keyboard: focus the event's link and press Enter.
        await page.Locator($"#event-list li[data-id='{detail.Id}'] a").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var view = page.Locator($"#event .event-detail[data-id='{detail.Id}']");
        await Expect(view).ToBeVisibleAsync();
        Assert.EndsWith($"#/events/{detail.Id}?from={day}&to={day}", page.Url, StringComparison.Ordinal);
        await Expect(view.Locator("h2")).ToHaveTextAsync(detail.Title);
        await Expect(view.Locator("h2")).ToBeFocusedAsync();

        var sources = view.Locator("ol.sources > li");
        await Expect(sources).ToHaveCountAsync(detail.Sources.Length);
        for (var i = 0; i < detail.Sources.Length; i++)
        {
            var source = detail.Sources[i];
            var item = sources.Nth(i);
            Assert.Contains(source.Title, await item.InnerTextAsync(), StringComparison.Ordinal);
            if (source.Url is null)
            {
                await Expect(item.Locator("a")).ToHaveCountAsync(0); // no link where the API gives no url
            }
            else
            {
                await Expect(item.Locator("a.source-link")).ToHaveAttributeAsync("href", source.Url);
            }
        }

        var claims = view.Locator("ul.claims > li");
        await Expect(claims).ToHaveCountAsync(detail.Claims.Length);
        for (var i = 0; i < detail.Claims.Length; i++)
        {
            var claim = detail.Claims[i];
            await Expect(claims.Nth(i)).ToHaveAttributeAsync("data-status", claim.Status);
            await Expect(claims.Nth(i).Locator($".claim-status.status-{claim.Status}"))
                .ToHaveTextAsync(CultureInfo.InvariantCulture.TextInfo.ToTitleCase(claim.Status), new() { IgnoreCase = true });
            await Expect(claims.Nth(i).Locator(".claim-statement")).ToHaveTextAsync(claim.Statement);
        }
        // A disputed (or alleged, refuted) claim looks different from a confirmed one.
        var marked = claims.Locator(".claim-status:not(.status-confirmed)").First;
        var confirmedColour = await page.EvaluateAsync<string>("() => { const s = document.createElement('span'); s.className = 'claim-status status-confirmed'; document.body.append(s); const c = getComputedStyle(s).backgroundColor; s.remove(); return c; }");
        Assert.NotEqual(confirmedColour, await marked.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));

        await Expect(view.Locator("figure.quote")).ToHaveCountAsync(detail.Quotes.Length);
        foreach (var quote in detail.Quotes)
        {
            await Expect(view.Locator("figure.quote blockquote", new() { HasTextString = quote.Text }).First).ToBeVisibleAsync();
            await Expect(view.Locator("figure.quote figcaption", new() { HasTextString = quote.Speaker.Name }).First).ToBeVisibleAsync();
        }
        foreach (var relation in detail.Relations)
        {
            await Expect(view.Locator($"ul.relations a[href^='#/events/{relation.Event.Id}']")).ToHaveCountAsync(1);
        }
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserApp.ArtifactsFolder, "timeline-page-event.png") });
    }

    [Fact]
    public async Task AQuoteAnOutletTranslatedSaysSoAndACheckedLinkSaysWhen()
    {
        var detail = await FindEventAsync(e => e.Quotes.Any(q => q.OriginalLanguage == "ru") && e.Sources.Any(s => s.UrlCheckedOn is not null))
            ?? throw new InvalidOperationException("The curated data set has no event with a translated quote and a checked link.");
        var page = await app.NewPageAsync();
        await page.GotoAsync($"/#/events/{detail.Id}");
        var view = page.Locator($"#event .event-detail[data-id='{detail.Id}']");
        await Expect(view).ToBeVisibleAsync();

        var translated = detail.Quotes.First(q => q.OriginalLanguage == "ru");
        var figure = view.Locator("figure.quote", new() { HasTextString = translated.Text }).First;
        await Expect(figure.Locator("figcaption .translated")).ToHaveTextAsync(" (the source's translation from Russian)");

        var checkedSource = detail.Sources.First(s => s.UrlCheckedOn is not null);
        var item = view.Locator($"ol.sources > li[data-source='{checkedSource.Id}']");
        await Expect(item.Locator("a.source-link")).ToHaveAttributeAsync("href", checkedSource.Url!);
        await Expect(item.Locator(".checked")).ToHaveTextAsync(
            $" · link checked {checkedSource.UrlCheckedOn!.Value.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}");
    }

    [Fact]
    public async Task DeepLinkRestoresTheEventAndTheFilters()
    {
        var all = await app.WalkEventsAsync("");
        var target = all[all.Count / 2];
        var from = all[all.Count / 3].Date.Start;
        var query = $"from={from:yyyy-MM-dd}&kind={target.Kind}&bucket=week";

        var page = await app.NewPageAsync();
        await page.GotoAsync($"/#/events/{target.Id}?{query}");
        await WaitForViewAsync(page, query);

        var view = page.Locator($"#event .event-detail[data-id='{target.Id}']");
        await Expect(view.Locator("h2")).ToHaveTextAsync(target.Title);
        await Expect(page.GetByLabel("From", new() { Exact = true })).ToHaveValueAsync($"{from:yyyy-MM-dd}");
        await Expect(page.GetByLabel("Kind", new() { Exact = true })).ToHaveValueAsync(target.Kind);
        await Expect(page.GetByLabel("One bar per", new() { Exact = true })).ToHaveValueAsync("week");
        var expected = await app.WalkEventsAsync(query);
        Assert.Equal(expected.Take(PageSize).Select(e => e.Id),
            await page.Locator("#event-list > li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.id)"));
        var stats = await app.GetJsonAsync<EscalationStats>($"/v1/stats/escalation?{query}");
        Assert.Equal(stats.Buckets.Length, await page.Locator("#chart rect.mark").CountAsync());

        // Back to the list keeps the filters.
        await view.GetByRole(AriaRole.Link, new() { Name = "Back to the timeline" }).ClickAsync();
        await Expect(page.Locator("#event")).ToBeHiddenAsync();
        Assert.EndsWith($"#/?{query}", page.Url, StringComparison.Ordinal);
        await Expect(page.GetByLabel("Kind", new() { Exact = true })).ToHaveValueAsync(target.Kind);
    }

    [Fact]
    public async Task ProblemFromTheApiIsShownWithItsTitleAndDetail()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/#/?from=2025-03-01&to=2025-02-01");
        await WaitForViewAsync(page, "from=2025-03-01&to=2025-02-01", "error");

        var problem = page.Locator("#problem");
        await Expect(problem).ToBeVisibleAsync();
        await Expect(problem).ToHaveAttributeAsync("role", "alert");
        await Expect(problem).ToContainTextAsync("The request is not valid");
        await Expect(problem).ToContainTextAsync("'to' (2025-02-01) must not be before 'from' (2025-03-01).");
        await Expect(page.Locator("#event-list > li")).ToHaveCountAsync(0);

        await page.GotoAsync("/#/events/no-such-event");
        await Expect(page.Locator("#event .problem")).ToContainTextAsync("Event not found");
        await Expect(page.Locator("#event .problem")).ToContainTextAsync("There is no event with id 'no-such-event'");
    }

    [Fact]
    public async Task PageFitsAPhoneWithoutHorizontalScrolling()
    {
        var page = await app.NewPageAsync(375, 812);
        await page.GotoAsync("/");
        await WaitForViewAsync(page, "");
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 375, "the list view scrolls sideways at 375px");
        // The curve comes first on a phone: the filters start folded (one tap away).
        Assert.False(await page.Locator("#filter-box").EvaluateAsync<bool>("d => d.open"), "the filters are folded on a phone");
        var chart = await page.Locator("#chart svg").BoundingBoxAsync();
        Assert.True(chart is not null && chart.Y < 812, "the chart starts on the first screen");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserApp.ArtifactsFolder, "timeline-page-phone.png") });

        var first = (await app.WalkEventsAsync("")).First();
        await page.GotoAsync($"/#/events/{first.Id}");
        await Expect(page.Locator($"#event .event-detail[data-id='{first.Id}']")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 375, "the event view scrolls sideways at 375px");
        var box = await page.Locator("#event").BoundingBoxAsync();
        Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= 375, "the event view fits the screen");
    }

    [Fact]
    public async Task SwaggerUiLoadsAndExecutesListEvents()
    {
        using (var client = app.CreateClient())
        {
            using var document = await client.GetAsync("/openapi/v1.json");
            Assert.True(document.IsSuccessStatusCode,
                $"/openapi/v1.json answered {(int)document.StatusCode}, so Swagger UI has nothing to show: {await document.Content.ReadAsStringAsync()}");
        }
        var page = await app.NewPageAsync();
        await page.GotoAsync("/swagger/index.html");
        var operation = page.Locator("#operations-Events-ListEvents");
        await operation.Locator(".opblock-summary").ClickAsync();
        var tryItOut = operation.GetByRole(AriaRole.Button, new() { Name = "Try it out" });
        if (await tryItOut.IsVisibleAsync()) await tryItOut.ClickAsync();
        await operation.GetByRole(AriaRole.Button, new() { Name = "Execute" }).ClickAsync();

        var status = operation.Locator(".live-responses-table tr.response td.response-col_status").First;
        await Expect(status).ToHaveTextAsync("200");
        await Expect(operation.Locator(".live-responses-table .microlight, .live-responses-table pre").First).ToContainTextAsync("nextCursor");
    }

    /// <summary>Waits until the page has loaded the view for these filters (it marks body with data-view and data-state).</summary>
    private static async Task WaitForViewAsync(IPage page, string query, string state = "ready") =>
        await page.WaitForFunctionAsync("([view, state]) => document.body.dataset.view === view && document.body.dataset.state === state",
            new object[] { query, state });

    private static List<string> CollectScriptErrors(IPage page)
    {
        var errors = new List<string>();
        page.PageError += (_, message) => errors.Add(message);
        return errors;
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private async Task<EventDetail?> FindEventAsync(Func<EventDetail, bool> wanted)
    {
        foreach (var e in await app.WalkEventsAsync(""))
        {
            var detail = await app.GetJsonAsync<EventDetail>($"/v1/events/{e.Id}");
            if (wanted(detail)) return detail;
        }
        return null;
    }
}
