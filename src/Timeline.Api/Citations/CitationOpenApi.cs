using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Timeline.Api.Events;

namespace Timeline.Api.Citations;

/// <summary>
/// Swagger UI examples for the citation: built by <see cref="Citation"/> itself from Przewodów as the curated
/// set has it (its three sources, none with a known URL), so the examples are exactly what the API writes.
/// </summary>
internal static class CitationOpenApi
{
    private static readonly DateTimeOffset Updated = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    internal static readonly Citation Przewodow = new(new EventDetail(
        "2022-11-15-przewodow-missile", "Missile falls on Przewodów, Poland, killing two",
        "A missile falls on the Polish village of Przewodów near the Ukrainian border and kills two people.",
        "incident", new EventDate(new DateOnly(2022, 11, 15), null, "day", false, null),
        new EventLocation("Przewodów", "PL", null, null), [], new EventEscalation(5, "Spill-over with casualties", "Two people killed on NATO territory."),
        "published", null, null, 1, Updated, Updated, [],
        [
            new EventSource("president-of-poland-przewodow-2022", "Chancellery of the President of the Republic of Poland",
                "[Statement by President Andrzej Duda on the explosion in Przewodów]", true, null, "pl", new DateOnly(2022, 11, 16), null, null),
            new EventSource("nato-sg-przewodow-2022", "NATO",
                "[Press conference by the NATO Secretary General following the explosion in Przewodów, Poland]", true, null, "en", new DateOnly(2022, 11, 16), null, null),
            new EventSource("seed-000-lavrov-tass-interview", null,
                "[Report on Lavrov's TASS interview accusing Kyiv of trying to draw NATO into the war]", true, null, "en", null, null, null),
        ],
        [], [], []), "http://127.0.0.1:5080", new DateOnly(2025, 9, 1));

    public static Task AddExamples(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            parameter.Example = parameter.Name switch
            {
                "id" => "2022-11-15-przewodow-missile",
                "format" => "csl",
                _ => parameter.Example,
            };
        }
        if (operation.Responses?.GetValueOrDefault("200") is OpenApiResponse { Content: { } content } ok)
        {
            ok.Description = "The citation, in the format asked for.";
            if (content.TryGetValue(CitationEndpoints.PlainText, out var text))
            {
                text.Schema = new OpenApiSchema { Type = JsonSchemaType.String };
                text.Example = Przewodow.ToText();
            }
            if (content.TryGetValue(CitationEndpoints.CslJson, out var csl))
            {
                csl.Example = JsonSerializer.SerializeToNode(new[] { Przewodow.ToCsl() }, CitationJsonContext.Default.CslItemArray);
            }
        }
        if (operation.Responses?.GetValueOrDefault("406") is OpenApiResponse notAcceptable)
        {
            notAcceptable.Description = "Neither `format=` nor the Accept header names a format this operation can give.";
            if (notAcceptable.Content is { } problems && problems.TryGetValue("application/problem+json", out var problem))
            {
                problem.Example = new JsonObject
                {
                    ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.7",
                    ["title"] = "Format not available",
                    ["status"] = 406,
                    ["detail"] = "Unknown format 'bibtex'. Use one of: text, csl.",
                    ["instance"] = "/v1/events/2022-11-15-przewodow-missile/citation",
                    ["traceId"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
                };
            }
        }
        return Task.CompletedTask;
    }
}
