using System.ComponentModel;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Timeline.Api.Events;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Revisions;

/// <summary>One change to an event, as listed in its history.</summary>
internal sealed record RevisionSummary(
    [property: Description("The event's version this change produced (1 = created).")] int Version,
    [property: Description("`created`, `revised` or `retracted`.")] string Action,
    DateTimeOffset ChangedAt,
    [property: Description("Name of the API key that made the change (`curated-data` for the curated set).")] string ChangedBy,
    [property: Description("Why: mandatory for revisions and retractions.")] string? Reason,
    [property: Description("Link to the full revision with its snapshot.")] string Href);

/// <summary>The complete history of an event, oldest first.</summary>
internal sealed record RevisionList(string EventId, RevisionSummary[] Items);

/// <summary>One change to an event with the event exactly as it was after it.</summary>
internal sealed record EventRevision(
    string EventId, int Version,
    [property: Description("`created`, `revised` or `retracted`.")] string Action,
    DateTimeOffset ChangedAt, string ChangedBy, string? Reason,
    [property: Description("The event as GET /v1/events/{id} showed it right after this change.")] EventDetail Snapshot);

/// <summary>The history of corrections: every revision of an event, append-only, never lost.</summary>
internal static class RevisionEndpoints
{
    public static void MapRevisions(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/v1/events").WithTags("History").ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        events.MapGet("/{id}/revisions", ListRevisions)
            .WithName("ListEventRevisions")
            .WithSummary("The history of an event")
            .WithDescription("Every change made to the event, complete and oldest first (version 1, `created`, comes first): who made it (the API key's name), when, why, and a link to the snapshot. Retracted events keep their history. Revisions are append-only: nothing in them is ever changed or deleted. An id the event had before a rename answers 301 to the current address.")
            .Produces(StatusCodes.Status301MovedPermanently)
            .ProducesProblem(StatusCodes.Status404NotFound);

        events.MapGet("/{id}/revisions/{version}", GetRevision)
            .WithName("GetEventRevision")
            .WithSummary("One revision of an event, with its snapshot")
            .WithDescription("The change that produced this version of the event, and the full event exactly as it was right after it (the same document GET /v1/events/{id} served then). The latest revision's snapshot is the event as it is now. An id the event had before a rename answers 301 to the current address.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status301MovedPermanently)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private const string ListSql = """
        select jsonb_build_object('eventId', e.slug, 'items', coalesce((
            select jsonb_agg(jsonb_build_object('version', r.version, 'action', r.action, 'changedAt', r.changed_at,
                       'changedBy', r.changed_by, 'reason', r.reason, 'href', '/v1/events/' || e.slug || '/revisions/' || r.version)
                   order by r.version)
            from revisions r where r.event_id = e.id), '[]'::jsonb))::text
        from events e where e.slug = @id
        """;

    internal static async Task<Results<JsonText<RevisionList>, RedirectHttpResult, ProblemHttpResult>> ListRevisions(
        [Description("Event id (slug), e.g. `2022-11-15-przewodow-missile`.")] string id, ReadDatabase db, HttpContext http, CancellationToken ct)
    {
        var conn = await db.ConnectionAsync(ct);
        var json = await conn.QuerySingleOrDefaultAsync<string>(new CommandDefinition(ListSql, new { id }, cancellationToken: ct));
        if (json is not null) return new JsonText<RevisionList>(json);
        return await FormerIds.RedirectAsync(db, http.Request, id, ct) is { } moved ? moved : EventNotFound(id);
    }

    private const string GetSql = """
        select e.id as event_id, (select json_build_object('eventId', e.slug, 'version', r.version, 'action', r.action, 'changedAt', r.changed_at,
                   'changedBy', r.changed_by, 'reason', r.reason, 'snapshot', r.snapshot)::text
               from revisions r where r.event_id = e.id and r.version = @version) as json
        from events e where e.slug = @id
        """;

    internal static async Task<Results<JsonText<EventRevision>, RedirectHttpResult, ProblemHttpResult>> GetRevision(
        [Description("Event id (slug), e.g. `2022-11-15-przewodow-missile`.")] string id,
        [Description("The version, 1 or more, as listed in the event's revisions.")] int version,
        ReadDatabase db, HttpContext http, CancellationToken ct)
    {
        if (version < 1)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The request is not valid",
                detail: "'version' starts at 1 (the event as created).");
        }
        var conn = await db.ConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<(long EventId, string? Json)?>(new CommandDefinition(GetSql, new { id, version }, cancellationToken: ct));
        return row switch
        {
            null => await FormerIds.RedirectAsync(db, http.Request, id, ct) is { } moved ? moved : EventNotFound(id),
            { Json: null } => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Revision not found",
                detail: $"The event '{id}' has no version {version}; its revisions are listed at /v1/events/{id}/revisions."),
            { Json: { } json } => new JsonText<EventRevision>(json),
        };
    }

    private static ProblemHttpResult EventNotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Event not found",
            detail: $"There is no event with id '{id}'. Ids are slugs such as '2022-11-15-przewodow-missile'; list them at /v1/events?includeRetracted=true.");
}
