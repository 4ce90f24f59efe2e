using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Timeline.Api.Exports;

/// <summary>
/// Swagger UI examples for the export: one per media type, short, in the shape each format really has.
/// The event shown is Przewodów as in the curated set; nothing about it is made up.
/// </summary>
internal static class TimelineOpenApi
{
    private const string Id = "2022-11-15-przewodow-missile";
    private const string Title = "Missile falls on Przewodów, Poland";

    public static Task AddExamples(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.Name == "format") parameter.Example = "csv";
            if (parameter.Name == "groups") parameter.Example = "level";
        }
        if (operation.Responses?.GetValueOrDefault("200") is OpenApiResponse { Content: { } content })
        {
            foreach (var (mediaType, media) in content)
            {
                media.Example = Example(mediaType);
            }
        }
        return Task.CompletedTask;
    }

    private static JsonNode? Example(string mediaType) => mediaType switch
    {
        "application/json" => new JsonObject
        {
            ["title"] = TimelineExport.Title,
            ["generatedAt"] = "2025-09-01T12:00:00+00:00",
            ["filters"] = new JsonObject { ["from"] = "2022-11-01", ["to"] = "2022-11-30", ["country"] = new JsonArray("PL"), ["includeRetracted"] = false },
            ["dataVersion"] = 42,
            ["events"] = new JsonArray(), // each item is the event exactly as GET /v1/events/{id} gives it
            ["count"] = 0,
        },
        "application/x-ndjson" => $"{{\"id\": \"{Id}\", \"title\": \"{Title}\", …}}\n",
        "text/csv" => string.Join(',', CsvExportWriter.Columns) + "\r\n",
        "text/calendar" => "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Timeline API//Escalation timeline export//EN\r\nBEGIN:VEVENT\r\n" +
                           $"UID:{Id}{IcsExportWriter.UidSuffix}\r\nDTSTART;VALUE=DATE:20221115\r\nDTEND;VALUE=DATE:20221116\r\n" +
                           "SUMMARY:Missile falls on Przewodów\\, Poland\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        "application/geo+json" => new JsonObject { ["type"] = "FeatureCollection", ["features"] = new JsonArray() },
        _ => null,
    };
}
