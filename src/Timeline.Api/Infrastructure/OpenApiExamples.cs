using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Timeline.Api.Actors;
using Timeline.Api.Events;
using Timeline.Api.Health;
using Timeline.Api.Vocabularies;

namespace Timeline.Api.Infrastructure;

/// <summary>
/// Examples and response texts for the OpenAPI document, kept in one table so that Swagger UI shows
/// a realistic request and answer for every operation. Response examples are built from the contract
/// records, so an example cannot drift from the schema it illustrates. The event shown is Przewodów
/// (15 Nov 2022), described as in the curated set; no URL, date or quote is made up for it.
/// </summary>
internal sealed class OpenApiExamples(IOptions<JsonOptions> json) : IOpenApiOperationTransformer
{
    private readonly JsonSerializerOptions _json = json.Value.SerializerOptions;

    /// <summary>Parameter examples by name; "path name" entries win for parameters that differ by route.</summary>
    private static readonly Dictionary<string, JsonNode> ParameterExamples = new()
    {
        ["from"] = "2022-11-01",
        ["to"] = "2022-11-30",
        ["kind"] = "incident",
        ["actor"] = "sergey-lavrov",
        ["country"] = "PL",
        ["tag"] = "air-defence",
        ["minLevel"] = 3,
        ["maxLevel"] = 5,
        ["q"] = "Przewodów",
        ["updatedSince"] = "2025-01-01T00:00:00Z",
        ["includeRetracted"] = false,
        ["sort"] = "-date",
        ["limit"] = 20,
        ["cursor"] = new Cursor(true, new DateOnly(2022, 11, 15), 42).Encode(),
        ["type"] = "person",
        ["v1/events/{id} id"] = "2022-11-15-przewodow-missile",
        ["v1/actors/{id} id"] = "sergey-lavrov",
        ["v1/actors country"] = "RU",
        ["v1/actors q"] = "lavrov",
    };

    private static readonly Dictionary<string, string> ResponseDescriptions = new()
    {
        ["304"] = "Not modified: the `ETag` sent in `If-None-Match` (or the date in `If-Modified-Since`) is still current. No body.",
        ["400"] = "The request is not valid: `detail` says why, `errors` names each offending parameter.",
        ["404"] = "Nothing has this id.",
        ["429"] = "Over a rate limit (per client address without a key, per API key with one; writes and wrong keys have stricter ones). Retry after `Retry-After` seconds.",
        ["503"] = "The database cannot be reached, timed out, is read-only or stopped a conflicting write, so nothing was changed (the detail says so when a commit's outcome is unknown). Retry after `Retry-After` seconds.",
        ["504"] = "The request took longer than the server's request timeout and was stopped; a write was rolled back. Retry after `Retry-After` seconds.",
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var path = (context.Description.RelativePath ?? "").TrimEnd('/');
        if (context.Description.HttpMethod == HttpMethods.Get)
        {
            // Reads are public: say so explicitly (an empty requirement), rather than leaving it unstated.
            operation.Security ??= [];
        }
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if ((ParameterExamples.GetValueOrDefault($"{path} {parameter.Name}") ?? ParameterExamples.GetValueOrDefault(parameter.Name ?? "")) is { } example)
            {
                // A repeatable parameter is an array in the schema: its example must be one too.
                parameter.Example = parameter.Schema?.Type == JsonSchemaType.Array ? new JsonArray(example.DeepClone()) : example.DeepClone();
            }
        }

        DeclareLimits(operation, context);
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is not OpenApiResponse r)
            {
                continue;
            }
            if (ResponseDescriptions.TryGetValue(status, out var description))
            {
                r.Description = description;
            }
            if (r.Content is null)
            {
                continue;
            }
            foreach (var (mediaType, content) in r.Content)
            {
                content.Example ??= (status, mediaType) switch
                {
                    ("200", _) => OkExample(operation.OperationId),
                    (_, "application/problem+json") => ProblemExample(status, operation.OperationId, path),
                    _ => null,
                };
            }
            if (status == "200" && operation.Responses!.ContainsKey("304"))
            {
                r.Headers ??= new Dictionary<string, IOpenApiHeader>();
                r.Headers["ETag"] = Header("Version of what was served; send it back in `If-None-Match` to get a 304 when nothing changed.");
                r.Headers["Cache-Control"] = Header("How long shared caches and browsers may keep the answer.");
            }
            if (status == "200" && operation.OperationId == "ListEvents")
            {
                r.Headers ??= new Dictionary<string, IOpenApiHeader>();
                r.Headers["Link"] = Header("`<…?cursor=…>; rel=\"next\"` when there is a next page.");
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Every API operation can answer 429 (the global rate limit) and, unless it streams an export, 504
    /// (the request timeout): declared here once, with the problem schema the operation uses for its
    /// other problems. Health probes are exempt from both. 429, 503 and 504 carry Retry-After.
    /// </summary>
    private static void DeclareLimits(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        if (operation.Responses is null || operation.Tags?.Any(t => t.Name == "Health") == true)
        {
            return;
        }
        var problemSchema = operation.Responses.Values.OfType<OpenApiResponse>()
            .Select(r => r.Content is { } c && c.TryGetValue("application/problem+json", out var m) ? m.Schema : null).FirstOrDefault(s => s is not null);
        if (problemSchema is not null)
        {
            var export = context.Description.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Http.Timeouts.RequestTimeoutAttribute>()
                .Any(a => a.PolicyName == Limits.ExportTimeoutPolicy);
            foreach (var status in export ? ["429"] : new[] { "429", "504" })
            {
                operation.Responses.TryAdd(status, new OpenApiResponse
                {
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = problemSchema } },
                });
            }
        }
        foreach (var status in new[] { "429", "503", "504" })
        {
            if (operation.Responses.TryGetValue(status, out var response) && response is OpenApiResponse r)
            {
                r.Headers ??= new Dictionary<string, IOpenApiHeader>();
                r.Headers["Retry-After"] = Header("Seconds to wait before trying again.");
            }
        }
    }

    private static OpenApiHeader Header(string description) =>
        new() { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };

    private JsonNode? Node<T>(T value) => JsonSerializer.SerializeToNode(value, _json);

    private static readonly DateTimeOffset Loaded = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly EventSummary Przewodow = new(
        "2022-11-15-przewodow-missile", "Missile falls on Przewodów, Poland",
        "A missile falls on the Polish village of Przewodów near the Ukrainian border and kills two people. Poland and NATO conclude it was most likely a Ukrainian air-defence missile.",
        "incident", new EventDate(new DateOnly(2022, 11, 15), null, "day", false, null),
        new EventLocation("Przewodów", "PL", 50.47, 23.93), ["air-defence", "missile", "poland"],
        new EventEscalation(5, "Spill-over with casualties", "Two people killed on NATO territory."),
        "published", null, null, 1, Loaded, Loaded);

    /// <summary>Przewodów in full, as GET /v1/events/{id} gives it; the exports' examples show it too.</summary>
    internal static readonly EventDetail PrzewodowDetail = new EventDetail(Przewodow.Id, Przewodow.Title, Przewodow.Summary, Przewodow.Kind, Przewodow.Date,
        Przewodow.Location, Przewodow.Tags, Przewodow.Escalation, Przewodow.Status, null, null, 1, Loaded, Loaded,
        [new EventActor("poland", "Poland", "state", "PL", "affected"), new EventActor("sergey-lavrov", "Sergey Lavrov", "person", "RU", "speaker")],
        [], [],
        [new EventClaim("The missile was most likely a Ukrainian air-defence missile.", "confirmed", [new ActorRef("poland", "Poland")], []),
         new EventClaim("The incident was a provocation.", "disputed", [new ActorRef("sergey-lavrov", "Sergey Lavrov")], [])],
        []);

    private JsonNode? OkExample(string? operationId) => operationId switch
    {
        "ListEvents" => Node(new EventPage([Przewodow], new Cursor(false, Przewodow.Date.Start, 42).Encode())),
        "GetEvent" => Node(PrzewodowDetail),
        "ListActors" => Node(new ActorList([new Actor("sergey-lavrov", "Sergey Lavrov", "person", "RU", null, "Foreign minister of Russia.", 12)])),
        "GetActor" => Node(new ActorDetail("sergey-lavrov", "Sergey Lavrov", "person", "RU", null, "Foreign minister of Russia.", 12,
            [new ActorEvent(Przewodow.Id, Przewodow.Title, Przewodow.Kind, Przewodow.Date, 5, ["speaker"])],
            "/v1/events?actor=sergey-lavrov&sort=-date")),
        "ListTags" => Node(new TagList([new TagCount("air-defence", 3), new TagCount("nuclear", 7)])),
        "ListKinds" => Node(new KindList([
            new Kind("incident", "Incident", "Something that happened on the ground, at sea or in the air: a strike, a crash, an airspace violation.", 14),
            new Kind("statement", "Statement", "An official warning, accusation or declaration by a government, alliance or leader.", 11)])),
        "GetEscalationLadder" => Node(new EscalationLadder([
            new EscalationLevel(0, "De-escalation", "Steps that lower tension or open a path to settlement.", "talks, ceasefire or guarantee proposals, prisoner exchanges", 6),
            new EscalationLevel(1, "Rhetoric", "Words that raise tension without changing forces on the ground.", "warnings, accusations, \"red line\" statements", 15)])),
        "Live" => Node(new HealthReport("live", "not checked")),
        "Ready" => Node(new HealthReport("ready", "up", [new NodeReport("db1:5432", "primary", null), new NodeReport("db2:5432", "standby", 0)])),
        _ => null,
    };

    private static JsonObject ProblemExample(string status, string? operationId, string path)
    {
        var instance = "/" + path.Replace("{id}", operationId == "GetActor" ? "no-such-actor" : "1999-01-01-no-such-event", StringComparison.Ordinal);
        var (title, detail, errors) = (status, operationId) switch
        {
            ("400", "ListActors") => ("The request is not valid", "Unknown actor type 'robot': use person, state, organisation, alliance.", "type"),
            ("400", _) => ("The request is not valid", "'to' (2022-11-01) must not be before 'from' (2022-11-30).", "to"),
            ("404", "GetActor") => ("Actor not found", "There is no actor with id 'no-such-actor'. Ids are slugs such as 'sergey-lavrov'; list them at /v1/actors.", null),
            ("404", _) => ("Event not found", "There is no event with id '1999-01-01-no-such-event'. Ids are slugs such as '2022-11-15-przewodow-missile'; list them at /v1/events.", null),
            ("503", "Ready") => ("Not ready", "The database did not answer within 2 s.", null),
            ("429", _) => ("Too many requests", "The limit is 20 requests a second per client address, 200 at once. Wait 1 s (Retry-After) and try again.", null),
            ("504", _) => ("Request timed out", "The request took longer than 15 s and was stopped; a write that timed out was rolled back. Try again shortly.", null),
            _ => ("Database unavailable", "The timeline database cannot be reached right now. Nothing was changed; try again shortly.", null),
        };
        var problem = new JsonObject
        {
            ["type"] = status switch
            {
                "400" => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                "404" => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
                "429" => "https://tools.ietf.org/html/rfc6585#section-4",
                "504" => "https://tools.ietf.org/html/rfc9110#section-15.6.5",
                _ => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
            },
            ["title"] = title,
            ["status"] = int.Parse(status, System.Globalization.CultureInfo.InvariantCulture),
            ["detail"] = detail,
            ["instance"] = instance,
        };
        if (errors is not null)
        {
            problem["errors"] = new JsonObject { [errors] = new JsonArray(detail) };
        }
        problem["traceId"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
        return problem;
    }
}
