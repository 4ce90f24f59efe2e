using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Timeline.Api.Citations;

// CSL-JSON (Citation Style Language, https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html):
// what Zotero, Pandoc and citeproc read. Only the variables a citation of one event needs.

/// <summary>A CSL date: `date-parts` with only the parts we know (year; year and month; or the day), `circa` when approximate.</summary>
internal sealed record CslDate(
    [property: JsonPropertyName("date-parts"), Description("One or two dates (start, end), each [year], [year, month] or [year, month, day].")] int[][] DateParts,
    [property: Description("True when the date is an estimate.")] bool? Circa = null);

/// <summary>One event as a CSL-JSON item of type `dataset`: one entry of the curated timeline.</summary>
internal sealed record CslItem(
    [property: Description("The event's id (slug).")] string Id,
    [property: Description("Always `dataset`: the event is an entry of a curated data set.")] string Type,
    string Title,
    [property: JsonPropertyName("container-title"), Description("The data set's name.")] string ContainerTitle,
    string Publisher,
    [property: Description("The event's version (it increases with every correction).")] string Version,
    [property: JsonPropertyName("event-date"), Description("When the event happened, at the precision the sources support.")] CslDate EventDate,
    [property: Description("When this version of the entry was published (the event's last update).")] CslDate Issued,
    [property: Description("The day this citation was made.")] CslDate Accessed,
    [property: JsonPropertyName("URL"), Description("Permalink to the event on the timeline page.")] string Url,
    [property: Description("The curators' summary.")] string Abstract,
    [property: Description("The event's sources, one per line: outlet, title, date and URL where known.")] string? Note,
    [property: Description("`retracted` for a retracted event; absent otherwise.")] string? Status);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(CslItem[]))]
internal sealed partial class CitationJsonContext : JsonSerializerContext;
