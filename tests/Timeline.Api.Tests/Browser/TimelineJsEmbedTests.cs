using System.Text.Json;
using Microsoft.Playwright;
using Timeline.Api.Exports;

namespace Timeline.Api.Tests.Browser;

/// <summary>
/// The `timelinejs` export dropped into TimelineJS 3 (served locally, see <see cref="LocalTimelineJs"/>) at
/// 1200×720 with TimelineJS's default options, as a journalist would embed it, in a real Chromium.
/// </summary>
public sealed class TimelineJsEmbedTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private sealed record Layout(
        int TitleLines, string TitleHeadline, int Groups, int Markers, int VisibleMarkers,
        string[] CutMarkers, string[] OverflowingSlides);

    [Fact]
    public async Task ExportReadsWellInTimelineJsAt1200By720()
    {
        await LocalTimelineJs.EnsureInstalledAsync();
        var page = await app.NewPageAsync(1200, 720);
        var errors = new List<string>();
        page.PageError += (_, message) => errors.Add(message);
        var blocked = await LocalTimelineJs.RouteAsync(page, app.BaseUrl, "/v1/timeline?format=timelinejs");

        await page.GotoAsync(LocalTimelineJs.Prefix + "embed.html");
        await page.WaitForFunctionAsync("() => document.body.dataset.loaded === 'true' && document.querySelector('.tl-timemarker')");
        await page.WaitForTimeoutAsync(1500); // TimelineJS animates its first layout
        var layout = await MeasureAsync(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserApp.ArtifactsFolder, "timelinejs-title.png") });
        await page.Locator(".tl-slidenav-next").First.ClickAsync(); // the first event
        await page.WaitForTimeoutAsync(1500);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserApp.ArtifactsFolder, "timelinejs-first-event.png") });

        var export = await app.GetJsonAsync<TimelineJsDocument>("/v1/timeline?format=timelinejs");
        Assert.Equal(TimelineJsWriter.Headline, layout.TitleHeadline);
        Assert.True(layout.TitleLines <= 2, $"the title slide's headline takes {layout.TitleLines} lines");
        Assert.Equal(0, layout.Groups); // no group rows by default
        Assert.Equal(export.Events.Length, layout.Markers);
        Assert.True(layout.VisibleMarkers >= 10, $"only {layout.VisibleMarkers} markers in view");
        Assert.True(layout.CutMarkers.Length == 0, "markers whose first word is hidden: " + string.Join(" | ", layout.CutMarkers));
        Assert.All(export.Events, e => Assert.True(System.Net.WebUtility.HtmlDecode(e.Text.Headline).Length <= TimelineJsWriter.MaxHeadlineLength, e.Text.Headline));
        Assert.True(layout.OverflowingSlides.Length == 0, "slides whose text runs under the timeline strip: " + string.Join(" | ", layout.OverflowingSlides));
        Assert.All(export.Events, e => Assert.Null(e.Media)); // no curated source has a known URL yet: no media is made up
        Assert.Empty(errors);
        // Nothing outside the API's origin was needed: what was asked for (TimelineJS's default web fonts) was blocked, and it rendered.
        Assert.All(blocked, url => Assert.Matches(@"\.(ttf|woff2?|eot)(\?|$)", url));
    }

    private static async Task<Layout> MeasureAsync(IPage page) => JsonSerializer.Deserialize<Layout>(await page.EvaluateAsync<string>("""
        () => {
          const lines = (el) => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight));
          const title = document.querySelector('.tl-slide-titleslide .tl-headline-title, .tl-slide-titleslide h2');
          const strip = document.querySelector('.tl-timenav').getBoundingClientRect();
          const nav = document.querySelector('.tl-timenav-slider-background, .tl-timenav').getBoundingClientRect();
          const markers = [...document.querySelectorAll('.tl-timemarker')];
          // Markers wholly inside the strip: the ones a reader sees without scrolling it.
          const visible = markers.filter((m) => { const r = m.querySelector('.tl-timemarker-content-container').getBoundingClientRect(); return r.left >= nav.left && r.right <= nav.right; });
          // A marker is readable when its first word shows, not covered by another marker or cut off.
          const hidden = visible.filter((m) => {
            const h = m.querySelector('.tl-headline');
            const text = h && h.firstChild && h.firstChild.nodeType === Node.TEXT_NODE ? h.firstChild : null;
            if (!text) return true;
            const range = document.createRange();
            const word = text.textContent.search(/\s|$/);
            range.setStart(text, 0); range.setEnd(text, word);
            const r = range.getBoundingClientRect();
            const box = h.getBoundingClientRect();
            if (r.right > box.right + 1 || r.width === 0) return true;
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return !hit || !m.contains(hit);
          }).map((m) => m.querySelector('.tl-headline').textContent);
          const cut = hidden;
          const slides = [...document.querySelectorAll('.tl-slide:not(.tl-slide-titleslide)')];
          const overflowing = slides.filter((s) => { const c = s.querySelector('.tl-slide-scrollable-container'); return c && (c.scrollHeight > c.clientHeight + 1 || c.getBoundingClientRect().bottom > strip.top + 1); })
            .map((s) => (s.querySelector('.tl-headline') || {}).textContent);
          return JSON.stringify({
            titleLines: title ? lines(title) : -1, titleHeadline: title ? title.textContent : '',
            groups: document.querySelectorAll('.tl-timegroup').length, markers: markers.length, visibleMarkers: visible.length,
            cutMarkers: cut, overflowingSlides: overflowing,
          });
        }
        """), JsonSerializerOptions.Web)!;
}
