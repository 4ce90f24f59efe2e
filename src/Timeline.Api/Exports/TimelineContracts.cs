using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Timeline.Api.Events;

namespace Timeline.Api.Exports;

// The JSON shapes of the exports. The events themselves are their stored documents (Events/EventRenderer.cs),
// byte for byte what GET /v1/events/{id} answers; these records document the rest.

/// <summary>The filters an export was made with, echoed so a saved file says what it contains. Only given filters appear.</summary>
internal sealed record TimelineFilters(
    DateOnly? From, DateOnly? To, string[]? Kind, string[]? Actor, string[]? Country, string[]? Tag,
    int? MinLevel, int? MaxLevel, string? Q, DateTimeOffset? UpdatedSince,
    [property: Description("True when retracted events (with their notices) are included.")] bool IncludeRetracted)
{
    public static TimelineFilters Of(EventFilter f) => new(
        f.From, f.To, NullIfEmpty(f.Kinds), NullIfEmpty(f.Actors), NullIfEmpty(f.Countries), NullIfEmpty(f.Tags),
        f.MinLevel, f.MaxLevel, string.IsNullOrWhiteSpace(f.Q) ? null : f.Q.Trim(), f.UpdatedSince, f.IncludeRetracted == true);

    private static string[]? NullIfEmpty(string[] values) => values.Length == 0 ? null : values;
}

/// <summary>The `json` export: a timeline document with every matching event in date order.</summary>
internal sealed record TimelineDocument(
    string Title,
    [property: Description("When this export was generated (UTC).")] DateTimeOffset GeneratedAt,
    TimelineFilters Filters,
    [property: Description("The dataset version the export was read at; it changes with every write and is also the ETag.")] long DataVersion,
    [property: Description("Every matching event with its actors, sources, quotes, claims and relations, as GET /v1/events/{id} gives it.")] EventDetail[] Events,
    [property: Description("Number of events, written after them because the export is streamed.")] int Count);

/// <summary>A date in TimelineJS: only the parts we know (year; year and month; or the full day).</summary>
internal sealed record TimelineJsDate(int Year, int? Month, int? Day);

/// <summary>Headline and HTML text of a TimelineJS slide.</summary>
internal sealed record TimelineJsText(string Headline, string Text);

/// <summary>TimelineJS media: only from a source whose URL is known; never made up.</summary>
internal sealed record TimelineJsMedia(string Url, string? Caption, string? Credit);

/// <summary>A TimelineJS title slide.</summary>
internal sealed record TimelineJsTitle(TimelineJsText Text);

/// <summary>A TimelineJS event slide.</summary>
internal sealed record TimelineJsEvent(
    [property: JsonPropertyName("start_date")] TimelineJsDate StartDate,
    [property: JsonPropertyName("end_date")] TimelineJsDate? EndDate,
    [property: JsonPropertyName("display_date")] string? DisplayDate,
    TimelineJsText Text,
    [property: Description("Absent by default (no group rows); when the writer groups by escalation level, e.g. `4 · Spill-over`. TimelineJS draws one row per group.")] string? Group,
    [property: JsonPropertyName("unique_id")] string UniqueId,
    TimelineJsMedia? Media);

/// <summary>The `timelinejs` export, in Knight Lab's TimelineJS JSON format (https://timeline.knightlab.com/docs/json-format.html).</summary>
internal sealed record TimelineJsDocument(TimelineJsTitle Title, TimelineJsEvent[] Events, string Scale);

// The GeoJSON records are read by the tests; the OpenAPI schema of the format is written out in TimelineOpenApi.

/// <summary>A GeoJSON point, [longitude, latitude] as RFC 7946 orders them.</summary>
internal sealed record GeoJsonPoint(string Type, double[] Coordinates);

/// <summary>A GeoJSON feature: one event with coordinates; its properties are the full event.</summary>
internal sealed record GeoJsonFeature(string Type, string Id, GeoJsonPoint Geometry, EventDetail Properties);

/// <summary>The `geojson` export: an RFC 7946 FeatureCollection of the events that have coordinates.</summary>
internal sealed record GeoJsonFeatureCollection(string Type, GeoJsonFeature[] Features);

// TimelineFilters is serialized with this context; TimelineJsWriter writes its slides field by field, leaving out
// the same nulls, so the TimelineJS records are listed too: the OpenAPI document then shows them as a writer that
// omits nulls (OpenApiSchemaRules).
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TimelineFilters))]
[JsonSerializable(typeof(TimelineJsDate))]
[JsonSerializable(typeof(TimelineJsEvent))]
internal sealed partial class TimelineJsonContext : JsonSerializerContext;
