using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Timeline.Api.Exports;

/// <summary>One row of the export query: the event's stored document (UTF-8), and what some formats need beside it.</summary>
internal readonly record struct ExportRow(byte[] Json, string Id, double? Lon, double? Lat);

/// <summary>What an export says about itself before its events.</summary>
internal sealed record ExportHeader(string Title, DateTimeOffset GeneratedAt, TimelineFilters Filters, long DataVersion, string BaseUrl)
{
    private static readonly SearchValues<byte> Unreserved = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"u8);

    /// <summary>Appends {BaseUrl}{path}{id}, the id (UTF-8) percent-encoded as Uri.EscapeDataString does.</summary>
    public Utf8Builder AppendUrl(Utf8Builder to, string path, ReadOnlySpan<byte> id)
    {
        to.Append(BaseUrl).Append(path);
        // Ids are slugs: only a rare one needs encoding, and only it is turned into a string for that.
        return id.ContainsAnyExcept(Unreserved) ? to.Append(Uri.EscapeDataString(Encoding.UTF8.GetString(id))) : to.Append(id);
    }

    /// <summary>The event's URL in the API.</summary>
    public Utf8Builder AppendEventUrl(Utf8Builder to, ReadOnlySpan<byte> id) => AppendUrl(to, "/v1/events/", id);
}

/// <summary>
/// Writes one format straight into the response's PipeWriter. Writers are synchronous and only fill the
/// pipe; the export loop flushes it (and so hands bytes to the socket) whenever <see cref="Unflushed"/>
/// grows past a threshold. Counting our own bytes matters: Utf8JsonWriter commits small chunks to the
/// pipe on its own, so its BytesPending stays small while the pipe keeps growing (see
/// /work/shared/notes/performance.md).
/// </summary>
internal abstract class ExportWriter(PipeWriter pipe)
{
    private readonly ExportEvent _event = new();
    private long _written;
    private long _flushedAt;

    protected PipeWriter Pipe { get; } = pipe;

    /// <summary>Bytes handed to the pipe since the start (by <see cref="Write"/>, unless a writer counts its own).</summary>
    protected virtual long Committed => _written;

    public long Unflushed => Committed - _flushedAt;

    public void MarkFlushed() => _flushedAt = Committed;

    public abstract void Start(ExportHeader header);

    public abstract void Event(ExportRow row);

    public abstract void End(int count);

    public static ExportWriter For(ExportFormat format, PipeWriter pipe, TimelineJsGroups groups = TimelineJsGroups.None) => format.Name switch
    {
        "json" => new JsonDocumentWriter(pipe),
        "ndjson" => new NdjsonWriter(pipe),
        "csv" => new CsvExportWriter(pipe),
        "timelinejs" => new TimelineJsWriter(pipe, groups),
        "ics" => new IcsExportWriter(pipe),
        "geojson" => new GeoJsonWriter(pipe),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format.Name, "No writer for this format."),
    };

    /// <summary>The event's fields from its stored document, for the formats that rearrange it (CSV, TimelineJS, iCalendar).</summary>
    protected ExportEvent Read(ExportRow row)
    {
        _event.Read(row.Json);
        return _event;
    }

    protected void Write(ReadOnlySpan<byte> bytes)
    {
        Pipe.Write(bytes);
        _written += bytes.Length;
    }
}

/// <summary>Base for the JSON formats: a Utf8JsonWriter on the pipe, flushed into it after every event.</summary>
internal abstract class JsonExportWriter(PipeWriter pipe) : ExportWriter(pipe)
{
    // Raw UTF-8 for Cyrillic, Arabic and the rest rather than \u escapes: smaller and readable; still valid JSON.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    protected Utf8JsonWriter Json { get; } = new(pipe, Options);

    protected override long Committed => Json.BytesCommitted;

    protected void Commit() => Json.Flush();
}

/// <summary>`json`: {title, generatedAt, filters, dataVersion, events: [...], count}.</summary>
internal sealed class JsonDocumentWriter(PipeWriter pipe) : JsonExportWriter(pipe)
{
    public override void Start(ExportHeader header)
    {
        Json.WriteStartObject();
        Json.WriteString("title", header.Title);
        Json.WriteString("generatedAt", header.GeneratedAt);
        Json.WritePropertyName("filters");
        JsonSerializer.Serialize(Json, header.Filters, TimelineJsonContext.Default.TimelineFilters);
        Json.WriteNumber("dataVersion", header.DataVersion);
        Json.WriteStartArray("events");
        Commit();
    }

    public override void Event(ExportRow row)
    {
        Json.WriteRawValue(row.Json, skipInputValidation: true);
        Commit();
    }

    public override void End(int count)
    {
        Json.WriteEndArray();
        Json.WriteNumber("count", count);
        Json.WriteEndObject();
        Commit();
    }
}

/// <summary>`ndjson`: one event document per line, nothing else.</summary>
internal sealed class NdjsonWriter(PipeWriter pipe) : ExportWriter(pipe)
{
    public override void Start(ExportHeader header) { }

    public override void Event(ExportRow row)
    {
        // A stored document is compact JSON: a line break can only appear escaped, inside a string.
        Write(row.Json);
        Write("\n"u8);
    }

    public override void End(int count) { }
}

/// <summary>`geojson`: an RFC 7946 FeatureCollection; the query only passes events with coordinates.</summary>
internal sealed class GeoJsonWriter(PipeWriter pipe) : JsonExportWriter(pipe)
{
    public override void Start(ExportHeader header)
    {
        Json.WriteStartObject();
        Json.WriteString("type", "FeatureCollection");
        Json.WriteStartArray("features");
        Commit();
    }

    public override void Event(ExportRow row)
    {
        if (row.Lon is not { } lon || row.Lat is not { } lat)
        {
            return;
        }
        Json.WriteStartObject();
        Json.WriteString("type", "Feature");
        Json.WriteString("id", row.Id);
        Json.WriteStartObject("geometry");
        Json.WriteString("type", "Point");
        Json.WriteStartArray("coordinates");
        Json.WriteNumberValue(lon); // RFC 7946: longitude first
        Json.WriteNumberValue(lat);
        Json.WriteEndArray();
        Json.WriteEndObject();
        Json.WritePropertyName("properties");
        Json.WriteRawValue(row.Json, skipInputValidation: true);
        Json.WriteEndObject();
        Commit();
    }

    public override void End(int count)
    {
        Json.WriteEndArray();
        Json.WriteEndObject();
        Commit();
    }
}
