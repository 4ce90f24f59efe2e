using Microsoft.OpenApi;

namespace Timeline.Api.Infrastructure;

/// <summary>The OpenAPI document at /openapi/v1.json and Swagger UI at /swagger.</summary>
internal static class OpenApi
{
    public static void AddTimelineOpenApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(o => o.AddOperationTransformer<OpenApiExamples>().AddSchemaTransformer((schema, context, _) =>
        {
            // RFC 9457 allows extension members; ours is traceId (and `database` on /health/ready).
            if (context.JsonTypeInfo.Type.IsAssignableTo(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails)))
            {
                schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
                schema.Properties.TryAdd("traceId", new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Description = "Identifies the request in the server's logs; quote it when reporting a problem.",
                });
                schema.AdditionalPropertiesAllowed = true;
                schema.AdditionalProperties = new OpenApiSchema();
            }
            return Task.CompletedTask;
        }).AddDocumentTransformer((document, _, _) =>
        {
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
                Description = "A curated timeline of escalation events around the war in Ukraine and the Russia–NATO confrontation: incidents, weapons decisions, doctrine changes, diplomacy and official warnings, each with its sources, exact quotes, disputed claims and correction history. Reads are public. Errors are RFC 9457 problem details.",
                License = new OpenApiLicense { Name = "Data: curated from public reporting; see each event's sources" },
            };
            return Task.CompletedTask;
        }));
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
        app.MapOpenApi().ExcludeFromDescription();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "swagger";
            o.SwaggerEndpoint("/openapi/v1.json", "Timeline API v1");
            o.DocumentTitle = "Timeline API — Swagger UI";
            o.EnableTryItOutByDefault();
        });
    }
}
