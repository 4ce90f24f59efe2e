using System.ComponentModel;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Timeline.Api.Events;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Actors;

/// <summary>Filters of the actor list. Several values of one filter (repeated or comma-separated) match any of them.</summary>
internal sealed record ActorQuery(
    [FromQuery(Name = "type")][property: Description("Actor type(s): `person`, `state`, `organisation` or `alliance`.")]
    string[]? Type = null,
    [FromQuery(Name = "country")][property: Description("ISO 3166-1 alpha-2 code(s) of the actor's country, e.g. `RU`.")]
    string[]? Country = null,
    [FromQuery(Name = "q")][property: Description("Part of the actor's name, any case, e.g. `lavrov`; at most 100 characters.")]
    string? Q = null)
{
    public const int MaxQueryLength = 100;
    public static readonly string[] KnownTypes = ["person", "state", "organisation", "alliance"];

    public string[] Types => [.. EventFilter.Values(Type).Select(t => t.ToLowerInvariant())];
    public string[] Countries => [.. EventFilter.Values(Country).Select(c => c.ToUpperInvariant())];
}

internal sealed class ActorQueryValidator : AbstractValidator<ActorQuery>
{
    public ActorQueryValidator()
    {
        RuleForEach(a => a.Types).OverrideIndexer(EventFilterValidator.NoIndex).Must(t => ActorQuery.KnownTypes.Contains(t)).OverridePropertyName("type")
            .WithMessage((_, t) => $"Unknown actor type '{t}': use {string.Join(", ", ActorQuery.KnownTypes)}.");
        RuleForEach(a => a.Countries).OverrideIndexer(EventFilterValidator.NoIndex).Matches("^[A-Z]{2}$").OverridePropertyName("country")
            .WithMessage("'country' values are ISO 3166-1 alpha-2 codes such as 'RU'.");
        RuleFor(a => a.Q).MaximumLength(ActorQuery.MaxQueryLength).OverridePropertyName("q")
            .WithMessage($"'q' must be at most {ActorQuery.MaxQueryLength} characters.");
        RuleFor(a => a.Q).Must(q => q is null || !q.Any(char.IsControl)).OverridePropertyName("q")
            .WithMessage("'q' must not contain control characters.");
    }
}

internal static class ActorEndpoints
{
    /// <summary>How many of an actor's events its page lists; the rest are a link away.</summary>
    public const int EventsShown = 50;

    public static void MapActors(this IEndpointRouteBuilder app)
    {
        var actors = app.MapGroup("/v1/actors").WithTags("Actors").ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        actors.MapGet("/", ListActors)
            .WithName("ListActors")
            .WithSummary("List actors, with event counts")
            .WithDescription("People, states, organisations and alliances that take part in events, sorted by name, each with the number of published events it takes part in. Filter by type, country and part of the name. The list is complete (no paging): the curated set has tens of actors and the list feeds filter drop-downs; it is cached with the dataset's ETag.")
            .Validate<ActorQuery>()
            .WithDatasetConditionalGet();

        actors.MapGet("/{id}", GetActor)
            .WithName("GetActor")
            .WithSummary("Get one actor with its events and roles")
            .WithDescription($"The actor with its {EventsShown} most recent published events (newest first) and its role(s) in each. `eventCount` says how many there are in all; `allEvents` links to the event list filtered by this actor, which pages through every one.")
            .WithDatasetConditionalGet()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    // Names containing % or _ are matched literally: the pattern is escaped before it gets here.
    private const string ListSql = """
        select a.slug as id, a.name, a.type, a.country_code as country, a.wikidata_qid, a.description,
               (select count(distinct ea.event_id)::int
                from event_actors ea join events e on e.id = ea.event_id
                where ea.actor_id = a.id and e.status = 'published') as event_count
        from actors a
        where (cardinality(@types) = 0 or a.type = any(@types))
          and (cardinality(@countries) = 0 or a.country_code = any(@countries))
          and (@pattern is null or a.name ilike @pattern)
        order by a.name, a.slug
        """;

    internal static async Task<Ok<ActorList>> ListActors([AsParameters] ActorQuery query, ReadDatabase db, CancellationToken ct)
    {
        var pattern = string.IsNullOrWhiteSpace(query.Q) ? null
            : "%" + query.Q.Trim().Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%";
        var conn = await db.ConnectionAsync(ct);
        var actors = await conn.QueryAsync<Actor>(new CommandDefinition(ListSql,
            new { types = query.Types, countries = query.Countries, pattern }, cancellationToken: ct));
        return TypedResults.Ok(new ActorList([.. actors]));
    }

    // The actor, its count and its newest events with roles, built as one JSON document in one query.
    private const string DetailSql = """
        select jsonb_build_object(
            'id', a.slug, 'name', a.name, 'type', a.type, 'country', a.country_code,
            'wikidataQid', a.wikidata_qid, 'description', a.description,
            'eventCount', (select count(distinct ea.event_id)
                           from event_actors ea join events e on e.id = ea.event_id
                           where ea.actor_id = a.id and e.status = 'published'),
            'events', coalesce((
                select jsonb_agg(x.doc order by x.occurred_on desc, x.id desc)
                from (select e.id, e.occurred_on,
                             jsonb_build_object('id', e.slug, 'title', e.title, 'kind', e.kind,
                                                'date', e.item_json::jsonb -> 'date',
                                                'escalationLevel', e.escalation_level, 'roles', r.roles) as doc
                      from (select ea.event_id, array_agg(ea.role order by ea.role) as roles
                            from event_actors ea where ea.actor_id = a.id group by ea.event_id) r
                      join events e on e.id = r.event_id
                      where e.status = 'published'
                      order by e.occurred_on desc, e.id desc
                      limit @take) x), '[]'::jsonb),
            'allEvents', '/v1/events?actor=' || a.slug || '&sort=-date')::text
        from actors a
        where a.slug = @id
        """;

    internal static async Task<Results<JsonText<ActorDetail>, ProblemHttpResult>> GetActor(
        [Description("Actor id (slug), e.g. `sergey-lavrov`.")] string id, ReadDatabase db, CancellationToken ct)
    {
        var conn = await db.ConnectionAsync(ct);
        var json = await conn.QuerySingleOrDefaultAsync<string>(new CommandDefinition(DetailSql, new { id, take = EventsShown }, cancellationToken: ct));
        if (json is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Actor not found",
                detail: $"There is no actor with id '{id}'. Ids are slugs such as 'sergey-lavrov'; list them at /v1/actors.");
        }
        return new JsonText<ActorDetail>(json);
    }
}
