using System.Globalization;
using System.IO.Pipelines;
using System.Text;

namespace Timeline.Api.Exports;

/// <summary>
/// `timelinejs`: Knight Lab's TimelineJS JSON (https://timeline.knightlab.com/docs/json-format.html), shaped to
/// read well in TimelineJS's default embed (checked at 1200×720 by the browser tests): a title slide whose
/// headline fits in two lines, headlines short enough to show on the timeline's markers (the full title opens
/// the slide text when it had to be shortened), slide text that fits above the timeline strip (summary, level,
/// sources; quotes and claims are a link away, on the event's page), and no group rows unless asked for.
/// Dates carry only the parts we know; text is HTML, so everything of ours is escaped; media comes from
/// the first source whose URL is known, and no source means no media (URLs are never made up).
/// </summary>
internal sealed class TimelineJsWriter(PipeWriter pipe, TimelineJsGroups groups = TimelineJsGroups.None) : JsonExportWriter(pipe)
{
    /// <summary>The title slide's headline: two lines of TimelineJS's title type at 1200 px.</summary>
    public const string Headline = "Ukraine war and Russia–NATO escalation";

    /// <summary>
    /// A marker at TimelineJS's minimum width (100 px) shows two lines of about 18 characters: longer titles are
    /// cut at a word boundary for the headline.
    /// </summary>
    public const int MaxHeadlineLength = 36;

    private readonly Utf8Builder _headline = new();
    private readonly Utf8Builder _text = new();
    private readonly Utf8Builder _utf8 = new();
    private ExportHeader? _header;

    public override void Start(ExportHeader header)
    {
        _header = header;
        var f = header.Filters;
        var scope = new List<string>();
        if (f.From is not null || f.To is not null) scope.Add($"from {f.From?.ToString("d MMMM yyyy", CultureInfo.InvariantCulture) ?? "the start"} to {f.To?.ToString("d MMMM yyyy", CultureInfo.InvariantCulture) ?? "today"}");
        if (f.Kind is not null) scope.Add("kind " + string.Join(", ", f.Kind));
        if (f.Actor is not null) scope.Add("actor " + string.Join(", ", f.Actor));
        if (f.Country is not null) scope.Add("country " + string.Join(", ", f.Country));
        if (f.Tag is not null) scope.Add("tag " + string.Join(", ", f.Tag));
        if (f.MinLevel is not null || f.MaxLevel is not null) scope.Add($"escalation level {f.MinLevel ?? 0}–{f.MaxLevel ?? 7}");
        if (f.Q is not null) scope.Add($"matching “{f.Q}”");
        var t = _text.Clear().Append("<p>"u8);
        AppendHtml(t, header.Title);
        if (scope.Count > 0) AppendHtml(t.Append(": "u8), string.Join("; ", scope));
        t.Append(".</p>"u8)
         .Append("<p>Each slide gives what happened, its rung on the escalation ladder (0 de-escalation to 7 nuclear use) and its sources; "u8)
         .Append("quotes and claims with their status are a link away."u8)
         .Append(f.IncludeRetracted ? " Retracted events are included and marked."u8 : default)
         .Append("</p>"u8)
         .Append($"<p>Exported {header.GeneratedAt:yyyy-MM-dd HH:mm} UTC from the Timeline API (data version {header.DataVersion}).</p>");
        AppendHtml(_headline.Clear(), Headline);

        Json.WriteStartObject();
        Json.WriteStartObject("title"u8);
        WriteText(_headline.Written, _text.Written);
        Json.WriteEndObject();
        Json.WriteStartArray("events"u8);
        Commit();
    }

    /// <summary>A slide as <see cref="TimelineJsEvent"/> documents it; properties that would be null are left out.</summary>
    public override void Event(ExportRow row)
    {
        var e = Read(row);
        // The title as a string: its headline is cut by characters.
        var title = (e.Status == "retracted" ? "[Retracted] " : "") + Encoding.UTF8.GetString(e.Title.Span);
        var headline = ShortHeadline(title);
        Json.WriteStartObject();
        WriteDate("start_date"u8, e.Start, e.Precision);
        if (e.End is { } end) WriteDate("end_date"u8, end, e.Precision);
        if (e.Approximate) Json.WriteString("display_date"u8, AppendDisplayDate(_text.Clear().Append("About "u8), e.Start, e.Precision).Written);
        AppendHtml(_headline.Clear(), headline);
        WriteText(_headline.Written, SlideText(e, title, headline));
        if (groups == TimelineJsGroups.Level)
        {
            // "4 · Spill-over": TimelineJS prints group labels in capitals, so the level number keeps them in order and apart.
            Json.WriteString("group"u8, _text.Clear().Append(e.Level).Append(" · "u8).Append(e.LevelName.Span).Written);
        }
        Json.WriteString("unique_id"u8, e.Id.Span);
        // No media: TimelineJS shows a news article's URL by fetching it through third-party services
        // (and our sources are articles, not pictures). The slide text links each source instead.
        Json.WriteEndObject();
        Commit();
    }

    public override void End(int count)
    {
        Json.WriteEndArray();
        Json.WriteString("scale", "human");
        Json.WriteEndObject();
        Commit();
    }

    /// <summary>The title, or its first words up to <see cref="MaxHeadlineLength"/> characters and an ellipsis.</summary>
    internal static string ShortHeadline(string title)
    {
        if (title.Length <= MaxHeadlineLength) return title;
        var cut = title.LastIndexOf(' ', MaxHeadlineLength - 1);
        var head = (cut > MaxHeadlineLength / 2 ? title[..cut] : title[..(MaxHeadlineLength - 1)]).TrimEnd(',', ';', ':', '–', '-', ' ');
        return head + "…";
    }

    private void WriteText(ReadOnlySpan<byte> headline, ReadOnlySpan<byte> text)
    {
        Json.WriteStartObject("text"u8);
        Json.WriteString("headline"u8, headline);
        Json.WriteString("text"u8, text);
        Json.WriteEndObject();
    }

    /// <summary>A <see cref="TimelineJsDate"/>: month precision gives year and month only, year precision the year only.</summary>
    private void WriteDate(ReadOnlySpan<byte> name, DateOnly date, string precision)
    {
        Json.WriteStartObject(name);
        Json.WriteNumber("year"u8, date.Year);
        if (precision != "year") Json.WriteNumber("month"u8, date.Month);
        if (precision is not ("year" or "month")) Json.WriteNumber("day"u8, date.Day);
        Json.WriteEndObject();
    }

    private static Utf8Builder AppendDisplayDate(Utf8Builder to, DateOnly start, string precision) => precision switch
    {
        "year" => to.Append(start, "yyyy"),
        "month" => to.Append(start, "MMMM yyyy"),
        _ => to.Append(start, "d MMMM yyyy"),
    };

    private ReadOnlySpan<byte> SlideText(ExportEvent e, string title, string headline)
    {
        var t = _text.Clear();
        if (headline != title)
        {
            AppendHtml(t.Append("<p><strong>"u8), title);
            t.Append("</strong></p>"u8);
        }
        if (e.Retraction is { } r)
        {
            t.Append("<p><strong>Retracted</strong> on "u8).Append(r.RetractedAt, "yyyy-MM-dd").Append(": "u8);
            AppendHtml(t, r.Reason.Span);
            t.Append("</p>"u8);
        }
        AppendHtml(t.Append("<p>"u8), e.Summary.Span);
        AppendHtml(t.Append("</p><p><strong>Level "u8).Append(e.Level).Append(" · "u8), e.LevelName.Span);
        AppendHtml(t.Append(":</strong> "u8), e.Rationale.Span);
        t.Append("</p>"u8);
        if (e.DateNote is { } note)
        {
            AppendHtml(t.Append("<p><em>Date: "u8), note.Span);
            t.Append("</em></p>"u8);
        }
        if (e.Sources.Count > 0)
        {
            t.Append("<p><strong>Sources:</strong> "u8);
            for (var i = 0; i < e.Sources.Count; i++)
            {
                var s = e.Sources[i];
                if (i > 0) t.Append("; "u8);
                var label = (s.Outlet ?? s.Author ?? s.Title).Span;
                if (s.Url is { } url)
                {
                    AppendHtml(t.Append("<a href=\""u8), url.Span);
                    AppendHtml(t.Append("\">"u8), label);
                    t.Append("</a>"u8);
                }
                else AppendHtml(t, label);
                if (s.PublishedOn is { } on) t.Append(", "u8).Append(on, "d MMM yyyy");
            }
            t.Append("</p>"u8);
        }
        // Quotes and claims do not fit a slide above the timeline strip: the event's page has them in full.
        t.Append("<p><a href=\""u8);
        AppendHtml(t, _header!.AppendUrl(_utf8.Clear(), "/#/events/", e.Id.Span).Written);
        t.Append("\">"u8);
        var quotes = e.Quotes.Count;
        var claims = e.Claims.Count;
        if (quotes > 0) t.Append(quotes).Append(quotes == 1 ? " quote"u8 : " quotes"u8);
        if (quotes > 0 && claims > 0) t.Append(" and "u8);
        if (claims > 0)
        {
            t.Append(claims).Append(claims == 1 ? " claim"u8 : " claims"u8);
            var open = e.Claims.Count(c => c.Status != "confirmed");
            if (open > 0) t.Append(" ("u8).Append(open).Append(" not confirmed)"u8);
        }
        t.Append(quotes + claims > 0 ? ", full sources and citation"u8 : "Full sources and citation"u8).Append("</a></p>"u8);
        return t.Written;
    }

    private void AppendHtml(Utf8Builder to, string text) => AppendHtml(to, _utf8.Clear().Append(text).Written);

    /// <summary>Minimal HTML escaping for TimelineJS text (it renders HTML); leaves every other character as it is.</summary>
    private static void AppendHtml(Utf8Builder to, ReadOnlySpan<byte> text)
    {
        for (var i = text.IndexOfAny("&<>\"'"u8); i >= 0; i = text.IndexOfAny("&<>\"'"u8))
        {
            to.Append(text[..i]).Append(text[i] switch
            {
                (byte)'&' => "&amp;"u8,
                (byte)'<' => "&lt;"u8,
                (byte)'>' => "&gt;"u8,
                (byte)'"' => "&quot;"u8,
                _ => "&#39;"u8,
            });
            text = text[(i + 1)..];
        }
        to.Append(text);
    }
}

/// <summary>Group rows in the TimelineJS export: none (the default) or one per escalation level.</summary>
internal enum TimelineJsGroups
{
    None,
    Level,
}
