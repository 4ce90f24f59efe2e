using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Timeline.Api.Events;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Exports;

/// <summary>
/// The export's responses in the OpenAPI document: one schema per media type, in the shape each format
/// really has (the JSON document or the TimelineJS document, NDJSON lines, CSV and iCalendar text, a GeoJSON
/// FeatureCollection), and an example of each. The event shown is Przewodów as in the curated set.
/// </summary>
internal static class TimelineOpenApi
{
    private static readonly DateTimeOffset Generated = new(2025, 9, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task AddExamples(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.Name == "format") parameter.Example = "csv";
            if (parameter.Name == "groups") parameter.Example = "level";
        }
        if (operation.Responses?.GetValueOrDefault("200") is not OpenApiResponse { Content: { } content })
        {
            return;
        }
        var timelineJs = await Component<TimelineJsDocument>(context, ct);
        foreach (var (mediaType, media) in content)
        {
            switch (mediaType)
            {
                case "application/json":
                    media.Schema = new OpenApiSchema
                    {
                        Description = "`format=json` (and no format): the timeline document; `format=timelinejs`: the TimelineJS document.",
                        OneOf = [new OpenApiSchemaReference(nameof(TimelineDocument), context.Document), timelineJs],
                    };
                    media.Example = null;
                    media.Examples = new Dictionary<string, IOpenApiExample>
                    {
                        ["json"] = new OpenApiExample { Summary = "format=json (the default)", Value = JsonNode.Parse(Written(ExportFormat.Json)) },
                        ["timelinejs"] = new OpenApiExample { Summary = "format=timelinejs", Value = JsonNode.Parse(Written(ExportFormat.TimelineJs)) },
                    };
                    break;
                case "application/x-ndjson":
                    media.Schema = Text("One event per line, each exactly as GET /v1/events/{id} gives it (EventDetail), each line ending in LF.", @"^(\{.*\}\n)*$");
                    media.Example = Written(ExportFormat.Ndjson);
                    break;
                case "text/csv":
                    media.Schema = Text("RFC 4180 with CRLF line ends: the header row below, then one row per event (columns described in the README).",
                        "^" + string.Join(',', CsvExportWriter.Columns) + "\r\n");
                    media.Example = Written(ExportFormat.Csv);
                    break;
                case "text/calendar":
                    media.Schema = Text("An RFC 5545 calendar: one all-day VEVENT per event, lines folded at 75 octets, CRLF line ends.",
                        @"^BEGIN:VCALENDAR\r\n[\s\S]*END:VCALENDAR\r\n$");
                    media.Example = Written(ExportFormat.Ics);
                    break;
                case "application/geo+json":
                    media.Schema = GeoJson(context.Document!);
                    media.Example = JsonNode.Parse(Written(ExportFormat.GeoJson));
                    break;
            }
        }
    }

    private static async Task<OpenApiSchemaReference> Component<T>(OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, ct);
        context.Document!.AddComponent(typeof(T).Name, schema);
        return new OpenApiSchemaReference(typeof(T).Name, context.Document);
    }

    /// <summary>RFC 7946 as GeoJsonWriter writes it: points only, each feature's properties the full event.</summary>
    private static OpenApiSchema GeoJson(OpenApiDocument document)
    {
        static OpenApiSchema Name(string name) => new() { Type = JsonSchemaType.String, Enum = [name] };
        var point = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "type", "coordinates" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = Name("Point"),
                ["coordinates"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array, MinItems = 2, MaxItems = 2,
                    Items = new OpenApiSchema { Type = JsonSchemaType.Number },
                    Description = "[longitude, latitude] (WGS 84), in the order RFC 7946 gives them.",
                },
            },
            AdditionalPropertiesAllowed = false,
        };
        var feature = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "type", "id", "geometry", "properties" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = Name("Feature"),
                ["id"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The event's id." },
                ["geometry"] = point,
                ["properties"] = new OpenApiSchemaReference(nameof(EventDetail), document),
            },
            AdditionalPropertiesAllowed = false,
        };
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "An RFC 7946 FeatureCollection of the events with coordinates; each feature's properties are the event as GET /v1/events/{id} gives it.",
            Required = new HashSet<string> { "type", "features" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = Name("FeatureCollection"),
                ["features"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = feature },
            },
            AdditionalPropertiesAllowed = false,
        };
    }

    private static OpenApiSchema Text(string description, string pattern) =>
        new() { Type = JsonSchemaType.String, Description = description, Pattern = pattern };

    /// <summary>An export of Przewodów alone, written by the export's own writer: the example is what the API sends.</summary>
    private static string Written(ExportFormat format)
    {
        var pipe = new System.IO.Pipelines.Pipe();
        var writer = ExportWriter.For(format, pipe.Writer);
        var e = OpenApiExamples.PrzewodowDetail;
        writer.Start(new ExportHeader(TimelineExport.Title, Generated,
            new TimelineFilters(new DateOnly(2022, 11, 1), new DateOnly(2022, 11, 30), null, null, ["PL"], null, null, null, null, null, false),
            42, "http://127.0.0.1:5080"));
        writer.Event(new ExportRow(JsonSerializer.SerializeToUtf8Bytes(e, Web), e.Id, e.Location?.Lon, e.Location?.Lat));
        writer.End(1);
        pipe.Writer.Complete();
        pipe.Reader.TryRead(out var result);
        return Encoding.UTF8.GetString(result.Buffer);
    }
}
