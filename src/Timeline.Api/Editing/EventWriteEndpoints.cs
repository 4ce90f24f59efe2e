using System.ComponentModel;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Timeline.Api.Auth;
using Timeline.Api.Events;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Editing;

/// <summary>
/// Create, revise and retract events. Every write needs an API key (editors create and revise, admins
/// also retract), lands in one transaction with its revision, and is never a delete.
/// </summary>
internal static class EventWriteEndpoints
{
    public static void MapEventWrites(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/v1/events").WithTags("Editing");

        events.MapPost("/", CreateEvent)
            .WithName("CreateEvent")
            .WithSummary("Create an event (editor)")
            .WithDescription("Creates an event with its actors and roles, sources, quotes, claims, relations and tags, and its first revision (`created`). `sources` lists the ids of the sources the event cites, in order; a source that does not exist yet is defined in `newSources` and created in the same transaction. Actors must exist (admins add them with POST /v1/actors). Needs an `editor` or `admin` key and an `Idempotency-Key`: a retry with the same key and body returns the first response; the same key with another body is 422; a retry sent while the first is still running waits for it and returns its response. Answers 201 with the event, its `Location` and `ETag`.")
            .Validate<CreateEventRequest>()
            .Idempotent()
            .AsWrite(Policies.Editor)
            .WithRequestExample(Examples.CreateEvent);

        events.MapPut("/{id}", ReviseEvent)
            .WithName("ReviseEvent")
            .WithSummary("Revise an event (editor)")
            .WithDescription("Replaces every editable field of the event (a field left out is cleared, a list left out emptied; the id stays) and records a `revised` revision with the mandatory `reason`. Send the ETag you read in `If-Match`: without it 428, when the event changed since 412 (read it again and re-apply your change). A retracted event cannot be revised (409). Needs an `editor` or `admin` key.")
            .Validate<ReviseEventRequest>()
            .AsWrite(Policies.Editor)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .WithRequestExample(Examples.ReviseEvent);

        events.MapPost("/{id}/retraction", RetractEvent)
            .WithName("RetractEvent")
            .WithSummary("Retract an event (admin)")
            .WithDescription("Marks the event retracted with the mandatory `reason`, the time and the key's name, and records a `retracted` revision. Nothing is deleted: the event still answers 200 with its retraction notice, and is left out of lists and exports unless `includeRetracted=true`. Send the ETag in `If-Match` (428 without, 412 when stale). Retracting an event that is already retracted changes nothing and answers 200 with it, so a retry is harmless (no Idempotency-Key needed). Needs an `admin` key.")
            .Validate<RetractEventRequest>()
            .AsWrite(Policies.Admin)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .WithRequestExample(Examples.RetractEvent);
    }

    internal static async Task<Results<CreatedJsonText<EventDetail>, ProblemHttpResult>> CreateEvent(
        CreateEventRequest request,
        [FromHeader(Name = IdempotencyFilter.Header), Description("A unique key for this request (e.g. a UUID), reused when retrying it. Kept 24 hours per API key.")] string? idempotencyKey,
        ClaimsPrincipal user, NpgsqlDataSource db, DatasetVersion datasetVersion, HttpContext http, CancellationToken ct)
    {
        _ = idempotencyKey; // read by IdempotencyFilter; a parameter so that OpenAPI documents the header
        try
        {
            await using var write = await WriteTransaction.BeginAsync(db, http, ct);
            var written = (await EventWriter.CreateAsync(write.Connection, write.Transaction, [(request.Id!, request)], user.EditorName(), null, ct))[0];
            var created = new CreatedJsonText<EventDetail>(written.Json, $"/v1/events/{request.Id}", written.Version);
            await write.CommitAsync(created.Saved, ct);
            datasetVersion.Invalidate();
            return created;
        }
        catch (WriteRejectedException rejected)
        {
            return rejected.ToProblem();
        }
    }

    internal static Task<Results<JsonText<EventDetail>, ProblemHttpResult>> ReviseEvent(
        [Description("Event id (slug), e.g. `2022-11-15-przewodow-missile`.")] string id,
        ReviseEventRequest request,
        [FromHeader(Name = "If-Match"), Description("The event's ETag as last read, e.g. `\"3\"`. Required.")] string? ifMatch,
        ClaimsPrincipal user, NpgsqlDataSource db, DatasetVersion datasetVersion, HttpContext http, CancellationToken ct)
    {
        _ = ifMatch; // parsed from the raw header list; a parameter so that OpenAPI documents it
        return WriteIfMatchAsync(id, http, datasetVersion, expected => EventWriter.ReviseAsync(db, id, expected, request, user.EditorName(), ct));
    }

    internal static Task<Results<JsonText<EventDetail>, ProblemHttpResult>> RetractEvent(
        [Description("Event id (slug), e.g. `2022-11-15-przewodow-missile`.")] string id,
        RetractEventRequest request,
        [FromHeader(Name = "If-Match"), Description("The event's ETag as last read, e.g. `\"3\"`. Required.")] string? ifMatch,
        ClaimsPrincipal user, NpgsqlDataSource db, DatasetVersion datasetVersion, HttpContext http, CancellationToken ct)
    {
        _ = ifMatch;
        return WriteIfMatchAsync(id, http, datasetVersion, expected => EventWriter.RetractAsync(db, id, expected, request.Reason!, user.EditorName(), ct));
    }

    /// <summary>A write that needs If-Match: the versions it names go to the write, which answers the event and its new ETag.</summary>
    private static async Task<Results<JsonText<EventDetail>, ProblemHttpResult>> WriteIfMatchAsync(
        string id, HttpContext http, DatasetVersion datasetVersion, Func<int[], Task<EventWriter.Written>> write)
    {
        try
        {
            if (!Preconditions.TryGetExpectedVersions(http.Request, id, out var expected, out var problem))
            {
                return problem!.ToProblem();
            }
            var written = await write(expected);
            if (written.Changed)
            {
                datasetVersion.Invalidate();
            }
            http.Response.SetETag(written.Version);
            return new JsonText<EventDetail>(written.Json);
        }
        catch (WriteRejectedException rejected)
        {
            return rejected.ToProblem();
        }
    }
}
