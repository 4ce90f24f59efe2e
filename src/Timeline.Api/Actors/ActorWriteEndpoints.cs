using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Timeline.Api.Auth;
using Timeline.Api.Editing;
using Timeline.Api.Events;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Actors;

/// <summary>POST /v1/actors: a new person, state, organisation or alliance.</summary>
internal sealed record CreateActorRequest(
    [property: Required, Description("Stable public id (slug), e.g. `sergey-lavrov`. Cannot be changed later.")] string? Id,
    [property: Required, Description("Name as commonly written in English, at most 200 characters.")] string? Name,
    [property: Required, Description("`person`, `state`, `organisation` or `alliance`.")] string? Type,
    [property: Description("ISO 3166-1 alpha-2 code of the actor's country, e.g. `RU`.")] string? Country,
    [property: Description("Wikidata item id, e.g. `Q39001`.")] string? WikidataQid,
    [property: Description("Who the actor is, at most 2000 characters.")] string? Description) : IIdempotentRequest;

/// <summary>PUT /v1/actors/{id}: the actor's new state (every field replaced, the id stays) and why.</summary>
internal sealed record ReviseActorRequest(
    [property: Required, Description("Why the actor is revised, kept in its history (at most 1000 characters).")] string? Reason,
    [property: Required] string? Name, [property: Required] string? Type, string? Country, string? WikidataQid, string? Description);

/// <summary>An actor as the write routes return it.</summary>
internal sealed record WrittenActor(
    [property: Description("Stable public id (slug).")] string Id, string Name,
    [property: Description("`person`, `state`, `organisation` or `alliance`.")] string Type,
    string? Country, string? WikidataQid, string? Description,
    [property: Description("Increases with every revision; the actor's ETag.")] int Version,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

internal sealed class CreateActorRequestValidator : BodyValidator<CreateActorRequest>
{
    public CreateActorRequestValidator()
    {
        RuleFor(a => a.Id).Slug();
        RuleFor(a => a.Name).RequiredText(200);
        RuleFor(a => a.Type).OneOf(Vocabulary.ActorTypes);
        RuleFor(a => a.Country).Country();
        RuleFor(a => a.WikidataQid).WikidataQid();
        RuleFor(a => a.Description).OptionalText(2000, multiline: true);
    }
}

internal sealed class ReviseActorRequestValidator : BodyValidator<ReviseActorRequest>
{
    public ReviseActorRequestValidator()
    {
        RuleFor(a => a.Reason).RequiredText(1000, multiline: true);
        RuleFor(a => a.Name).RequiredText(200);
        RuleFor(a => a.Type).OneOf(Vocabulary.ActorTypes);
        RuleFor(a => a.Country).Country();
        RuleFor(a => a.WikidataQid).WikidataQid();
        RuleFor(a => a.Description).OptionalText(2000, multiline: true);
    }
}

/// <summary>
/// Create and revise actors (admin): actors are shared by many events, so changing one changes them all.
/// Every change keeps an append-only actor revision; there is no delete.
/// </summary>
internal static class ActorWriteEndpoints
{
    public static void MapActorWrites(this IEndpointRouteBuilder app)
    {
        var actors = app.MapGroup("/v1/actors").WithTags("Editing");

        actors.MapPost("/", CreateActor)
            .WithName("CreateActor")
            .WithSummary("Create an actor (admin)")
            .WithDescription("Creates a person, state, organisation or alliance that events can then name in `actors`, quotes and claims. Needs an `admin` key and an `Idempotency-Key` (a retry returns the first response). Answers 201 with the actor, its `Location` and `ETag`; 409 when the id is taken.")
            .Validate<CreateActorRequest>()
            .Idempotent()
            .AsWrite(Policies.Admin)
            .WithRequestExample(new CreateActorRequest("karol-nawrocki", "Karol Nawrocki", "person", "PL", null, "President of Poland since August 2025."));

        actors.MapPut("/{id}", ReviseActor)
            .WithName("ReviseActor")
            .WithSummary("Revise an actor (admin)")
            .WithDescription("Replaces the actor's name, type, country, Wikidata id and description (the id stays) and keeps the change, with its mandatory `reason`, in the actor's history. Every event naming the actor shows the new name at once. Send the actor's ETag in `If-Match` (428 without, 412 when stale). Needs an `admin` key.")
            .Validate<ReviseActorRequest>()
            .AsWrite(Policies.Admin)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .WithRequestExample(new ReviseActorRequest("Adds his earlier office.", "Karol Nawrocki", "person", "PL", null, "President of Poland since August 2025; before that, head of the Institute of National Remembrance."));
    }

    private const string ActorJson = """
        jsonb_build_object('id', a.slug, 'name', a.name, 'type', a.type, 'country', a.country_code, 'wikidataQid', a.wikidata_qid,
                           'description', a.description, 'version', a.version, 'createdAt', a.created_at, 'updatedAt', a.updated_at)
        """;

    internal static async Task<Results<CreatedJsonText<WrittenActor>, ProblemHttpResult>> CreateActor(
        CreateActorRequest request,
        [FromHeader(Name = IdempotencyFilter.Header), Description("A unique key for this request (e.g. a UUID), reused when retrying it. Kept 24 hours per API key.")] string? idempotencyKey,
        ClaimsPrincipal user, NpgsqlDataSource db, DatasetVersion datasetVersion, HttpContext http, CancellationToken ct)
    {
        _ = idempotencyKey; // read by IdempotencyFilter; a parameter so that OpenAPI documents the header
        try
        {
            return await CreateAsync(request, user, db, datasetVersion, http, ct);
        }
        catch (PostgresException e) when (WriteRejectedException.FromDatabase(e) is { } rejected)
        {
            return rejected.ToProblem();
        }
    }

    private static async Task<Results<CreatedJsonText<WrittenActor>, ProblemHttpResult>> CreateAsync(
        CreateActorRequest request, ClaimsPrincipal user, NpgsqlDataSource db, DatasetVersion datasetVersion, HttpContext http, CancellationToken ct)
    {
        await using var write = await WriteTransaction.BeginAsync(db, http, ct);
        var (conn, tx) = (write.Connection, write.Transaction);
        var id = await conn.ExecuteScalarAsync<long?>(new CommandDefinition("""
            insert into actors (slug, name, type, country_code, wikidata_qid, description)
            values (@Id, @Name, @Type, @Country, @WikidataQid, @Description)
            on conflict (slug) do nothing
            returning id
            """, request, tx, cancellationToken: ct));
        if (id is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Actor id taken",
                detail: $"An actor with id '{request.Id}' exists already. Choose another id, or revise it with PUT /v1/actors/{request.Id}.");
        }
        var json = await AppendRevisionAsync(conn, tx, id.Value, "created", user.EditorName(), null, ct);
        var created = new CreatedJsonText<WrittenActor>(json, $"/v1/actors/{request.Id}", 1);
        await write.CommitAsync(created.Saved, ct);
        datasetVersion.Invalidate();
        return created;
    }

    internal static async Task<Results<JsonText<WrittenActor>, ProblemHttpResult>> ReviseActor(
        [Description("Actor id (slug), e.g. `sergey-lavrov`.")] string id,
        ReviseActorRequest request,
        [FromHeader(Name = "If-Match"), Description("The actor's ETag as last read, e.g. `\"1\"`. Required.")] string? ifMatch,
        ClaimsPrincipal user, NpgsqlDataSource db, DatasetVersion datasetVersion, HttpContext http, CancellationToken ct)
    {
        _ = ifMatch; // parsed from the raw header list; a parameter so that OpenAPI documents it
        if (!Preconditions.TryGetExpectedVersions(http.Request, id, out var expected, out var problem))
        {
            return problem!.ToProblem();
        }
        try
        {
            return await ReviseAsync(id, expected, request, user, db, datasetVersion, http, ct);
        }
        catch (PostgresException e) when (WriteRejectedException.FromDatabase(e) is { } rejected)
        {
            return rejected.ToProblem();
        }
    }

    private static async Task<Results<JsonText<WrittenActor>, ProblemHttpResult>> ReviseAsync(string id, int[] expected,
        ReviseActorRequest request, ClaimsPrincipal user, NpgsqlDataSource db, DatasetVersion datasetVersion, HttpContext http, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<(long Id, int Version)?>(new CommandDefinition("""
            update actors set name = @Name, type = @Type, country_code = @Country, wikidata_qid = @WikidataQid, description = @Description,
                version = version + 1, updated_at = now()
            where slug = @id and version = any(@expected)
            returning id, version
            """, new { id, expected, request.Name, request.Type, request.Country, request.WikidataQid, request.Description }, tx, cancellationToken: ct));
        if (row is not { } updated)
        {
            var current = await conn.ExecuteScalarAsync<int?>(new CommandDefinition(
                "select version from actors where slug = @id", new { id }, tx, cancellationToken: ct));
            return (current is null ? WriteRejectedException.NotFound("Actor", id, "/v1/actors") : WriteRejectedException.Stale(id, current.Value)).ToProblem();
        }
        var json = await AppendRevisionAsync(conn, tx, updated.Id, "revised", user.EditorName(), request.Reason, ct);
        // Every event that names the actor shows its name and type: their stored JSON changes with it.
        var events = await conn.QueryAsync<long>(new CommandDefinition("""
            select event_id from event_actors where actor_id = @id
            union select event_id from quotes where speaker_id = @id
            union select c.event_id from claim_claimants cc join claims c on c.id = cc.claim_id where cc.actor_id = @id
            """, new { id = updated.Id }, tx, cancellationToken: ct));
        await EventRenderer.StoreAsync(conn, tx, events, ct);
        await tx.CommitOrReportAsync();
        datasetVersion.Invalidate();
        http.Response.SetETag(updated.Version);
        return new JsonText<WrittenActor>(json);
    }

    private static async Task<string> AppendRevisionAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long id, string action, string editor, string? reason, CancellationToken ct) =>
        await conn.ExecuteScalarAsync<string>(new CommandDefinition($"""
            insert into actor_revisions (actor_id, version, action, changed_by, reason, snapshot)
            select a.id, a.version, @action, @editor, @reason, {ActorJson} from actors a where a.id = @id
            returning snapshot::text
            """, new { id, action, editor, reason }, tx, cancellationToken: ct))
        ?? throw new InvalidOperationException($"Actor {id} vanished inside its own transaction.");
}
