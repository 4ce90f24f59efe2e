using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Timeline.Api.Actors;
using Timeline.Api.Changes;
using Timeline.Api.Events;
using Timeline.Api.Revisions;

namespace Timeline.Api.Editing;

/// <summary>
/// The bearer scheme in the OpenAPI document, the security requirement on every write operation, and
/// the examples of the editing and history operations: request bodies, parameters, success bodies and
/// each problem they can answer. The example event is the walk-through's duplicate of Przewodów
/// (15 Nov 2022), created, corrected and retracted; no URL, date or quote is made up for it.
/// </summary>
internal static class EditingOpenApi
{
    public const string SchemeName = "bearer";

    public static void AddEditingOpenApi(this WebApplicationBuilder builder) =>
        builder.Services.Configure<OpenApiOptions>("v1", o => o
            .AddDocumentTransformer((document, _, _) =>
            {
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "API key (tl_…)",
                    Description = "An editor's or admin's API key, `Authorization: Bearer tl_…`. Reads need none. Keys are created with ./keys.sh (see the README).",
                };
                return Task.CompletedTask;
            })
            .AddOperationTransformer<EditingOpenApiExamples>());
}

internal sealed class EditingOpenApiExamples(IOptions<JsonOptions> json) : IOpenApiOperationTransformer
{
    private static readonly JsonSerializerOptions RequestJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly HashSet<string> Operations =
        ["CreateEvent", "ReviseEvent", "RetractEvent", "CreateActor", "ReviseActor", "ListEventRevisions", "GetEventRevision", "ListChanges"];

    private const string EventId = "2022-11-15-przewodow-explosion-example";
    private static readonly DateTimeOffset Created = new(2025, 1, 6, 9, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Revised = Created.AddMinutes(12);
    private static readonly DateTimeOffset Retracted = Created.AddHours(2);

    private static readonly Dictionary<string, JsonNode> ParameterExamples = new()
    {
        ["Idempotency-Key"] = "5f0c6d1e-8a51-4d7b-9a52-2d1b0e7f3c11",
        ["If-Match"] = "\"2\"",
        ["since"] = "2025-01-01T00:00:00Z",
        ["limit"] = 50,
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAuthorizeData>().Any())
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(EditingOpenApi.SchemeName, context.Document)] = [] }];
        }
        if (metadata.OfType<RequestExample>().LastOrDefault() is { } request
            && operation.RequestBody?.Content?.TryGetValue("application/json", out var media) == true)
        {
            media.Example = JsonSerializer.SerializeToNode(request.Value, request.Value.GetType(), RequestJson);
        }
        if (operation.OperationId is not { } id || !Operations.Contains(id))
        {
            return Task.CompletedTask;
        }

        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            // The history reads show a curated event, so that Swagger UI's first Execute finds one.
            var read = context.Description.HttpMethod == HttpMethods.Get;
            var example = (parameter.Name, read) switch
            {
                ("id", true) => "2022-11-15-przewodow-missile",
                ("id", false) => id.Contains("Actor", StringComparison.Ordinal) ? "karol-nawrocki" : EventId,
                ("version", true) => 1,
                _ => ParameterExamples.GetValueOrDefault(parameter.Name ?? ""),
            };
            parameter.Example = example?.DeepClone();
        }
        foreach (var (status, response) in operation.Responses ?? [])
        {
            foreach (var (mediaType, content) in (response as OpenApiResponse)?.Content ?? new Dictionary<string, OpenApiMediaType>())
            {
                content.Example = status is "200" or "201" ? Success(id) : mediaType == "application/problem+json" ? Problem(status, id, context.Description.RelativePath) : content.Example;
            }
        }
        return Task.CompletedTask;
    }

    private JsonNode? Node<T>(T value) => JsonSerializer.SerializeToNode(value, json.Value.SerializerOptions);

    private static EventDetail Event(int version, Retraction? retraction) => new(
        EventId, "Missile falls on Przewodów, Poland",
        "A missile fell on a farm in the Polish village of Przewodów near the Ukrainian border, killing two people.",
        "incident", new EventDate(new DateOnly(2022, 11, 15), null, "day", false, null), new EventLocation("Przewodów", "PL", null, null),
        version == 1 ? ["air-defence"] : ["air-defence", "spill-over"],
        new EventEscalation(5, "Spill-over with casualties", "A missile killed two people on NATO territory."),
        retraction is null ? "published" : "retracted", retraction, null, version, Created,
        version switch { 1 => Created, 2 => Revised, _ => Retracted },
        [new EventActor("poland", "Poland", "state", "PL", "affected")], [], [], [], []);

    private static readonly (int Version, string Action, DateTimeOffset At, string By, string? Reason)[] History =
    [
        (1, "created", Created, "alice", null),
        (2, "revised", Revised, "alice", "Tags the event as spill-over."),
        (3, "retracted", Retracted, "boss", "Duplicate of 2022-11-15-przewodow-missile."),
    ];

    private JsonNode? Success(string operationId) => operationId switch
    {
        "CreateEvent" => Node(Event(1, null)),
        "ReviseEvent" => Node(Event(2, null)),
        "RetractEvent" => Node(Event(3, new Retraction(History[2].Reason!, Retracted, "boss"))),
        "CreateActor" => Node(new WrittenActor("karol-nawrocki", "Karol Nawrocki", "person", "PL", null, "President of Poland since August 2025.", 1, Created, Created)),
        "ReviseActor" => Node(new WrittenActor("karol-nawrocki", "Karol Nawrocki", "person", "PL", null, "President of Poland since August 2025; before that, head of the Institute of National Remembrance.", 2, Created, Revised)),
        "ListEventRevisions" => Node(new RevisionList(EventId, [.. History.Select(h =>
            new RevisionSummary(h.Version, h.Action, h.At, h.By, h.Reason, $"/v1/events/{EventId}/revisions/{h.Version}"))])),
        "GetEventRevision" => Node(new EventRevision(EventId, 2, "revised", Revised, "alice", History[1].Reason, Event(2, null))),
        "ListChanges" => Node(new ChangePage([.. History.Select(h => new Change(EventId, h.Version, h.Action, h.At, h.By, h.Reason,
            $"/v1/events/{EventId}", $"/v1/events/{EventId}/revisions/{h.Version}"))], null, ChangeCursor.Encode(1234))),
        _ => null,
    };

    private static JsonObject Problem(string status, string operationId, string? path)
    {
        var actor = operationId.Contains("Actor", StringComparison.Ordinal);
        var (title, detail, field) = (status, operationId) switch
        {
            ("400", "ListChanges") => ("The request is not valid", "'since' must be a cursor this feed issued (take it unchanged from 'nextCursor' or 'pollCursor') or an ISO 8601 instant such as '2025-09-10T00:00:00Z'.", "since"),
            ("400", "GetEventRevision") => ("The request is not valid", "'version' starts at 1 (the event as created).", null),
            ("400", _) when actor => ("The request is not valid", "'country' must be an ISO 3166-1 alpha-2 country code in capitals, such as 'PL' or 'UA' (got 'pl').", "country"),
            ("400", "RetractEvent") => ("The request is not valid", "'reason' is required.", "reason"),
            ("400", _) => ("The request is not valid", "With 'month' precision 'date.start' is the 1st of the month, e.g. 2024-11-01 for November 2024.", "date.start"),
            ("401", _) => ("Authentication required", "Writes need an API key: send 'Authorization: Bearer tl_…'. Editors get one from an admin (./keys.sh create).", null),
            ("403", _) => ("Not allowed for this key's role", "This key's role is 'editor'. Retracting events and creating or revising actors need an 'admin' key.", null),
            ("404", _) when actor => ("Actor not found", "There is no actor with id 'no-such-actor'; list them at /v1/actors.", null),
            ("404", "GetEventRevision") => ("Revision not found", $"The event '{EventId}' has no version 9; its revisions are listed at /v1/events/{EventId}/revisions.", null),
            ("404", _) => ("Event not found", "There is no event with id '1999-01-01-no-such-event'; list them at /v1/events.", null),
            ("409", "ReviseEvent") => ("Event is retracted", $"'{EventId}' was retracted; a retraction is final. Create a new event if the story needs telling again.", null),
            ("409", _) when actor => ("Actor id taken", "An actor with id 'karol-nawrocki' exists already. Choose another id, or revise it with PUT /v1/actors/karol-nawrocki.", null),
            ("409", _) => ("Event id taken", $"An event with id '{EventId}' exists already. Choose another id, or revise that event with PUT /v1/events/{EventId}.", null),
            ("412", _) => ("The resource changed since you read it", $"'{(actor ? "karol-nawrocki" : EventId)}' is at version 3 (ETag \"3\"), not the version in If-Match. GET it again, re-apply your change to the current version and send that ETag.", null),
            ("413", _) => ("Request body too large", "A write's body may be at most 64 KB. Split large material over several events or sources.", null),
            ("415", _) => ("Unsupported media type", "Send the body as JSON with 'Content-Type: application/json' (got 'text/plain').", null),
            ("422", "CreateEvent") => ("Unknown actor", "No actor with id 'no-such-actor' exists; see /v1/actors (admins add actors with POST /v1/actors).", null),
            ("422", _) => ("Idempotency-Key reused for a different request", "This Idempotency-Key was already used with a different body or route. Use a new key for a new request.", null),
            ("428", _) => ("If-Match required", "Send the ETag you last read, e.g. 'If-Match: \"3\"', so that a change made by someone else in between is not overwritten.", null),
            _ => ("Database unavailable", "The timeline database cannot be reached right now. Nothing was changed; try again shortly.", null),
        };
        var code = int.Parse(status, CultureInfo.InvariantCulture);
        var problem = new JsonObject
        {
            ["type"] = code switch
            {
                400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
                403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
                404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
                409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
                412 => "https://tools.ietf.org/html/rfc9110#section-15.5.13",
                413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
                415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
                422 => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
                428 => "https://tools.ietf.org/html/rfc6585#section-3",
                _ => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
            },
            ["title"] = title,
            ["status"] = code,
            ["detail"] = detail,
            ["instance"] = "/" + (path ?? "").Replace("{id}", actor ? "karol-nawrocki" : EventId, StringComparison.Ordinal).Replace("{version}", "9", StringComparison.Ordinal),
        };
        if (field is not null)
        {
            problem["errors"] = new JsonObject { [field] = new JsonArray(detail) };
        }
        problem["traceId"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
        return problem;
    }
}
