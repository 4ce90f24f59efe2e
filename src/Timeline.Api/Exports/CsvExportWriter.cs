using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Timeline.Api.Events;

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

    private readonly StringBuilder _line = new(2048);
    private readonly Encoder _utf8 = new UTF8Encoding(false).GetEncoder();
    private long _written;
    private ExportHeader? _header;

    protected override long Committed => _written;

    public override void Start(ExportHeader header)
    {
        _header = header;
        _line.Clear();
        for (var i = 0; i < Columns.Length; i++)
        {
            if (i > 0) _line.Append(',');
            _line.Append(Columns[i]);
        }
        _line.Append("\r\n");
        Flush();
    }

    public override void Event(ExportRow row)
    {
        var e = Parse(row);
        _line.Clear();
        Text(e.Id); Text(e.Title); Text(e.Summary); Text(e.Kind);
        Raw(Date(e.Date.Start)); Raw(e.Date.End is { } end ? Date(end) : ""); Raw(e.Date.Precision); Raw(e.Date.Approximate ? "true" : "false");
        Text(e.Date.Note);
        Text(e.Location?.Place); Text(e.Location?.Country);
        Raw(Number(e.Location?.Lat)); Raw(Number(e.Location?.Lon));
        Text(string.Join(" | ", e.Tags));
        Raw(e.Escalation.Level.ToString(CultureInfo.InvariantCulture)); Text(e.Escalation.Name); Text(e.Escalation.Rationale);
        Raw(e.Status); Text(e.Retraction?.Reason);
        Text(string.Join(" | ", e.Actors.Select(a => $"{a.Name} ({a.Role})")));
        Text(string.Join(" | ", e.Sources.Select(SourceLabel)));
        Text(string.Join(" | ", e.Quotes.Select(q => $"{q.Speaker.Name}: “{q.Text}”")));
        Text(string.Join(" | ", e.Claims.Select(c => $"{c.Statement} [{c.Status}{(c.Claimants.Length > 0 ? "; " + string.Join(", ", c.Claimants.Select(a => a.Name)) : "")}]")));
        Text(e.WikidataQid);
        Raw(e.Version.ToString(CultureInfo.InvariantCulture));
        Raw(e.UpdatedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        Text(_header!.EventUrl(e.Id));
        _line[^1] = '\r'; // the last separator becomes the line end
        _line.Append('\n');
        Flush();
    }

    public override void End(int count) { }

    private static string SourceLabel(EventSource s)
    {
        var label = s.Outlet is null ? s.Title : $"{s.Outlet}: {s.Title}";
        if (s.PublishedOn is { } on) label += $" ({Date(on)})";
        if (s.Url is not null) label += $" <{s.Url}>";
        return label;
    }

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Number(double? n) => n?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    /// <summary>A cell of ours that cannot start a formula or need quoting (numbers, dates, codes).</summary>
    private void Raw(string value) => _line.Append(value).Append(',');

    /// <summary>A cell of free text: neutralised against formulas and quoted when RFC 4180 needs it.</summary>
    private void Text(string? value)
    {
        value ??= "";
        var neutralise = NeedsNeutralising(value);
        if (!neutralise && value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            _line.Append(value).Append(',');
            return;
        }
        _line.Append('"');
        if (neutralise) _line.Append('\'');
        foreach (var c in value)
        {
            if (c == '"') _line.Append('"');
            _line.Append(c);
        }
        _line.Append("\",");
    }

    internal static bool NeedsNeutralising(string value) => value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

    private void Flush()
    {
        // A stateful encoder: a surrogate pair (an emoji) split across two chunks stays one character.
        foreach (var chunk in _line.GetChunks())
        {
            var span = Pipe.GetSpan(Encoding.UTF8.GetMaxByteCount(chunk.Length));
            var n = _utf8.GetBytes(chunk.Span, span, flush: false);
            Pipe.Advance(n);
            _written += n;
        }
    }
}
