using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Timeline.Api.Events;
using Timeline.Api.Tests.Infrastructure;
using Timeline.Api.Exports;

namespace Timeline.Api.Tests.Exports;

/// <summary>One exported event as the tests compare them across formats.</summary>
public sealed record ExportedEvent(string Id, string Title);

/// <summary>Reads every export format with a real parser (or, for iCalendar, by the RFC's rules) into ids and titles.</summary>
internal static class ExportReaders
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static List<ExportedEvent> Read(string format, byte[] body) => format switch
    {
        "json" => [.. Json(body).Events.Select(e => new ExportedEvent(e.Id, e.Title))],
        "ndjson" => [.. Ndjson(body).Select(e => new ExportedEvent(e.Id, e.Title))],
        "csv" => [.. Csv(body).Select(r => new ExportedEvent(r["id"], r["title"]))],
        "timelinejs" => [.. TimelineJs(body).Events.Select(e => new ExportedEvent(e.UniqueId, TimelineJsTitle(e)))],
        "ics" => [.. Ics(body).Select(v => new ExportedEvent(v["UID"][..v["UID"].IndexOf('@', StringComparison.Ordinal)], v["SUMMARY"]))],
        "geojson" => [.. GeoJson(body).Features.Select(f => new ExportedEvent(f.Id, f.Properties.Title))],
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static TimelineDocument Json(byte[] body) => JsonSerializer.Deserialize<TimelineDocument>(body, TimelineApp.Strict)!;

    public static List<EventDetail> Ndjson(byte[] body)
    {
        var text = StrictUtf8.GetString(body);
        Assert.True(text.Length == 0 || text.EndsWith('\n'), "every NDJSON line ends with a newline");
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonSerializer.Deserialize<EventDetail>(line, TimelineApp.Strict)!)];
    }

    /// <summary>A slide's full title: the headline, or the bold first paragraph when the headline had to be shortened.</summary>
    public static string TimelineJsTitle(TimelineJsEvent e) =>
        e.Text.Headline.EndsWith('…') && e.Text.Text.StartsWith("<p><strong>", StringComparison.Ordinal)
            ? e.Text.Text["<p><strong>".Length..e.Text.Text.IndexOf("</strong>", StringComparison.Ordinal)]
            : e.Text.Headline;

    public static TimelineJsDocument TimelineJs(byte[] body) => JsonSerializer.Deserialize<TimelineJsDocument>(body, TimelineApp.Strict)!;

    public static GeoJsonFeatureCollection GeoJson(byte[] body) => JsonSerializer.Deserialize<GeoJsonFeatureCollection>(body, TimelineApp.Strict)!;

    /// <summary>Rows as column → value, read by CsvHelper with RFC 4180 settings.</summary>
    public static List<Dictionary<string, string>> Csv(byte[] body)
    {
        var options = CsvReaderOptions.Default with
        {
            Mode = CsvMode.Rfc4180,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Throw,
        };
        _ = StrictUtf8.GetString(body);
        using var csv = CsvReader.Create(body, options);
        var header = csv.Headers.ToArray();
        Assert.Equal(CsvExportWriter.Columns, header);
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read())
        {
            rows.Add(header.ToDictionary(h => h, h => csv.GetString(h)));
        }
        return rows;
    }

    /// <summary>The physical lines of an iCalendar body: every one must end in CRLF and be valid UTF-8 on its own.</summary>
    public static List<byte[]> IcsPhysicalLines(byte[] body)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == (byte)'\n')
            {
                Assert.True(i > 0 && body[i - 1] == (byte)'\r', $"bare LF at byte {i}: iCalendar lines end in CRLF");
                lines.Add(body[start..(i - 1)]);
                start = i + 1;
            }
        }
        Assert.Equal(body.Length, start); // the last line ends in CRLF too
        return lines;
    }

    /// <summary>
    /// The VEVENTs as property name → unescaped value, after RFC 5545 §3.1 unfolding (a CRLF followed by
    /// one space or tab is removed) and §3.3.11 TEXT unescaping.
    /// </summary>
    public static List<Dictionary<string, string>> Ics(byte[] body)
    {
        var physical = IcsPhysicalLines(body);
        foreach (var line in physical)
        {
            _ = StrictUtf8.GetString(line); // throws if a fold split a UTF-8 sequence
        }
        var text = StrictUtf8.GetString(body).Replace("\r\n ", "", StringComparison.Ordinal).Replace("\r\n\t", "", StringComparison.Ordinal);
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("BEGIN:VCALENDAR", lines[0]);
        Assert.Equal("END:VCALENDAR", lines[^1]);
        Assert.Contains("VERSION:2.0", lines);

        var events = new List<Dictionary<string, string>>();
        Dictionary<string, string>? current = null;
        foreach (var line in lines)
        {
            if (line == "BEGIN:VEVENT") { current = []; continue; }
            if (line == "END:VEVENT") { events.Add(current!); current = null; continue; }
            if (current is null) continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = line[..colon];
            current[name] = name is "SUMMARY" or "DESCRIPTION" or "LOCATION" ? Unescape(line[(colon + 1)..]) : line[(colon + 1)..];
        }
        return events;
    }

    public static string Unescape(string value)
    {
        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                var next = value[++i];
                sb.Append(next is 'n' or 'N' ? '\n' : next);
            }
            else
            {
                Assert.False(value[i] is ';' or ',', $"unescaped '{value[i]}' in a TEXT value: {value}");
                sb.Append(value[i]);
            }
        }
        return sb.ToString();
    }
}
