using System.IO.Pipelines;
using System.Text;

namespace Timeline.Api.Exports;

/// <summary>
/// `ics`: an RFC 5545 calendar with one all-day VEVENT per event. Day precision covers the event's days;
/// month or year precision covers the whole month or year, and the description says the date is known
/// only that far. UIDs are the event id at a fixed suffix, so a subscribed calendar updates rather than
/// duplicates; DTSTAMP is the event's last change (no METHOD, so RFC 5545 §3.8.7.2 makes it that).
/// TEXT values escape \ ; , and line breaks; content lines are folded at 75 octets, never inside a
/// UTF-8 sequence, and end with CRLF.
/// </summary>
internal sealed class IcsExportWriter(PipeWriter pipe) : ExportWriter(pipe)
{
    /// <summary>The UID suffix: domain-like, in the reserved .invalid TLD so it can never be someone else's.</summary>
    public static ReadOnlySpan<byte> UidSuffix => "@timeline.invalid"u8;
    public const int MaxLineOctets = 75;

    private readonly Utf8Builder _line = new();
    private readonly Utf8Builder _description = new();
    private readonly Utf8Builder _folded = new();
    private ExportHeader? _header;

    public override void Start(ExportHeader header)
    {
        _header = header;
        Line("BEGIN:VCALENDAR");
        Line("VERSION:2.0");
        Line("PRODID:-//Timeline API//Escalation timeline export//EN");
        Line("CALSCALE:GREGORIAN");
        TextLine("X-WR-CALNAME:", Encoding.UTF8.GetBytes(header.Title));
        TextLine("X-WR-CALDESC:", Encoding.UTF8.GetBytes($"Exported {header.GeneratedAt:yyyy-MM-dd HH:mm} UTC from the Timeline API (data version {header.DataVersion})."));
        WriteFolded();
    }

    public override void Event(ExportRow row)
    {
        var e = Read(row);
        var retracted = e.Status == "retracted";
        Line("BEGIN:VEVENT");
        TextLine("UID:", e.Id.Span, UidSuffix);
        Line("DTSTAMP:", e.UpdatedAt);
        Line("CREATED:", e.CreatedAt);
        Line("LAST-MODIFIED:", e.UpdatedAt);
        Line(_line.Clear().Append("SEQUENCE:"u8).Append(e.Version - 1));
        var (first, last) = Days(e.Start, e.End, e.Precision);
        Line(_line.Clear().Append("DTSTART;VALUE=DATE:"u8).Append(first, "yyyyMMdd"));
        Line(_line.Clear().Append("DTEND;VALUE=DATE:"u8).Append(last.AddDays(1), "yyyyMMdd"));
        TextLine("SUMMARY:", retracted ? "[Retracted] "u8 : default, e.Title.Span);
        TextLine("DESCRIPTION:", Description(e));
        // Place and country, whichever are known, joined with ", ".
        var separator = e.Place is not null && e.Country is not null ? ", "u8 : default;
        var place = e.Place.GetValueOrDefault().Span;
        var country = e.Country.GetValueOrDefault().Span;
        if (place.Length + separator.Length + country.Length > 0) TextLine("LOCATION:", place, separator, country);
        if (e.Lat is { } lat && e.Lon is { } lon)
        {
            Line(_line.Clear().Append("GEO:"u8).Append(lat, "R").Append(";"u8).Append(lon, "R"));
        }
        _line.Clear().Append("CATEGORIES:"u8);
        AppendText(_line, e.Kind.Span);
        foreach (var tag in e.Tags)
        {
            AppendText(_line.Append(","u8), tag.Span);
        }
        Line(_line);
        Line(_header!.AppendEventUrl(_line.Clear().Append("URL:"u8), e.Id.Span));
        if (retracted) Line("STATUS:CANCELLED");
        Line("END:VEVENT");
        WriteFolded();
    }

    public override void End(int count)
    {
        Line("END:VCALENDAR");
        WriteFolded();
    }

    /// <summary>First and last day the all-day event covers, at the precision the date is known.</summary>
    private static (DateOnly First, DateOnly Last) Days(DateOnly start, DateOnly? end, string precision)
    {
        var last = end ?? start;
        return precision switch
        {
            "year" => (start, new DateOnly(last.Year, 12, 31)),
            "month" => (start, new DateOnly(last.Year, last.Month, 1).AddMonths(1).AddDays(-1)),
            _ => (start, last),
        };
    }

    /// <summary>The description, unescaped: it is escaped as a whole, so a CRLF is one line break even where two parts meet.</summary>
    private ReadOnlySpan<byte> Description(ExportEvent e)
    {
        var t = _description.Clear();
        if (e.Retraction is { } r) t.Append("RETRACTED: "u8).Append(r.Reason.Span).Append("\n\n"u8);
        t.Append(e.Summary.Span).Append("\n\n"u8);
        t.Append("Escalation level "u8).Append(e.Level).Append(" ("u8).Append(e.LevelName.Span).Append("): "u8).Append(e.Rationale.Span);
        if (e.Precision != "day" || e.Approximate)
        {
            t.Append("\n\nDate known to the "u8).Append(e.Precision).Append(e.Approximate ? ", approximately."u8 : "."u8);
        }
        if (e.DateNote is { } note) t.Append(" "u8).Append(note.Span);
        foreach (var q in e.Quotes)
        {
            t.Append("\n\n“"u8).Append(q.Text.Span).Append("” — "u8).Append(q.Speaker.Span);
        }
        if (e.Claims.Count > 0)
        {
            t.Append("\n\nClaims:"u8);
            foreach (var c in e.Claims)
            {
                c.AppendLabel(t.Append("\n- "u8));
            }
        }
        if (e.Sources.Count > 0)
        {
            t.Append("\n\nSources:"u8);
            foreach (var s in e.Sources)
            {
                s.AppendLabel(t.Append("\n- "u8));
                if (s.Url is { } url) t.Append(" "u8).Append(url.Span);
            }
        }
        return t.Written;
    }

    private void Line(string line) => Line(_line.Clear().Append(line));

    /// <summary>A content line whose value is a DATE-TIME, in UTC.</summary>
    private void Line(string name, DateTimeOffset instant) =>
        Line(_line.Clear().Append(name).Append(instant.UtcDateTime, "yyyyMMdd'T'HHmmss'Z'"));

    /// <summary>A content line whose value is TEXT, the parts escaped in turn (the fixed parts never meet a CR or LF, so no CRLF is split).</summary>
    private void TextLine(string name, ReadOnlySpan<byte> part, ReadOnlySpan<byte> more = default, ReadOnlySpan<byte> last = default)
    {
        _line.Clear().Append(name);
        AppendText(_line, part);
        AppendText(_line, more);
        AppendText(_line, last);
        Line(_line);
    }

    /// <summary>RFC 5545 §3.3.11 TEXT escaping: backslash, semicolon, comma and line breaks.</summary>
    private static void AppendText(Utf8Builder to, ReadOnlySpan<byte> text)
    {
        for (var i = text.IndexOfAny("\\;,\r\n"u8); i >= 0; i = text.IndexOfAny("\\;,\r\n"u8))
        {
            to.Append(text[..i]);
            switch (text[i])
            {
                case (byte)'\\': to.Append("\\\\"u8); break;
                case (byte)';': to.Append("\\;"u8); break;
                case (byte)',': to.Append("\\,"u8); break;
                case (byte)'\r' when i + 1 < text.Length && text[i + 1] == '\n': break; // CRLF is one line break
                default: to.Append("\\n"u8); break;
            }
            text = text[(i + 1)..];
        }
        to.Append(text);
    }

    /// <summary>Adds a content line to the event's output: folded at 75 octets on UTF-8 character boundaries, ending in CRLF.</summary>
    private void Line(Utf8Builder line)
    {
        var bytes = line.Written;
        var room = MaxLineOctets;
        while (true)
        {
            var take = Math.Min(room, bytes.Length);
            // Never cut between the bytes of one character: back off while the next byte continues one.
            while (take < bytes.Length && (bytes[take] & 0xC0) == 0x80) take--;
            _folded.Append(bytes[..take]).Append("\r\n"u8);
            bytes = bytes[take..];
            if (bytes.IsEmpty) break;
            _folded.Append(" "u8); // a folded line continues after CRLF and one space
            room = MaxLineOctets - 1;
        }
    }

    private void WriteFolded()
    {
        Write(_folded.Written);
        _folded.Clear();
    }
}
