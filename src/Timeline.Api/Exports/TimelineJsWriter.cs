using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Timeline.Api.Events;

namespace Timeline.Api.Exports;

/// <summary>
/// `timelinejs`: Knight Lab's TimelineJS JSON (https://timeline.knightlab.com/docs/json-format.html).
/// Dates carry only the parts we know; text is HTML, so everything of ours is escaped; media comes from
/// the first source whose URL is known, and no source means no media (URLs are never made up).
/// </summary>
internal sealed class TimelineJsWriter(PipeWriter pipe) : JsonExportWriter(pipe)
{
    private readonly StringBuilder _text = new(1024);

    public override void Start(ExportHeader header)
    {
        var f = header.Filters;
        var scope = new List<string>();
        if (f.From is not null || f.To is not null) scope.Add($"from {f.From?.ToString("d MMMM yyyy", CultureInfo.InvariantCulture) ?? "the start"} to {f.To?.ToString("d MMMM yyyy", CultureInfo.InvariantCulture) ?? "today"}");
        if (f.Kind is not null) scope.Add("kind " + string.Join(", ", f.Kind));
        if (f.Actor is not null) scope.Add("actor " + string.Join(", ", f.Actor));
        if (f.Country is not null) scope.Add("country " + string.Join(", ", f.Country));
        if (f.Tag is not null) scope.Add("tag " + string.Join(", ", f.Tag));
        if (f.MinLevel is not null || f.MaxLevel is not null) scope.Add($"escalation level {f.MinLevel ?? 0}–{f.MaxLevel ?? 7}");
        if (f.Q is not null) scope.Add($"matching “{f.Q}”");
        var text = $"<p>Escalation events around the war in Ukraine and the Russia–NATO confrontation{(scope.Count > 0 ? ": " + PipeText.Html(string.Join("; ", scope)) : "")}. " +
                   $"Each slide gives the event's sources, quotes and claims with their status.{(f.IncludeRetracted ? " Retracted events are included and marked." : "")}</p>" +
                   $"<p>Exported {header.GeneratedAt:yyyy-MM-dd HH:mm} UTC from the Timeline API (data version {header.DataVersion}).</p>";

        Json.WriteStartObject();
        Json.WritePropertyName("title");
        JsonSerializer.Serialize(Json, new TimelineJsTitle(new TimelineJsText(PipeText.Html(header.Title), text)), TimelineJsonContext.Default.TimelineJsTitle);
        Json.WriteStartArray("events");
        Commit();
    }

    public override void Event(ExportRow row)
    {
        var e = Parse(row);
        var slide = new TimelineJsEvent(
            StartDate: DateAtPrecision(e.Date.Start, e.Date.Precision),
            EndDate: e.Date.End is { } end ? DateAtPrecision(end, e.Date.Precision) : null,
            DisplayDate: e.Date.Approximate ? "About " + DisplayDate(e.Date) : null,
            Text: new TimelineJsText(PipeText.Html(e.Status == "retracted" ? "[Retracted] " + e.Title : e.Title), SlideText(e)),
            Group: e.Kind,
            UniqueId: e.Id,
            Media: e.Sources.FirstOrDefault(s => s.Url is not null) is { } s
                ? new TimelineJsMedia(s.Url!, PipeText.Html(s.Title), PipeText.Html(s.Outlet ?? s.Author))
                : null);
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

    private string SlideText(EventDetail e)
    {
        var t = _text.Clear();
        if (e.Retraction is { } r)
        {
            t.Append("<p><strong>Retracted</strong> on ").Append(r.RetractedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
             .Append(": ").Append(PipeText.Html(r.Reason)).Append("</p>");
        }
        t.Append("<p>").Append(PipeText.Html(e.Summary)).Append("</p>");
        t.Append("<p><strong>Escalation level ").Append(e.Escalation.Level).Append(" – ").Append(PipeText.Html(e.Escalation.Name))
         .Append(":</strong> ").Append(PipeText.Html(e.Escalation.Rationale)).Append("</p>");
        if (e.Date.Note is not null)
        {
            t.Append("<p><em>Date: ").Append(PipeText.Html(e.Date.Note)).Append("</em></p>");
        }
        foreach (var q in e.Quotes)
        {
            t.Append("<blockquote>“").Append(PipeText.Html(q.Text)).Append("”<br>— ").Append(PipeText.Html(q.Speaker.Name));
            if (q.Translation is not null) t.Append(" (translation: “").Append(PipeText.Html(q.Translation)).Append("”)");
            t.Append("</blockquote>");
        }
        if (e.Claims.Length > 0)
        {
            t.Append("<p><strong>Claims</strong></p><ul>");
            foreach (var c in e.Claims)
            {
                t.Append("<li>").Append(PipeText.Html(c.Statement)).Append(" — <em>").Append(c.Status).Append("</em>");
                if (c.Claimants.Length > 0) t.Append(" (").Append(PipeText.Html(string.Join(", ", c.Claimants.Select(a => a.Name)))).Append(')');
                t.Append("</li>");
            }
            t.Append("</ul>");
        }
        if (e.Sources.Length > 0)
        {
            t.Append("<p><strong>Sources:</strong> ");
            for (var i = 0; i < e.Sources.Length; i++)
            {
                var s = e.Sources[i];
                if (i > 0) t.Append("; ");
                var label = PipeText.Html(s.Outlet is null ? s.Title : $"{s.Outlet}: {s.Title}");
                if (s.Url is null) t.Append(label);
                else t.Append("<a href=\"").Append(PipeText.Html(s.Url)).Append("\">").Append(label).Append("</a>");
                if (s.PublishedOn is { } on) t.Append(" (").Append(on.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(')');
            }
            t.Append("</p>");
        }
        return t.ToString();
    }
}
