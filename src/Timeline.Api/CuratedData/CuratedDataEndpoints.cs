using System.ComponentModel;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;
using Npgsql;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.CuratedData;

/// <summary>A correction in the curated data set that was not applied, because an editor had changed the event through the API.</summary>
internal sealed record CuratedConflict(
    [property: Description("Id of the event the correction is for.")] string EventId,
    [property: Description("The reason the curated file gives for its change (`changeReason`), when it gives one.")] string? FileReason,
    [property: Description("When the loader first found this correction in conflict.")] DateTimeOffset DetectedAt,
    [property: Description("Name of the API key that made the event's latest change.")] string LastChangedBy,
    [property: Description("The event's version now: revise it (with If-Match) to settle the conflict.")] int Version,
    [property: Description("Link to the event.")] string Href);

/// <summary>Every curated correction waiting for a person.</summary>
internal sealed record CuratedConflictList(CuratedConflict[] Items);

internal static class CuratedDataEndpoints
{
    public static void MapCuratedData(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/curated-data").WithTags("History").ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .MapGet("/conflicts", ListConflicts)
            .WithName("ListCuratedConflicts")
            .WithSummary("Curated corrections waiting for a person")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                if (operation.Responses?.GetValueOrDefault("200") is OpenApiResponse { Content: { } content }
                    && content.TryGetValue("application/json", out var media))
                {
                    media.Example = Example;
                }
                return Task.CompletedTask;
            })
            .WithDescription("At start-up the curated data set (db/curated/timeline.json) is loaded: new events are added, and an event whose entry changed in the file is revised with the file's reason. When an editor changed that event through the API since the curated data set last did, the editor's work is kept and the correction is listed here instead (and logged). A person settles it by revising the event through the API, applying the correction or not; the next load then clears it. Empty when there is nothing to settle.");
    }

    /// <summary>One correction waiting: the file added a source while an editor had revised the event.</summary>
    private static JsonNode Example => new JsonObject
    {
        ["items"] = new JsonArray(new JsonObject
        {
            ["eventId"] = "2024-11-19-nuclear-doctrine-decree",
            ["fileReason"] = "Adds a second, independent source.",
            ["detectedAt"] = "2026-11-29T10:00:00+00:00",
            ["lastChangedBy"] = "alice",
            ["version"] = 3,
            ["href"] = "/v1/events/2024-11-19-nuclear-doctrine-decree",
        }),
    };

    private const string ListSql = """
        select e.slug, c.file_reason, c.detected_at, r.changed_by, e.version
        from curated_conflicts c
        join events e on e.id = c.event_id
        join lateral (select changed_by from revisions where event_id = e.id order by version desc limit 1) r on true
        order by c.detected_at, e.slug
        """;

    internal static async Task<Ok<CuratedConflictList>> ListConflicts(ReadDatabase db, CancellationToken ct)
    {
        var conn = await db.ConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string Slug, string? FileReason, DateTime DetectedAt, string ChangedBy, int Version)>(
            new CommandDefinition(ListSql, cancellationToken: ct));
        return TypedResults.Ok(new CuratedConflictList([.. rows.Select(r => new CuratedConflict(
            r.Slug, r.FileReason, new DateTimeOffset(r.DetectedAt, TimeSpan.Zero), r.ChangedBy, r.Version, $"/v1/events/{r.Slug}"))]));
    }
}
