using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Timeline.Api.Events;

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
    public const string UidSuffix = "@timeline.invalid";
    public const int MaxLineOctets = 75;

    private readonly StringBuilder _value = new(1024);
    private byte[] _bytes = new byte[4096];
    private long _written;
    private ExportHeader? _header;

    protected override long Committed => _written;

    public override void Start(ExportHeader header)
    {
        _header = header;
        Line("BEGIN:VCALENDAR");
        Line("VERSION:2.0");
        Line("PRODID:-//Timeline API//Escalation timeline export//EN");
        Line("CALSCALE:GREGORIAN");
        Line("X-WR-CALNAME:" + Escape(header.Title));
        Line("X-WR-CALDESC:" + Escape($"Exported {header.GeneratedAt:yyyy-MM-dd HH:mm} UTC from the Timeline API (data version {header.DataVersion})."));
    }

    public override void Event(ExportRow row)
    {
        var e = Parse(row);
        Line("BEGIN:VEVENT");
        Line("UID:" + Escape(e.Id + UidSuffix));
        Line("DTSTAMP:" + Stamp(e.UpdatedAt));
        Line("CREATED:" + Stamp(e.CreatedAt));
        Line("LAST-MODIFIED:" + Stamp(e.UpdatedAt));
        Line("SEQUENCE:" + (e.Version - 1).ToString(CultureInfo.InvariantCulture));
        var (first, last) = Days(e.Date);
        Line("DTSTART;VALUE=DATE:" + first.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        Line("DTEND;VALUE=DATE:" + last.AddDays(1).ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        Line("SUMMARY:" + Escape(e.Status == "retracted" ? "[Retracted] " + e.Title : e.Title));
        Line("DESCRIPTION:" + Escape(Description(e)));
        if (e.Location is { } loc)
        {
            var place = string.Join(", ", new[] { loc.Place, loc.Country }.Where(p => p is not null));
            if (place.Length > 0) Line("LOCATION:" + Escape(place));
            if (loc.Lat is { } lat && loc.Lon is { } lon)
            {
                Line("GEO:" + lat.ToString("R", CultureInfo.InvariantCulture) + ";" + lon.ToString("R", CultureInfo.InvariantCulture));
            }
        }
        Line("CATEGORIES:" + string.Join(",", e.Tags.Prepend(e.Kind).Select(Escape)));
        Line("URL:" + _header!.EventUrl(e.Id));
        if (e.Status == "retracted") Line("STATUS:CANCELLED");
        Line("END:VEVENT");
    }

    public override void End(int count) => Line("END:VCALENDAR");

    /// <summary>First and last day the all-day event covers, at the precision the date is known.</summary>
    internal static (DateOnly First, DateOnly Last) Days(EventDate d)
    {
        var last = d.End ?? d.Start;
        return d.Precision switch
        {
            "year" => (d.Start, new DateOnly(last.Year, 12, 31)),
            "month" => (d.Start, new DateOnly(last.Year, last.Month, 1).AddMonths(1).AddDays(-1)),
            _ => (d.Start, last),
        };
    }

    private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    private string Description(EventDetail e)
    {
        var t = _value.Clear();
        if (e.Retraction is { } r) t.Append("RETRACTED: ").Append(r.Reason).Append("\n\n");
        t.Append(e.Summary).Append("\n\n");
        t.Append("Escalation level ").Append(e.Escalation.Level).Append(" (").Append(e.Escalation.Name).Append("): ").Append(e.Escalation.Rationale);
        if (e.Date.Precision != "day" || e.Date.Approximate)
        {
            t.Append("\n\nDate known to the ").Append(e.Date.Precision).Append(e.Date.Approximate ? ", approximately" : "").Append('.');
        }
        if (e.Date.Note is not null) t.Append(' ').Append(e.Date.Note);
        foreach (var q in e.Quotes)
        {
            t.Append("\n\n“").Append(q.Text).Append("” — ").Append(q.Speaker.Name);
        }
        if (e.Claims.Length > 0)
        {
            t.Append("\n\nClaims:");
            foreach (var c in e.Claims)
            {
                t.Append("\n- ").Append(c.Statement).Append(" [").Append(c.Status);
                if (c.Claimants.Length > 0) t.Append("; ").Append(string.Join(", ", c.Claimants.Select(a => a.Name)));
                t.Append(']');
            }
        }
        if (e.Sources.Length > 0)
        {
            t.Append("\n\nSources:");
            foreach (var s in e.Sources)
            {
                t.Append("\n- ").Append(s.Outlet is null ? s.Title : $"{s.Outlet}: {s.Title}");
                if (s.PublishedOn is { } on) t.Append(" (").Append(on.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(')');
                if (s.Url is not null) t.Append(' ').Append(s.Url);
            }
        }
        return t.ToString();
    }

    /// <summary>RFC 5545 §3.3.11 TEXT escaping: backslash, semicolon, comma and line breaks.</summary>
    internal static string Escape(string text)
    {
        if (text.AsSpan().IndexOfAny("\\;,\r\n") < 0) return text;
        var sb = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case ';': sb.Append("\\;"); break;
                case ',': sb.Append("\\,"); break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n': break; // CRLF is one line break
                case '\r' or '\n': sb.Append("\\n"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Writes one content line, folded at 75 octets on UTF-8 character boundaries, ending in CRLF.</summary>
    private void Line(string line)
    {
        var max = Encoding.UTF8.GetMaxByteCount(line.Length);
        if (_bytes.Length < max) _bytes = new byte[Math.Max(max, _bytes.Length * 2)];
        var length = Encoding.UTF8.GetBytes(line, _bytes);
        var bytes = _bytes.AsSpan(0, length);

        var start = 0;
        var room = MaxLineOctets;
        while (true)
        {
            var take = Math.Min(room, length - start);
            // Never cut between the bytes of one character: back off while the next byte continues one.
            while (start + take < length && (bytes[start + take] & 0xC0) == 0x80) take--;
            Emit(bytes.Slice(start, take));
            start += take;
            Emit("\r\n"u8);
            if (start >= length) break;
            Emit(" "u8); // a folded line continues after CRLF and one space
            room = MaxLineOctets - 1;
        }
    }

    private void Emit(ReadOnlySpan<byte> bytes)
    {
        Pipe.Write(bytes);
        _written += bytes.Length;
    }
}
