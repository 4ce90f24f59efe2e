using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Timeline.Api.Infrastructure;

/// <summary>The OpenAPI document at /openapi/v1.json and Swagger UI at /swagger.</summary>
internal static class OpenApi
{
    public static void AddTimelineOpenApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(o => o.AddOperationTransformer<OpenApiExamples>().AddOperationTransformer(NotAcceptable.Document).AddSchemaTransformer(OpenApiSchemaRules.Apply).AddSchemaTransformer((schema, context, _) =>
        {
            // RFC 9457 allows extension members; ours is traceId (and `database` on /health/ready). Every problem
            // we send has a title, its status, the path it answers (instance) and a traceId; `type` and `detail`
            // are there when known, and never null.
            if (context.JsonTypeInfo.Type.IsAssignableTo(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails)))
            {
                schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
                schema.Properties.TryAdd("traceId", new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Description = "Identifies the request in the server's logs; quote it when reporting a problem.",
                });
                foreach (var property in schema.Properties.Values.OfType<OpenApiSchema>())
                {
                    property.Type &= ~JsonSchemaType.Null;
                }
                schema.Required = new HashSet<string> { "title", "status", "instance", "traceId" };
                schema.AdditionalPropertiesAllowed = true;
                schema.AdditionalProperties = new OpenApiSchema();
            }
            return Task.CompletedTask;
        }).AddDocumentTransformer(QueryExamplesDoNotPrefill).AddDocumentTransformer(OpenApiSchemaRules.RequiredRequestPropertiesAreNotNull).AddDocumentTransformer((document, _, _) =>
        {
            foreach (var path in document.Paths.Values)
            {
                path.Operations?.Remove(HttpMethod.Head); // every GET answers HEAD (HeadRequests); listing them would repeat each GET
            }
            foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            {
                tag.Description ??= TagDescriptions.GetValueOrDefault(tag.Name ?? "");
            }
            // Same origin as the document, whatever host serves it: keeps the committed snapshot host-independent.
            document.Servers = [new OpenApiServer { Url = "/", Description = "The server that serves this document" }];
            document.Info = new OpenApiInfo
            {
                Title = "Timeline API",
                Version = "v1",
                Description = "A curated timeline of escalation events around the war in Ukraine and the Russia–NATO confrontation: incidents, weapons decisions, doctrine changes, diplomacy and official warnings, each with its sources, exact quotes, disputed claims and correction history. Reads are public. Errors are RFC 9457 problem details. Every GET also answers HEAD (the same status and headers, no body); a method a path does not have is a 405 with `Allow`; an Accept header that allows none of an operation's media types is a 406.",
                License = new OpenApiLicense { Name = "Data: curated from public reporting; see each event's sources" },
            };
            return Task.CompletedTask;
        }));
    }

    /// <summary>
    /// Swagger UI fills every input from the parameter's `example` (or `examples`), so with examples on the
    /// filters the first Execute would ask for one narrow page. A query parameter's examples go into its
    /// schema (`examples`, JSON Schema 2020-12), which Swagger UI does not use as a value, and into its description,
    /// where Swagger UI shows it; the defaults still apply. Path and header examples stay: an id or an
    /// Idempotency-Key is needed to execute.
    /// </summary>
    private static Task QueryExamplesDoNotPrefill(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        var parameters = document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(o => o.Parameters ?? []).OfType<OpenApiParameter>();
        foreach (var parameter in parameters.Where(p => p.In == ParameterLocation.Query && p.Example is not null))
        {
            if (parameter.Schema is OpenApiSchema schema)
            {
                schema.Examples = [parameter.Example!];
            }
            var shown = parameter.Example is JsonArray values ? string.Join(",", values) : parameter.Example!.ToString();
            parameter.Description = $"{parameter.Description} Example: `{shown}`.";
            parameter.Example = null;
        }
        return Task.CompletedTask;
    }

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Events"] = "The timeline itself: events by date window and filters, and each event with its actors, sources, quotes, claims and relations.",
        ["Actors"] = "People, states, organisations and alliances, and the events they take part in.",
        ["Vocabularies"] = "The values the event filters accept, with event counts, for drop-downs: tags, kinds and the escalation ladder.",
        ["Timeline"] = "The whole (filtered) timeline in one streamed response, for journalists: JSON, NDJSON, CSV, TimelineJS, iCalendar or GeoJSON.",
        ["Statistics"] = "The escalation curve: events, highest and mean level and kinds per day, week or month, without gaps.",
        ["Editing"] = "Writes for editors with an API key: create, revise (If-Match) and retract events; create and revise actors.",
        ["History"] = "What changed and why: each event's revisions with full snapshots, and the change feed for syncing.",
        ["Health"] = "Liveness and readiness probes for orchestrators and load balancers.",
    };

    public static void UseTimelineOpenApi(this WebApplication app)
    {
        app.MapOpenApi().ExcludeFromDescription().AnswerHeadLikeGet();
        // Only requests under /swagger pass through Swagger UI's middleware (it tests every path it sees).
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/swagger"), swagger => swagger.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "swagger";
            o.SwaggerEndpoint("/openapi/v1.json", "Timeline API v1");
            o.DocumentTitle = "Timeline API — Swagger UI";
            o.EnableTryItOutByDefault();
        }));
    }
}
