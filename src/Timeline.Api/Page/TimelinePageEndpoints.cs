namespace Timeline.Api.Page;

/// <summary>
/// The timeline page at "/": plain static files from wwwroot (index.html, app.js, app.css) that use only
/// the public API. No build step, nothing fetched from elsewhere (the Content-Security-Policy says so).
/// </summary>
internal static class TimelinePageEndpoints
{
    public static void MapTimelinePage(this WebApplication app)
    {
        // The page's files all sit at the root ("/", "/app.js"): other paths (the API) skip the file lookups.
        app.UseWhen(http => http.Request.Path.Value?.LastIndexOf('/') is 0, page => page.UseDefaultFiles().UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = ctx =>
            {
                // Revalidate every time (the ETag makes that cheap), so a new release is seen at once.
                ctx.Context.Response.Headers.CacheControl = "no-cache";
                ctx.Context.Response.Headers["Content-Security-Policy"] =
                    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'";
            },
        }));
    }
}
