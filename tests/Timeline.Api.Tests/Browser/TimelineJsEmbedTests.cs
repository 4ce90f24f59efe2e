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
        string[] CutMarkers, string[] CoveredMarkers, string[] OverflowingSlides);

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
        Assert.True(layout.CutMarkers.Length == 0, "markers whose first word does not fit: " + string.Join(" | ", layout.CutMarkers));
        // Dense weeks (late Feb 2022, the Nord Stream and annexation weeks of autumn 2022) hold more events
        // than TimelineJS has marker rows at its default zoom: a few neighbours overlap there, no more.
        Assert.True(layout.CoveredMarkers.Length * 10 <= layout.VisibleMarkers,
            $"{layout.CoveredMarkers.Length} of {layout.VisibleMarkers} markers covered by a neighbour: " + string.Join(" | ", layout.CoveredMarkers));
        Assert.All(export.Events, e => Assert.True(System.Net.WebUtility.HtmlDecode(e.Text.Headline).Length <= TimelineJsWriter.MaxHeadlineLength, e.Text.Headline));
        Assert.True(layout.OverflowingSlides.Length == 0, "slides whose text runs under the timeline strip: " + string.Join(" | ", layout.OverflowingSlides));
        Assert.All(export.Events, e => Assert.Null(e.Media)); // sources are linked in the text: TimelineJS would fetch an article through third parties
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
          // A marker's headline is short enough when its first word fits its own box; it can still be
          // covered by a neighbour, where more events fall in a week than TimelineJS has rows for.
          const firstWord = (m) => {
            const h = m.querySelector('.tl-headline');
            const text = h && h.firstChild && h.firstChild.nodeType === Node.TEXT_NODE ? h.firstChild : null;
            if (!text) return null;
            const range = document.createRange();
            range.setStart(text, 0); range.setEnd(text, text.textContent.search(/\s|$/));
            return { word: range.getBoundingClientRect(), box: h.getBoundingClientRect() };
          };
          const cut = visible.filter((m) => { const f = firstWord(m); return !f || f.word.width === 0 || f.word.right > f.box.right + 1; })
            .map((m) => m.querySelector('.tl-headline').textContent);
          const covered = visible.filter((m) => {
            const f = firstWord(m);
            if (!f) return false;
            const hit = document.elementFromPoint(f.word.left + f.word.width / 2, f.word.top + f.word.height / 2);
            return !hit || !m.contains(hit);
          }).map((m) => m.querySelector('.tl-headline').textContent);
          const slides = [...document.querySelectorAll('.tl-slide:not(.tl-slide-titleslide)')];
          const overflowing = slides.filter((s) => { const c = s.querySelector('.tl-slide-scrollable-container'); return c && (c.scrollHeight > c.clientHeight + 1 || c.getBoundingClientRect().bottom > strip.top + 1); })
            .map((s) => (s.querySelector('.tl-headline') || {}).textContent);
          return JSON.stringify({
            titleLines: title ? lines(title) : -1, titleHeadline: title ? title.textContent : '',
            groups: document.querySelectorAll('.tl-timegroup').length, markers: markers.length, visibleMarkers: visible.length,
            cutMarkers: cut, coveredMarkers: covered, overflowingSlides: overflowing,
          });
        }
        """), JsonSerializerOptions.Web)!;
}
