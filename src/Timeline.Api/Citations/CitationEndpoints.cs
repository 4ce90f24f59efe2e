using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using Npgsql;
using Timeline.Api.Events;
using Timeline.Api.Exports;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Citations;

/// <summary>
/// "Cite this event": one event as a citation, in plain text (to paste under an article) or CSL-JSON (for
/// Zotero, Pandoc and other newsroom tools): title, date at the precision known, the data set's name, the
/// event's version, the access date, the permalink, and the event's sources with their URLs where known.
/// </summary>
internal static class CitationEndpoints
{
    public const string PlainText = "text/plain";
    public const string CslJson = "application/vnd.citationstyles.csl+json";
    public const string Publisher = "Timeline API";

    private static readonly JsonTypeInfo<CslItem[]> CslItems = (JsonTypeInfo<CslItem[]>)new JsonSerializerOptions(CitationJsonContext.Default.Options)
    {
        // Przewodów, not Przewod\u00f3w: the JSON is meant to be read too.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }.GetTypeInfo(typeof(CslItem[]));

    public static void MapCitations(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/events/{id}/citation", GetCitation)
            .WithTags("Events")
            .WithName("GetEventCitation")
            .WithSummary("Cite one event: plain text or CSL-JSON")
            .WithDescription("""
                A citation of the event: its title, its date at the precision the sources support (day, month or year; `c.` when approximate),
                the data set's name, the event's version, the access date (today, UTC), the permalink to the event on the timeline page,
                and the event's sources (outlet, title, date, and the URL only where it is known).
                Formats, by `format=` or the Accept header: `text` (text/plain, the default) to paste under an article;
                `csl` (application/vnd.citationstyles.csl+json) a CSL-JSON array of one `dataset` item for Zotero, Pandoc or citeproc.
                A retracted event is cited with its retraction notice. An unknown format is a 406.
                """)
            .Produces<CslItem[]>(StatusCodes.Status200OK, PlainText, CslJson)
            .Produces(StatusCodes.Status301MovedPermanently)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status406NotAcceptable)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .AddOpenApiOperationTransformer(CitationOpenApi.AddExamples);
    }

    internal static async Task<Results<ContentHttpResult, RedirectHttpResult, ProblemHttpResult>> GetCitation(
        [Description("Event id (slug), e.g. `2022-11-15-przewodow-missile`.")] string id,
        [FromQuery(Name = "format"), Description("`text` (plain text, the default) or `csl` (CSL-JSON). Overrides the Accept header.")] string? format,
        HttpContext http, ReadDatabase db, TimeProvider clock, CancellationToken ct)
    {
        var mediaType = Negotiate(format, http.Request.GetTypedHeaders().Accept);
        if (mediaType is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status406NotAcceptable, title: "Format not available",
                detail: string.IsNullOrWhiteSpace(format)
                    ? $"None of the media types in the Accept header '{http.Request.Headers.Accept}' can be served. Accept {PlainText} or {CslJson}, or name the format with format= (text, csl)."
                    : $"Unknown format '{format}'. Use one of: text, csl.");
        }

        if (await EventEndpoints.ReadStoredAsync(db, id, ct) is not { } stored)
        {
            return await FormerIds.RedirectAsync(db, http.Request, id, ct) is { } moved ? moved : EventEndpoints.NotFound(id);
        }
        var e = EventRenderer.Read(stored.Document);

        var citation = new Citation(e, $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}",
            DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        return mediaType == CslJson
            ? TypedResults.Text(JsonSerializer.Serialize([citation.ToCsl()], CslItems), CslJson + "; charset=utf-8", Encoding.UTF8)
            : TypedResults.Text(citation.ToText(), PlainText + "; charset=utf-8", Encoding.UTF8);
    }

    /// <summary>`format=` wins; then the Accept header, best quality first; no Accept, or */*, gives plain text. Null: nothing fits.</summary>
    internal static string? Negotiate(string? format, IList<MediaTypeHeaderValue> accept)
    {
        if (!string.IsNullOrWhiteSpace(format))
        {
            return format.Trim().ToLowerInvariant() switch
            {
                "text" => PlainText,
                "csl" or "csl-json" or "csljson" => CslJson,
                _ => null,
            };
        }
        if (accept.Count == 0) return PlainText;
        foreach (var range in accept.Where(r => (r.Quality ?? 1) > 0).OrderByDescending(r => r.Quality ?? 1))
        {
            if (range.MatchesAllTypes || new MediaTypeHeaderValue(PlainText).IsSubsetOf(range)) return PlainText;
            if (new MediaTypeHeaderValue(CslJson).IsSubsetOf(range)
                || range.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)) return CslJson;
        }
        return null;
    }

}

/// <summary>One event's citation, written out as text or as a CSL-JSON item.</summary>
internal sealed class Citation(EventDetail e, string baseUrl, DateOnly accessed)
{
    private static readonly CultureInfo En = CultureInfo.InvariantCulture;

    public string Permalink => $"{baseUrl}/#/events/{Uri.EscapeDataString(e.Id)}";

    /// <summary>15 November 2022; November 2022; 2022; 1–3 July 2024; c. 2022.</summary>
    public static string DateText(EventDate d)
    {
        string One(DateOnly x) => d.Precision switch
        {
            "year" => x.ToString("yyyy", En),
            "month" => x.ToString("MMMM yyyy", En),
            _ => x.ToString("d MMMM yyyy", En),
        };
        var text = One(d.Start);
        if (d.End is { } end && end != d.Start)
        {
            text = d.Precision == "day" && end.Year == d.Start.Year && end.Month == d.Start.Month
                ? $"{d.Start.Day}–{One(end)}"
                : $"{text} – {One(end)}";
        }
        return (d.Approximate ? "c. " : "") + text;
    }

    public static string SourceText(EventSource s)
    {
        var text = new StringBuilder();
        if (s.Outlet is not null) text.Append(s.Outlet).Append(": ");
        // A descriptive title (our words for an untitled source) is shown in brackets, once.
        text.Append(s.TitleIsDescriptive && !s.Title.StartsWith('[') ? $"[{s.Title}]" : s.Title);
        if (s.Author is not null) text.Append(". ").Append(s.Author);
        if (s.PublishedOn is { } on) text.Append(", ").Append(on.ToString("d MMMM yyyy", En));
        text.Append('.');
        if (s.Url is not null) text.Append(' ').Append(s.Url);
        if (s.Url is not null && s.UrlCheckedOn is { } checkedOn) text.Append(" (link checked ").Append(checkedOn.ToString("d MMMM yyyy", En)).Append(')');
        return text.ToString();
    }

    public string ToText()
    {
        var text = new StringBuilder()
            .Append('“').Append(e.Title).Append(".” ").Append(DateText(e.Date)).Append(". In: ").Append(TimelineExport.Title)
            .Append(" (").Append(CitationEndpoints.Publisher).Append("), event ").Append(e.Id).Append(", version ").Append(e.Version)
            .Append(". ").Append(Permalink).Append(" (accessed ").Append(accessed.ToString("d MMMM yyyy", En)).Append(").\n");
        if (e.Retraction is { } r)
        {
            text.Append("Retracted on ").Append(r.RetractedAt.ToString("d MMMM yyyy", En)).Append(": ").Append(r.Reason).Append('\n');
        }
        if (e.Sources.Length > 0)
        {
            text.Append("\nSources:\n");
            for (var i = 0; i < e.Sources.Length; i++)
            {
                text.Append('[').Append(i + 1).Append("] ").Append(SourceText(e.Sources[i])).Append('\n');
            }
        }
        return text.ToString();
    }

    public CslItem ToCsl() => new(
        Id: e.Id,
        Type: "dataset",
        Title: e.Title,
        ContainerTitle: TimelineExport.Title,
        Publisher: CitationEndpoints.Publisher,
        Version: e.Version.ToString(En),
        EventDate: Csl(e.Date),
        Issued: new CslDate([Parts(DateOnly.FromDateTime(e.UpdatedAt.UtcDateTime), "day")]),
        Accessed: new CslDate([Parts(accessed, "day")]),
        Url: Permalink,
        Abstract: e.Summary,
        Note: e.Sources.Length == 0 ? null : "Sources:\n" + string.Join('\n', e.Sources.Select((s, i) => $"[{i + 1}] {SourceText(s)}")),
        Status: e.Status == "retracted" ? "retracted" : null);

    private static CslDate Csl(EventDate d) => new(
        d.End is { } end && end != d.Start ? [Parts(d.Start, d.Precision), Parts(end, d.Precision)] : [Parts(d.Start, d.Precision)],
        d.Approximate ? true : null);

    private static int[] Parts(DateOnly date, string precision) => precision switch
    {
        "year" => [date.Year],
        "month" => [date.Year, date.Month],
        _ => [date.Year, date.Month, date.Day],
    };
}
