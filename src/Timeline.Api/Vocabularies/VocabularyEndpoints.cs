using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Vocabularies;

internal static class VocabularyEndpoints
{
    public static void MapVocabularies(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Vocabularies").ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        v1.MapGet("/tags", ListTags)
            .WithName("ListTags")
            .WithSummary("List the tags in use, with event counts")
            .WithDescription("Every tag carried by at least one published event, alphabetically, with the number of published events that carry it. The list is complete (no paging): it is a vocabulary for filter drop-downs. Use a tag with `/v1/events?tag=…`.")
            .WithDatasetConditionalGet();

        v1.MapGet("/kinds", ListKinds)
            .WithName("ListKinds")
            .WithSummary("List the kinds of event, with event counts")
            .WithDescription("The closed list of event kinds (incident, statement, policy …) with a description and the number of published events of each kind, including kinds no event has yet. `/v1/events?kind=…` accepts only these codes.")
            .WithDatasetConditionalGet();

        v1.MapGet("/escalation-ladder", GetEscalationLadder)
            .WithName("GetEscalationLadder")
            .WithSummary("Get the escalation ladder, with event counts")
            .WithDescription("The editorial rubric every event is placed on: levels 0 (de-escalation) to 7 (nuclear use), each with its meaning, typical examples and the number of published events on it. Filter events by level with `/v1/events?minLevel=…&maxLevel=…`.")
            .WithDatasetConditionalGet();
    }

    private const string TagsSql = """
        select t.tag, count(*)::int as event_count
        from events e cross join lateral unnest(e.tags) as t(tag)
        where e.status = 'published'
        group by t.tag
        order by t.tag collate "C"
        """;

    internal static async Task<Ok<TagList>> ListTags(ReadDatabase db, CancellationToken ct) =>
        TypedResults.Ok(new TagList(await QueryAllAsync<TagCount>(db, TagsSql, ct)));

    private const string KindsSql = """
        select k.code, k.name, k.description,
               (select count(*)::int from events e where e.kind = k.code and e.status = 'published') as event_count
        from kinds k
        order by k.code collate "C"
        """;

    internal static async Task<Ok<KindList>> ListKinds(ReadDatabase db, CancellationToken ct) =>
        TypedResults.Ok(new KindList(await QueryAllAsync<Kind>(db, KindsSql, ct)));

    private const string LadderSql = """
        select l.level::int as level, l.name, l.description, l.examples,
               (select count(*)::int from events e where e.escalation_level = l.level and e.status = 'published') as event_count
        from escalation_levels l
        order by l.level
        """;

    internal static async Task<Ok<EscalationLadder>> GetEscalationLadder(ReadDatabase db, CancellationToken ct) =>
        TypedResults.Ok(new EscalationLadder(await QueryAllAsync<EscalationLevel>(db, LadderSql, ct)));

    /// <summary>Every row of a small vocabulary query, in one round trip.</summary>
    private static async Task<T[]> QueryAllAsync<T>(ReadDatabase db, string sql, CancellationToken ct)
    {
        var conn = await db.ConnectionAsync(ct);
        return [.. await conn.QueryAsync<T>(new CommandDefinition(sql, cancellationToken: ct))];
    }
}
