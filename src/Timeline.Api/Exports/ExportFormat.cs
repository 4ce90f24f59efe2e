using Microsoft.Net.Http.Headers;

namespace Timeline.Api.Exports;

/// <summary>One format the timeline can be exported in.</summary>
internal sealed record ExportFormat(string Name, string MediaType, string ContentType, string Extension, bool Inline)
{
    public static readonly ExportFormat Json = new("json", "application/json", "application/json; charset=utf-8", "json", Inline: true);
    public static readonly ExportFormat Ndjson = new("ndjson", "application/x-ndjson", "application/x-ndjson; charset=utf-8", "ndjson", Inline: false);
    public static readonly ExportFormat Csv = new("csv", "text/csv", "text/csv; charset=utf-8; header=present", "csv", Inline: false);
    // TimelineJS is JSON too: it is only chosen by name, never by Accept. Inline so TimelineJS can load it by URL.
    public static readonly ExportFormat TimelineJs = new("timelinejs", "application/json", "application/json; charset=utf-8", "timelinejs.json", Inline: true);
    public static readonly ExportFormat Ics = new("ics", "text/calendar", "text/calendar; charset=utf-8", "ics", Inline: false);
    public static readonly ExportFormat GeoJson = new("geojson", "application/geo+json", "application/geo+json; charset=utf-8", "geojson", Inline: false);

    public static readonly ExportFormat[] All = [Json, Ndjson, Csv, TimelineJs, Ics, GeoJson];

    /// <summary>The formats reachable through the Accept header, in order of preference for wildcards.</summary>
    private static readonly ExportFormat[] ByMediaType = [Json, Ndjson, Csv, Ics, GeoJson];

    public static string Names => string.Join(", ", All.Select(f => f.Name));

    /// <summary>
    /// <c>format=</c> wins; otherwise the Accept header, best quality first (wildcards give JSON, or the
    /// first format of that type); no Accept header means JSON. Null when nothing asked for can be served.
    /// </summary>
    public static ExportFormat? Negotiate(HttpRequest request)
    {
        var name = request.Query["format"].ToString();
        if (!string.IsNullOrWhiteSpace(name))
        {
            return All.FirstOrDefault(f => string.Equals(f.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
        }

        var accept = request.Headers.Accept;
        if (accept.Count == 0 || string.IsNullOrWhiteSpace(accept.ToString()))
        {
            return Json;
        }
        if (!MediaTypeHeaderValue.TryParseList(accept, out var ranges))
        {
            return null;
        }
        foreach (var range in ranges.Where(r => (r.Quality ?? 1) > 0).OrderByDescending(r => r.Quality ?? 1))
        {
            var match = range.MatchesAllTypes
                ? Json
                : ByMediaType.FirstOrDefault(f => new MediaTypeHeaderValue(f.MediaType).IsSubsetOf(range)
                    || (f == Ndjson && range.MediaType.Equals("application/ndjson", StringComparison.OrdinalIgnoreCase)));
            if (match is not null)
            {
                return match;
            }
        }
        return null;
    }

    /// <summary>
    /// An endpoint filter that answers 406 for a format that cannot be served, before any other work
    /// (a 304 or a query) is done for it.
    /// </summary>
    public static async ValueTask<object?> NegotiateFilter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (Negotiate(context.HttpContext.Request) is not null)
        {
            return await next(context);
        }
        var asked = context.HttpContext.Request.Query["format"].ToString();
        var detail = string.IsNullOrWhiteSpace(asked)
            ? $"None of the media types in the Accept header '{context.HttpContext.Request.Headers.Accept}' can be served. " +
              "Accept application/json, application/x-ndjson, text/csv, text/calendar or application/geo+json, " +
              $"or name the format with format= ({Names})."
            : $"Unknown format '{asked}'. Use one of: {Names}.";
        return TypedResults.Problem(statusCode: StatusCodes.Status406NotAcceptable, title: "Format not available", detail: detail);
    }
}
