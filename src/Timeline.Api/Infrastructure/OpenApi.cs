using Microsoft.OpenApi;

namespace Timeline.Api.Infrastructure;

/// <summary>The OpenAPI document at /openapi/v1.json and Swagger UI at /swagger.</summary>
internal static class OpenApi
{
    public static void AddTimelineOpenApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
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
