using System.Globalization;
using System.ComponentModel;
using System.Text;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Timeline.Api.Vocabularies;

namespace Timeline.Api.Events;

/// <summary>
/// The filters shared by the event list, the timeline export and the escalation statistics.
/// Several values of one filter (repeated, or comma-separated) match any of them; different filters all apply.
/// </summary>
internal sealed record EventFilter(
    [FromQuery(Name = "from")][property: Description("First day of the window (YYYY-MM-DD), inclusive. Matches the event's start date.")]
    DateOnly? From = null,
    [FromQuery(Name = "to")][property: Description("Last day of the window (YYYY-MM-DD), inclusive. Must not be before `from`.")]
    DateOnly? To = null,
    [FromQuery(Name = "kind")][property: Description("Event kind(s), e.g. `incident`, `statement`; see /v1/kinds. Repeat or comma-separate for several.")]
    string[]? Kind = null,
    [FromQuery(Name = "actor")][property: Description("Actor id(s), e.g. `sergey-lavrov`: events the actor takes part in, in any role; see /v1/actors.")]
    string[]? Actor = null,
    [FromQuery(Name = "country")][property: Description("ISO 3166-1 alpha-2 code(s) of where the event happened, e.g. `PL`.")]
    string[]? Country = null,
    [FromQuery(Name = "tag")][property: Description("Tag(s), e.g. `nuclear`; an event matches when it has any of them; see /v1/tags.")]
    string[]? Tag = null,
    [FromQuery(Name = "minLevel")][property: Description("Lowest escalation level, 0–7; see /v1/escalation-ladder.")]
    int? MinLevel = null,
    [FromQuery(Name = "maxLevel")][property: Description("Highest escalation level, 0–7; not below `minLevel`.")]
    int? MaxLevel = null,
    [FromQuery(Name = "q")][property: Description("Full-text search in title, summary and place (web-search syntax: words, \"phrases\", -exclusions, OR); accents are optional (`Przewodow` finds Przewodów); at most 200 characters.")]
    string? Q = null,
    [FromQuery(Name = "updatedSince")][property: Description("Only events created, revised or retracted after this instant (ISO 8601 with offset), for incremental sync.")]
    DateTimeOffset? UpdatedSince = null,
    [FromQuery(Name = "includeRetracted")][property: Description("Include retracted events (they carry their retraction notice). Default false.")]
    bool? IncludeRetracted = null)
{
    public const int MaxQueryLength = 200;

    /// <summary>True when the query searches text, so that its plan depends on the words.</summary>
    public bool SearchesText => !string.IsNullOrWhiteSpace(Q);

    /// <summary>Each value of a multi-valued filter, split on commas, trimmed, without blanks.</summary>
    internal static string[] Values(string[]? raw) =>
        raw is null ? [] : [.. raw.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Distinct()];

    public string[] Kinds => [.. Values(Kind).Select(k => k.ToLowerInvariant())];
    public string[] Actors => Values(Actor);
    public string[] Countries => [.. Values(Country).Select(c => c.ToUpperInvariant())];
    public string[] Tags => [.. Values(Tag).Select(t => t.ToLowerInvariant())];

    /// <summary>
    /// Appends "and …" predicates on the events table aliased <c>e</c>; the words are a semi-join on the
    /// search table. Only the filters given are written, so that each combination gets a plan that fits
    /// it (and a prepared statement of its own).
    /// </summary>
    public void AppendPredicates(StringBuilder sql, DynamicParameters args)
    {
        AppendWindow(sql, args, "e");
        AppendOthers(sql, args);
        if (SearchesText)
        {
            sql.Append(" and e.id in (select s.id from event_search s where true");
            AppendWords(sql, args, "s");
            sql.Append(')');
        }
    }

    /// <summary>The status and the dates, on the events table or (alias other than <c>e</c>) the search table.</summary>
    public void AppendWindow(StringBuilder sql, DynamicParameters args, string table)
    {
        if (IncludeRetracted != true) sql.Append(table == "e" ? " and e.status = 'published'" : $" and {table}.published");
        if (From is { } from) { sql.Append(CultureInfo.InvariantCulture, $" and {table}.occurred_on >= @from"); args.Add("from", from); }
        if (To is { } to) { sql.Append(CultureInfo.InvariantCulture, $" and {table}.occurred_on <= @to"); args.Add("to", to); }
    }

    /// <summary>Kind, country, tag, level, update time and actor, on the events table aliased <c>e</c>.</summary>
    public void AppendOthers(StringBuilder sql, DynamicParameters args)
    {
        if (Kinds is { Length: > 0 } kinds) { sql.Append(" and e.kind = any(@kinds)"); args.Add("kinds", kinds); }
        if (Countries is { Length: > 0 } countries) { sql.Append(" and e.country_code = any(@countries)"); args.Add("countries", countries); }
        if (Tags is { Length: > 0 } tags) { sql.Append(" and e.tags && @tags"); args.Add("tags", tags); }
        if (MinLevel is { } min) { sql.Append(" and e.escalation_level >= @minLevel"); args.Add("minLevel", (short)min); }
        if (MaxLevel is { } max) { sql.Append(" and e.escalation_level <= @maxLevel"); args.Add("maxLevel", (short)max); }
        if (UpdatedSince is { } since) { sql.Append(" and e.updated_at > @updatedSince"); args.Add("updatedSince", since.UtcDateTime); }
        if (Actors is { Length: > 0 } actors)
        {
            sql.Append(" and e.id in (select ea.event_id from event_actors ea join actors a on a.id = ea.actor_id where a.slug = any(@actors))");
            args.Add("actors", actors);
        }
    }

    /// <summary>
    /// The words of `q` against a row of event_search: English stems of accent-free words, in the text
    /// search configuration that table is built with (db/migrations/0010), so "warned" finds "warning"
    /// and "Przewodow" finds Przewodów. The query is made once per statement (a sub-select): written as a
    /// plain call, PostgreSQL would parse `q` again for every row it tests (tens of µs a row).
    /// </summary>
    public void AppendWords(StringBuilder sql, DynamicParameters args, string table)
    {
        sql.Append(CultureInfo.InvariantCulture, $" and {table}.search @@ (select websearch_to_tsquery('timeline_english', @q))");
        args.Add("q", Q!.Trim());
    }
}

internal sealed class EventFilterValidator : AbstractValidator<EventFilter>
{
    private const string SlugPattern = "^[a-z0-9]+(-[a-z0-9]+)*$";

    /// <summary>Errors name the query parameter (`country`), not an element of it (`country[0]`).</summary>
    internal static string NoIndex<TParent, TElement>(TParent parent, IEnumerable<TElement> all, TElement element, int index) => "";

    public EventFilterValidator(KindVocabulary kinds)
    {
        // The same years a write accepts: a date outside them cannot match anything, so it is a mistake to report.
        RuleFor(f => f.From).InclusiveBetween(Editing.EventDates.Earliest, Editing.EventDates.Latest).OverridePropertyName("from")
            .WithMessage(f => $"'from' ({f.From:yyyy-MM-dd}) must be between {Editing.EventDates.Earliest:yyyy-MM-dd} and {Editing.EventDates.Latest:yyyy-MM-dd}.");
        RuleFor(f => f.To).InclusiveBetween(Editing.EventDates.Earliest, Editing.EventDates.Latest).OverridePropertyName("to")
            .WithMessage(f => $"'to' ({f.To:yyyy-MM-dd}) must be between {Editing.EventDates.Earliest:yyyy-MM-dd} and {Editing.EventDates.Latest:yyyy-MM-dd}.");
        RuleFor(f => f.To).GreaterThanOrEqualTo(f => f.From).When(f => f.From is not null && f.To is not null)
            .OverridePropertyName("to").WithMessage(f => $"'to' ({f.To:yyyy-MM-dd}) must not be before 'from' ({f.From:yyyy-MM-dd}).");
        RuleFor(f => f.MinLevel).InclusiveBetween(0, 7).OverridePropertyName("minLevel")
            .WithMessage("'minLevel' must be an escalation level from 0 to 7.");
        RuleFor(f => f.MaxLevel).InclusiveBetween(0, 7).OverridePropertyName("maxLevel")
            .WithMessage("'maxLevel' must be an escalation level from 0 to 7.");
        RuleFor(f => f.MaxLevel).GreaterThanOrEqualTo(f => f.MinLevel).When(f => f.MinLevel is not null && f.MaxLevel is not null)
            .OverridePropertyName("maxLevel").WithMessage("'maxLevel' must not be below 'minLevel'.");
        RuleFor(f => f.Q).MaximumLength(EventFilter.MaxQueryLength).OverridePropertyName("q")
            .WithMessage($"'q' must be at most {EventFilter.MaxQueryLength} characters.");
        RuleFor(f => f.Q).Must(q => q is null || !q.Any(char.IsControl)).OverridePropertyName("q")
            .WithMessage("'q' must not contain control characters.");
        // The vocabulary is closed: an unknown kind is a mistake to report, not a filter that matches nothing.
        RuleFor(f => f.Kinds).CustomAsync(async (values, context, ct) =>
        {
            if (values.Length == 0) return;
            var known = await kinds.GetCodesAsync(ct);
            foreach (var unknown in values.Where(v => !known.Contains(v, StringComparer.Ordinal)))
            {
                var shown = unknown.Length > 40 ? unknown[..40] + "…" : unknown;
                context.AddFailure("kind", $"Unknown kind '{shown}': use one of {string.Join(", ", known)} (see /v1/kinds).");
            }
        });
        RuleForEach(f => f.Actors).OverrideIndexer(NoIndex).Matches(SlugPattern).OverridePropertyName("actor")
            .WithMessage("'actor' values are actor ids such as 'sergey-lavrov'; see /v1/actors.");
        RuleForEach(f => f.Countries).OverrideIndexer(NoIndex).Matches("^[A-Z]{2}$").OverridePropertyName("country")
            .WithMessage("'country' values are ISO 3166-1 alpha-2 codes such as 'PL'.");
        RuleForEach(f => f.Tags).OverrideIndexer(NoIndex).Matches(SlugPattern).OverridePropertyName("tag")
            .WithMessage("'tag' values are lowercase words joined by hyphens, e.g. 'air-defence'; see /v1/tags.");
        RuleFor(f => f.Kinds.Length + f.Actors.Length + f.Countries.Length + f.Tags.Length).LessThanOrEqualTo(100)
            .OverridePropertyName("filters").WithMessage("At most 100 filter values may be given in one request.");
    }
}
