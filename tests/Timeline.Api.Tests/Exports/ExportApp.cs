using System.Net.Http.Headers;
using System.Text.Json;
using Dapper;
using Timeline.Api.Events;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Exports;

/// <summary>
/// The app with a few export-specific events added to its own database: Unicode in every field
/// (Cyrillic, Arabic, emoji), cells that look like spreadsheet formulas, month and year precision,
/// a span of days, a retraction. They sit beside whatever curated events the template holds.
/// </summary>
public sealed class ExportApp : TimelineApp
{
    public const string UnicodeId = "test-export-unicode";
    public const string UnicodeTitle = "Обстріл Києва — قصف كييف 🚀; test, with \"quotes\" and a backslash \\ ok";
    public const string UnicodeSummary = "Перший рядок; друга частина, кома.\nالسطر الثاني 🇺🇦 — кінець \\ end";
    public const string FormulaId = "test-export-formula";
    public const string FormulaTitle = "=HYPERLINK(\"https://example.org\",\"click\")";
    public const string MonthId = "test-export-month";
    public const string YearId = "test-export-year";
    public const string SpanId = "test-export-span";
    public const string RetractedId = "test-export-retracted";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var conn = await OpenDatabaseAsync();
        await conn.ExecuteAsync("""
            insert into actors (slug, name, type, country_code) values ('test-export-actor', 'Тестовий діяч / فاعل اختبار 🙂', 'person', 'UA');
            insert into sources (slug, outlet, title, language, published_on, url)
                values ('test-export-source', 'Українська правда (test)', 'Звіт — تقرير 📰', 'uk', '2024-03-11', 'https://example.org/report');
            insert into sources (slug, outlet, title, language) values ('test-export-source-nourl', 'Test outlet', 'A source without a known URL', 'en');

            insert into events (slug, title, summary, kind, occurred_on, date_precision, place_name, country_code, latitude, longitude,
                                tags, escalation_level, escalation_rationale)
            values (@UnicodeId, @UnicodeTitle, @UnicodeSummary, 'incident', '2024-03-10', 'day', 'Київ', 'UA', 50.45, 30.52,
                    '{test-export,unicode}', 4, 'Тест: رفع المستوى 🔥');
            insert into event_actors (event_id, actor_id, role)
                select e.id, a.id, 'speaker' from events e, actors a where e.slug = @UnicodeId and a.slug = 'test-export-actor';
            insert into event_sources (event_id, source_id, position)
                select e.id, s.id, 0 from events e, sources s where e.slug = @UnicodeId and s.slug = 'test-export-source';
            insert into quotes (event_id, position, speaker_id, text, language, source_id)
                select e.id, 0, a.id, 'Ми не здамося — لن نستسلم 🙂', 'uk', s.id
                from events e, actors a, sources s where e.slug = @UnicodeId and a.slug = 'test-export-actor' and s.slug = 'test-export-source';
            with c as (
                insert into claims (event_id, position, statement, status)
                select e.id, 0, 'Твердження — ادعاء 🤔', 'disputed' from events e where e.slug = @UnicodeId returning id)
            insert into claim_claimants (claim_id, actor_id) select c.id, a.id from c, actors a where a.slug = 'test-export-actor';

            insert into events (slug, title, summary, kind, occurred_on, date_precision, date_note, place_name, tags, escalation_level, escalation_rationale)
            values (@FormulaId, @FormulaTitle, '+SUM(1,2) is not a formula here', 'statement', '2023-06-15', 'day', '-1 day, per the source', '@home',
                    '{test-export}', 1, '-rhetoric only');
            insert into event_sources (event_id, source_id, position)
                select e.id, s.id, 0 from events e, sources s where e.slug = @FormulaId and s.slug = 'test-export-source-nourl';

            insert into events (slug, title, summary, kind, occurred_on, date_precision, place_name, country_code, latitude, longitude,
                                tags, escalation_level, escalation_rationale)
            values (@MonthId, 'A month-precision test event', 'Known to the month only.', 'policy', '2023-02-01', 'month', 'Vilnius', 'LT', 54.69, 25.28,
                    '{test-export}', 2, 'Posture.');
            insert into events (slug, title, summary, kind, occurred_on, date_precision, approximate, tags, escalation_level, escalation_rationale)
            values (@YearId, 'A year-precision test event', 'Known to the year only, approximately.', 'diplomacy', '2022-01-01', 'year', true,
                    '{test-export}', 0, 'Talks.');
            insert into events (slug, title, summary, kind, occurred_on, occurred_until, date_precision, tags, escalation_level, escalation_rationale)
            values (@SpanId, 'A three-day test event', 'From the 1st to the 3rd.', 'deployment', '2024-07-01', '2024-07-03', 'day',
                    '{test-export}', 2, 'Exercise.');
            insert into events (slug, title, summary, kind, occurred_on, date_precision, place_name, country_code, latitude, longitude,
                                tags, escalation_level, escalation_rationale, status, retraction_reason, retracted_at, retracted_by)
            values (@RetractedId, 'A retracted test event', 'Turned out not to have happened.', 'incident', '2024-05-05', 'day', 'Rzeszów', 'PL', 50.04, 22.0,
                    '{test-export}', 4, 'Would have been spill-over.', 'retracted', 'No such incident: the report was wrong.', now(), 'test-editor');
            """, new { UnicodeId, UnicodeTitle, UnicodeSummary, FormulaId, FormulaTitle, MonthId, YearId, SpanId, RetractedId });
    }

    /// <summary>GET the export and return the response with its body read as bytes.</summary>
    public async Task<(HttpResponseMessage Response, byte[] Body)> ExportAsync(string query, string? accept = null)
    {
        using var client = CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/timeline?{query}");
        if (accept is not null) request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        return (response, body);
    }
}
