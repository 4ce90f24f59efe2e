using Microsoft.Playwright;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Browser;

/// <summary>
/// Knight Lab's TimelineJS 3, from the npm package pinned in Browser/timelinejs/package-lock.json, served to
/// the browser by the test itself under /__timelinejs/ on the API's own origin, so nothing comes from a CDN.
/// The package is installed with `npm ci` the first time a test needs it.
/// </summary>
internal static class LocalTimelineJs
{
    public const string Prefix = "/__timelinejs/";

    private static string DistFolder => Path.Combine(NodePackage.TimelineJs.Folder, "node_modules", "@knight-lab", "timelinejs", "dist");

    /// <summary>Runs `npm ci` in Browser/timelinejs when TimelineJS is not there yet.</summary>
    public static Task EnsureInstalledAsync() => NodePackage.TimelineJs.EnsureInstalledAsync();

    /// <summary>
    /// A page like TimelineJS's own embed: the timeline fills the window and reads the export by URL, with
    /// TimelineJS's default options except where its files come from (script_path).
    /// </summary>
    public static string EmbedHtml(string exportUrl) => $$"""
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>TimelineJS embed</title>
          <link rel="stylesheet" href="{{Prefix}}css/timeline.css">
          <script src="{{Prefix}}js/timeline.js"></script>
          <style>html, body { height: 100%; margin: 0; } #timeline-embed { width: 100%; height: 100%; }</style>
        </head>
        <body>
          <div id="timeline-embed"></div>
          <script>
            window.timeline = new TL.Timeline('timeline-embed', {{System.Text.Json.JsonSerializer.Serialize(exportUrl)}},
              { script_path: location.origin + '{{Prefix}}js/' });
            window.timeline.on('loaded', () => { document.body.dataset.loaded = 'true'; });
          </script>
        </body>
        </html>
        """;

    /// <summary>
    /// Serves /__timelinejs/embed.html and TimelineJS's files, lets requests to the API through, and aborts
    /// everything else (TimelineJS's default font CSS asks the web for font files), recording it.
    /// </summary>
    public static async Task<List<string>> RouteAsync(IPage page, string baseUrl, string exportUrl)
    {
        var blocked = new List<string>();
        await page.RouteAsync("**/*", async route =>
        {
            var url = new Uri(route.Request.Url);
            if (url.GetLeftPart(UriPartial.Authority) != baseUrl)
            {
                lock (blocked) blocked.Add(route.Request.Url);
                await route.AbortAsync("blockedbyclient");
            }
            else if (url.AbsolutePath == Prefix + "embed.html")
            {
                await route.FulfillAsync(new RouteFulfillOptions { ContentType = "text/html; charset=utf-8", Body = EmbedHtml(exportUrl) });
            }
            else if (url.AbsolutePath.StartsWith(Prefix, StringComparison.Ordinal))
            {
                var file = Path.GetFullPath(Path.Combine(DistFolder, Uri.UnescapeDataString(url.AbsolutePath[Prefix.Length..])));
                if (!file.StartsWith(DistFolder, StringComparison.Ordinal) || !File.Exists(file))
                {
                    await route.FulfillAsync(new RouteFulfillOptions { Status = 404, Body = "not in the TimelineJS package" });
                    return;
                }
                await route.FulfillAsync(new RouteFulfillOptions { Path = file, ContentType = ContentType(file) });
            }
            else
            {
                await route.ContinueAsync();
            }
        });
        return blocked;
    }

    private static string ContentType(string file) => Path.GetExtension(file) switch
    {
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".json" => "application/json; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".woff" => "font/woff",
        ".woff2" => "font/woff2",
        ".ttf" => "font/ttf",
        ".eot" => "application/vnd.ms-fontobject",
        _ => "application/octet-stream",
    };
}
