using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Timeline.Api.Citations;
using Timeline.Api.Exports;

namespace Timeline.Api.Infrastructure;

/// <summary>
/// Makes `required` and `null` in the document say what the server really does. The generator marks every
/// constructor parameter required and every nullable property nullable; two kinds of record differ:
/// <list type="bullet">
/// <item>Types written by a serializer that leaves null properties out (the export's filters, TimelineJS
/// slides, CSL-JSON): such a property is optional, and never null when it is there.</item>
/// <item>Request bodies (records named …Request or …Input): every property is nullable in C# so that the
/// validators, not the JSON reader, explain what is missing. The ones marked [Required] are those the
/// validators insist on: required and never null; the others may be left out or sent as null.</item>
/// </list>
/// </summary>
internal static class OpenApiSchemaRules
{
    /// <summary>The serializers that omit nulls; a type they write follows their rule.</summary>
    private static readonly JsonSerializerContext[] NullOmittingWriters = [TimelineJsonContext.Default, CitationJsonContext.Default];

    public static Task Apply(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = context.JsonTypeInfo.Type;
        if (context.JsonTypeInfo.Kind != JsonTypeInfoKind.Object || schema.Properties is null)
        {
            return Task.CompletedTask;
        }
        if (NullOmittingWriters.Any(w => w.Options.DefaultIgnoreCondition == JsonIgnoreCondition.WhenWritingNull && w.GetTypeInfo(type) is not null))
        {
            foreach (var property in context.JsonTypeInfo.Properties.Where(p => p.IsGetNullable))
            {
                schema.Required?.Remove(property.Name);
                NotNull(schema, property.Name);
            }
        }
        else if (IsRequestBody(type.Name))
        {
            schema.Required = context.JsonTypeInfo.Properties
                .Where(p => p.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: false) == true)
                .Select(p => p.Name).ToHashSet();
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// The request rule's second half, once the document is built (nullable references only become
    /// `oneOf: [null, $ref]` then): a required property of a request body is never null.
    /// </summary>
    public static Task RequiredRequestPropertiesAreNotNull(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        foreach (var (name, component) in document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
        {
            if (IsRequestBody(name) && component is OpenApiSchema { Required: { } required } schema)
            {
                foreach (var property in required)
                {
                    NotNull(schema, property);
                }
            }
        }
        return Task.CompletedTask;
    }

    private static bool IsRequestBody(string name) => name.EndsWith("Request", StringComparison.Ordinal) || name.EndsWith("Input", StringComparison.Ordinal);

    /// <summary>Takes null out of a property's schema: `type: [null, x]` becomes `x`, `oneOf: [null, $ref]` the reference.</summary>
    private static void NotNull(OpenApiSchema schema, string name)
    {
        var properties = schema.Properties!;
        switch (properties.TryGetValue(name, out var property) ? property : null)
        {
            case OpenApiSchema { Type: { } t } nullable when t.HasFlag(JsonSchemaType.Null):
                nullable.Type = t & ~JsonSchemaType.Null;
                break;
            case OpenApiSchema { OneOf: [OpenApiSchema { Type: JsonSchemaType.Null }, var only] }:
                properties[name] = only;
                break;
        }
    }
}
