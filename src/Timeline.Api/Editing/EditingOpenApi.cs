using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Timeline.Api.Editing;

/// <summary>
/// The bearer scheme in the OpenAPI document, the security requirement on every write operation,
/// and the example bodies of the write routes.
/// </summary>
internal static class EditingOpenApi
{
    public const string SchemeName = "bearer";

    private static readonly JsonSerializerOptions ExampleJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

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
            .AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IAuthorizeData>().Any())
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] });
                }
                if (metadata.OfType<RequestExample>().LastOrDefault() is { } example
                    && operation.RequestBody?.Content?.TryGetValue("application/json", out var media) == true)
                {
                    media.Example = JsonSerializer.SerializeToNode(example.Value, example.Value.GetType(), ExampleJson);
                }
                return Task.CompletedTask;
            }));
}
