using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Timeline.Api.Events;

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

    private readonly StringBuilder _text = new(1024);
    private string _baseUrl = "";

    public override void Start(ExportHeader header)
    {
        _baseUrl = header.BaseUrl;
        var f = header.Filters;
        var scope = new List<string>();
        if (f.From is not null || f.To is not null) scope.Add($"from {f.From?.ToString("d MMMM yyyy", CultureInfo.InvariantCulture) ?? "the start"} to {f.To?.ToString("d MMMM yyyy", CultureInfo.InvariantCulture) ?? "today"}");
        if (f.Kind is not null) scope.Add("kind " + string.Join(", ", f.Kind));
        if (f.Actor is not null) scope.Add("actor " + string.Join(", ", f.Actor));
        if (f.Country is not null) scope.Add("country " + string.Join(", ", f.Country));
        if (f.Tag is not null) scope.Add("tag " + string.Join(", ", f.Tag));
        if (f.MinLevel is not null || f.MaxLevel is not null) scope.Add($"escalation level {f.MinLevel ?? 0}–{f.MaxLevel ?? 7}");
        if (f.Q is not null) scope.Add($"matching “{f.Q}”");
        var text = $"<p>{PipeText.Html(header.Title)}{(scope.Count > 0 ? ": " + PipeText.Html(string.Join("; ", scope)) : "")}.</p>" +
                   "<p>Each slide gives what happened, its rung on the escalation ladder (0 de-escalation to 7 nuclear use) and its sources; " +
                   $"quotes and claims with their status are a link away.{(f.IncludeRetracted ? " Retracted events are included and marked." : "")}</p>" +
                   $"<p>Exported {header.GeneratedAt:yyyy-MM-dd HH:mm} UTC from the Timeline API (data version {header.DataVersion}).</p>";

        Json.WriteStartObject();
        Json.WritePropertyName("title");
        JsonSerializer.Serialize(Json, new TimelineJsTitle(new TimelineJsText(PipeText.Html(Headline), text)), TimelineJsonContext.Default.TimelineJsTitle);
        Json.WriteStartArray("events");
        Commit();
    }

    public override void Event(ExportRow row)
    {
        var e = Parse(row);
        var title = e.Status == "retracted" ? "[Retracted] " + e.Title : e.Title;
        var slide = new TimelineJsEvent(
            StartDate: DateAtPrecision(e.Date.Start, e.Date.Precision),
            EndDate: e.Date.End is { } end ? DateAtPrecision(end, e.Date.Precision) : null,
            DisplayDate: e.Date.Approximate ? "About " + DisplayDate(e.Date) : null,
            Text: new TimelineJsText(PipeText.Html(ShortHeadline(title)), SlideText(e, title)),
            Group: groups == TimelineJsGroups.Level ? LevelGroup(e.Escalation) : null,
            UniqueId: e.Id,
            // No media: TimelineJS shows a news article's URL by fetching it through third-party services
            // (and our sources are articles, not pictures). The slide text links each source instead.
            Media: null);
        JsonSerializer.Serialize(Json, slide, TimelineJsonContext.Default.TimelineJsEvent);
        Commit();
    }

    public override void End(int count)
    {
        Json.WriteEndArray();
        Json.WriteString("scale", "human");
        Json.WriteEndObject();
        Commit();
    }

    /// <summary>"4 · Spill-over": TimelineJS prints group labels in capitals, so the level number keeps them in order and apart.</summary>
    internal static string LevelGroup(EventEscalation escalation) => $"{escalation.Level} · {escalation.Name}";

    /// <summary>The title, or its first words up to <see cref="MaxHeadlineLength"/> characters and an ellipsis.</summary>
    internal static string ShortHeadline(string title)
    {
        if (title.Length <= MaxHeadlineLength) return title;
        var cut = title.LastIndexOf(' ', MaxHeadlineLength - 1);
        var head = (cut > MaxHeadlineLength / 2 ? title[..cut] : title[..(MaxHeadlineLength - 1)]).TrimEnd(',', ';', ':', '–', '-', ' ');
        return head + "…";
    }

    /// <summary>Month precision gives year and month only, year precision the year only.</summary>
    internal static TimelineJsDate DateAtPrecision(DateOnly date, string precision) => precision switch
    {
        "year" => new TimelineJsDate(date.Year, null, null),
        "month" => new TimelineJsDate(date.Year, date.Month, null),
        _ => new TimelineJsDate(date.Year, date.Month, date.Day),
    };

    private static string DisplayDate(EventDate d) => d.Precision switch
    {
        "year" => d.Start.ToString("yyyy", CultureInfo.InvariantCulture),
        "month" => d.Start.ToString("MMMM yyyy", CultureInfo.InvariantCulture),
        _ => d.Start.ToString("d MMMM yyyy", CultureInfo.InvariantCulture),
    };

    private string SlideText(EventDetail e, string title)
    {
        var t = _text.Clear();
        if (ShortHeadline(title) != title)
        {
            t.Append("<p><strong>").Append(PipeText.Html(title)).Append("</strong></p>");
        }
        if (e.Retraction is { } r)
        {
            t.Append("<p><strong>Retracted</strong> on ").Append(r.RetractedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
             .Append(": ").Append(PipeText.Html(r.Reason)).Append("</p>");
        }
        t.Append("<p>").Append(PipeText.Html(e.Summary)).Append("</p>");
        t.Append("<p><strong>Level ").Append(e.Escalation.Level).Append(" · ").Append(PipeText.Html(e.Escalation.Name))
         .Append(":</strong> ").Append(PipeText.Html(e.Escalation.Rationale)).Append("</p>");
        if (e.Date.Note is not null)
        {
            t.Append("<p><em>Date: ").Append(PipeText.Html(e.Date.Note)).Append("</em></p>");
        }
        if (e.Sources.Length > 0)
        {
            t.Append("<p><strong>Sources:</strong> ");
            for (var i = 0; i < e.Sources.Length; i++)
            {
                var s = e.Sources[i];
                if (i > 0) t.Append("; ");
                var label = PipeText.Html(s.Outlet ?? s.Author ?? s.Title);
                if (s.Url is null) t.Append(label);
                else t.Append("<a href=\"").Append(PipeText.Html(s.Url)).Append("\">").Append(label).Append("</a>");
                if (s.PublishedOn is { } on) t.Append(", ").Append(on.ToString("d MMM yyyy", CultureInfo.InvariantCulture));
            }
            t.Append("</p>");
        }
        // Quotes and claims do not fit a slide above the timeline strip: the event's page has them in full.
        var more = new List<string>();
        if (e.Quotes.Length > 0) more.Add(e.Quotes.Length == 1 ? "1 quote" : $"{e.Quotes.Length} quotes");
        if (e.Claims.Length > 0)
        {
            var open = e.Claims.Count(c => c.Status != "confirmed");
            more.Add((e.Claims.Length == 1 ? "1 claim" : $"{e.Claims.Length} claims") + (open > 0 ? $" ({open} not confirmed)" : ""));
        }
        t.Append("<p><a href=\"").Append(PipeText.Html($"{_baseUrl}/#/events/{Uri.EscapeDataString(e.Id)}")).Append("\">")
         .Append(more.Count > 0 ? PipeText.Html(string.Join(" and ", more)) + ", full sources and citation" : "Full sources and citation")
         .Append("</a></p>");
        return t.ToString();
    }
}

/// <summary>Group rows in the TimelineJS export: none (the default) or one per escalation level.</summary>
internal enum TimelineJsGroups
{
    None,
    Level,
}
