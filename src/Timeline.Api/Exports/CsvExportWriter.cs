using System.IO.Pipelines;
using System.Text;

namespace Timeline.Api.Exports;

/// <summary>
/// `csv`: RFC 4180 (CRLF line ends, a header row, fields quoted when they hold a comma, quote or line
/// break, quotes doubled), one row per event. Lists inside a cell are joined with " | ". A text cell
/// that a spreadsheet would read as a formula (starting with = + - @, tab or carriage return) gets a
/// leading apostrophe, as OWASP recommends against CSV injection.
/// </summary>
internal sealed class CsvExportWriter(PipeWriter pipe) : ExportWriter(pipe)
{
    /// <summary>The column set, documented in the README; tests read the file by these names.</summary>
    public static readonly string[] Columns =
    [
        "id", "title", "summary", "kind", "start_date", "end_date", "date_precision", "date_approximate", "date_note",
        "place", "country", "latitude", "longitude", "tags", "escalation_level", "escalation_name", "escalation_rationale",
        "status", "retraction_reason", "actors", "sources", "quotes", "claims", "wikidata_qid", "version", "updated_at", "url",
    ];

    private readonly Utf8Builder _line = new();
    private readonly Utf8Builder _cell = new();
    private ExportHeader? _header;

    public override void Start(ExportHeader header)
    {
        _header = header;
        Write(Encoding.UTF8.GetBytes(string.Join(',', Columns) + "\r\n"));
    }

    public override void Event(ExportRow row)
    {
        var e = Read(row);
        _line.Clear();
        Text(e.Id); Text(e.Title); Text(e.Summary); Text(e.Kind);
        Raw(e.Start); Raw(e.End); Raw(e.Precision); Raw(e.Approximate ? "true" : "false");
        Text(e.DateNote);
        Text(e.Place); Text(e.Country);
        Raw(e.Lat); Raw(e.Lon);
        Text(Joined(e.Tags, static (t, tag) => t.Append(tag.Span)));
        Raw(e.Level); Text(e.LevelName); Text(e.Rationale);
        Raw(e.Status); Text(e.Retraction?.Reason);
        Text(Joined(e.Actors, static (t, a) => t.Append(a.Name.Span).Append(" ("u8).Append(a.Role.Span).Append(")"u8)));
        Text(Joined(e.Sources, AppendSource));
        Text(Joined(e.Quotes, static (t, q) => t.Append(q.Speaker.Span).Append(": “"u8).Append(q.Text.Span).Append("”"u8)));
        Text(Joined(e.Claims, static (t, c) => c.AppendLabel(t)));
        Text(e.WikidataQid);
        Raw(e.Version);
        _line.Append(e.UpdatedAt.UtcDateTime, "yyyy-MM-dd'T'HH:mm:ss'Z'").Append(","u8);
        Text(_header!.AppendEventUrl(_cell.Clear(), e.Id.Span).Written);
        _line.TrimEnd(1); // the last separator becomes the line end
        _line.Append("\r\n"u8);
        Write(_line.Written);
    }

    public override void End(int count) { }

    /// <summary>The items of a list cell, each written by <paramref name="append"/>, joined with " | ".</summary>
    private ReadOnlySpan<byte> Joined<T>(List<T> items, Action<Utf8Builder, T> append)
    {
        _cell.Clear();
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0) _cell.Append(" | "u8);
            append(_cell, items[i]);
        }
        return _cell.Written;
    }

    private static void AppendSource(Utf8Builder t, ExportEvent.Source s)
    {
        s.AppendLabel(t);
        if (s.Url is { } url) t.Append(" <"u8).Append(url.Span).Append(">"u8);
    }

    /// <summary>A cell of ours that cannot start a formula or need quoting (codes, numbers, dates; empty when null).</summary>
    private void Raw(string value) => _line.Append(value).Append(","u8);

    private void Raw(DateOnly? day)
    {
        if (day is { } d) _line.Append(d, "yyyy-MM-dd");
        _line.Append(","u8);
    }

    private void Raw(double? number)
    {
        if (number is { } n) _line.Append(n, "R");
        _line.Append(","u8);
    }

    private void Raw(int number) => _line.Append(number).Append(","u8);

    private void Text(ReadOnlyMemory<byte>? value) => Text(value is { } v ? v.Span : default);

    /// <summary>A cell of free text: neutralised against formulas and quoted when RFC 4180 needs it.</summary>
    private void Text(ReadOnlySpan<byte> value)
    {
        var neutralise = NeedsNeutralising(value);
        if (!neutralise && value.IndexOfAny(",\"\r\n"u8) < 0)
        {
            _line.Append(value).Append(","u8);
            return;
        }
        _line.Append(neutralise ? "\"'"u8 : "\""u8);
        for (var quote = value.IndexOf((byte)'"'); quote >= 0; quote = value.IndexOf((byte)'"'))
        {
            _line.Append(value[..(quote + 1)]).Append("\""u8); // a quote is doubled
            value = value[(quote + 1)..];
        }
        _line.Append(value).Append("\","u8);
    }

    /// <summary>Starts with = + - @, tab or carriage return (all ASCII, so the first byte says it).</summary>
    internal static bool NeedsNeutralising(ReadOnlySpan<byte> value) => value.Length > 0 && value[0] is (byte)'=' or (byte)'+' or (byte)'-' or (byte)'@' or (byte)'\t' or (byte)'\r';
}
