using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Timeline.Api.Events;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Exports;

internal static class TimelineEndpoints
{
    public static void MapTimeline(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/timeline", GetTimeline)
            .WithTags("Timeline")
            .WithName("GetTimeline")
            .WithSummary("Export the whole (filtered) timeline in one streamed response")
            .WithDescription("""
                Every event matching the filters (the same as GET /v1/events), oldest first, streamed in one response.
                Formats, by `format=` or the Accept header:
                `json` (default; application/json) a document with title, generatedAt, the filters applied, dataVersion, then every event exactly as GET /v1/events/{id} gives it, then count;
                `ndjson` (application/x-ndjson) one event per line;
                `csv` (text/csv) RFC 4180, one row per event, columns listed in the README, cells that could start a spreadsheet formula prefixed with an apostrophe;
                `timelinejs` (by `format=` only) Knight Lab's TimelineJS JSON: point TimelineJS at this URL;
                `ics` (text/calendar) an RFC 5545 calendar of all-day events to subscribe to;
                `geojson` (application/geo+json) an RFC 7946 FeatureCollection of the events with coordinates.
                Retracted events are left out unless `includeRetracted=true`. An unknown format is a 406.
                A failure after the response has started aborts the connection, so a cut-off export never looks complete.
                Limits: an instance streams a few exports at once (503 with Retry-After when all are busy); an export lasts at most 10 minutes and its client must read at least 16 KB/s (operators set both; see the README).
                """)
            .AsExport()
            .Validate<EventFilter>()
            .AddEndpointFilter(ExportFormat.NegotiateFilter)
            .WithDatasetConditionalGet()
            .ProducesProblem(StatusCodes.Status406NotAcceptable)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .AddOpenApiOperationTransformer(TimelineOpenApi.AddExamples);
    }

    internal static Results<TimelineExport, ValidationProblem> GetTimeline(
        [AsParameters] EventFilter filter,
        [FromQuery(Name = "format"), Description("`json` (default), `ndjson`, `csv`, `timelinejs`, `ics` or `geojson`. Overrides the Accept header.")]
        string? format,
        [FromQuery(Name = "groups"), Description("TimelineJS only: `level` draws one row per escalation level, labelled like \"4 · Spill-over\"; without it (or with `none`) there are no rows.")]
        string? groups,
        HttpContext http, ReadDatabase db, TimeProvider clock, ILogger<TimelineExport> log)
    {
        var rows = groups?.Trim().ToLowerInvariant() switch
        {
            null or "" or "none" => TimelineJsGroups.None,
            "level" => TimelineJsGroups.Level,
            _ => (TimelineJsGroups?)null,
        };
        if (rows is null)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["groups"] = [$"Unknown groups '{groups}': use 'level' (one TimelineJS row per escalation level) or 'none'."] },
                detail: $"Unknown groups '{groups}': use 'level' (one TimelineJS row per escalation level) or 'none'.");
        }
        // The negotiation filter has answered 406 already when no format fits.
        return new TimelineExport(filter, ExportFormat.Negotiate(http.Request)!, rows.Value, db, clock, log);
    }
}
