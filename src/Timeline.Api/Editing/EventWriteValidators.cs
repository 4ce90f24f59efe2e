using FluentValidation;

namespace Timeline.Api.Editing;

/// <summary>The years an event's dates (and a read's date filters) may fall in.</summary>
internal static class EventDates
{
    public static readonly DateOnly Earliest = new(1900, 1, 1);
    public static readonly DateOnly Latest = new(2100, 12, 31);
}

/// <summary>The rules of an event's editable fields, for create and revise alike.</summary>
internal abstract class EventFieldsValidator<T> : BodyValidator<T> where T : IEventFields
{
    private static readonly DateOnly Earliest = EventDates.Earliest;
    private static readonly DateOnly Latest = EventDates.Latest;
    private const int MaxItems = 50;

    protected EventFieldsValidator()
    {
        RuleFor(e => e.Title).RequiredText(300);
        RuleFor(e => e.Summary).RequiredText(5000, multiline: true);
        RuleFor(e => e.Kind).OneOf(Vocabulary.Kinds, "/v1/kinds");
        RuleFor(e => e.WikidataQid).WikidataQid();

        RuleFor(e => e.Date).NotNull().WithMessage("'date' is required: { \"start\": \"YYYY-MM-DD\", \"precision\": \"day\" }.");
        RuleFor(e => e.Date!).ChildRules(d =>
        {
            d.RuleFor(x => x.Start).NotNull().WithMessage("'date.start' is required (YYYY-MM-DD).")
                .InclusiveBetween(Earliest, Latest).WithMessage($"'date.start' must be between {Earliest:yyyy-MM-dd} and {Latest:yyyy-MM-dd}.");
            d.RuleFor(x => x.Precision).OneOf(Vocabulary.DatePrecisions);
            d.RuleFor(x => x.Start).Must(s => s!.Value.Day == 1).When(x => x.Precision == "month" && x.Start is not null)
                .WithMessage("With 'month' precision 'date.start' is the 1st of the month, e.g. 2024-11-01 for November 2024.");
            d.RuleFor(x => x.Start).Must(s => s!.Value is { Day: 1, Month: 1 }).When(x => x.Precision == "year" && x.Start is not null)
                .WithMessage("With 'year' precision 'date.start' is 1 January, e.g. 2024-01-01 for 2024.");
            d.RuleFor(x => x.End).GreaterThanOrEqualTo(x => x.Start).When(x => x.End is not null && x.Start is not null)
                .WithMessage("'date.end' must not be before 'date.start'.");
            d.RuleFor(x => x.End).LessThanOrEqualTo(Latest).WithMessage($"'date.end' must not be after {Latest:yyyy-MM-dd}.");
            d.RuleFor(x => x.Note).OptionalText(500, multiline: true);
        }).When(e => e.Date is not null);

        RuleFor(e => e.Location!).ChildRules(l =>
        {
            l.RuleFor(x => x.Place).OptionalText(200);
            l.RuleFor(x => x.Country).Country();
            l.RuleFor(x => x.Lat).InclusiveBetween(-90, 90).WithMessage("'location.lat' must be between -90 and 90.");
            l.RuleFor(x => x.Lon).InclusiveBetween(-180, 180).WithMessage("'location.lon' must be between -180 and 180.");
        }).When(e => e.Location is not null);
        RuleFor(e => e.Location).Must(l => l is null || (l.Lat is null) == (l.Lon is null))
            .WithMessage("'location.lat' and 'location.lon' go together: give both or neither.");

        RuleFor(e => e.Tags).Must(t => t is null || t.Length <= 30).WithMessage("At most 30 tags.")
            .Must(t => t is null || t.Distinct(StringComparer.Ordinal).Count() == t.Length).WithMessage("'tags' must not repeat a tag.");
        RuleForEach(e => e.Tags).Slug().MaximumLength(50).WithMessage("A tag is at most 50 characters.");

        RuleFor(e => e.Escalation).NotNull().WithMessage("'escalation' is required: { \"level\": 0–7, \"rationale\": \"…\" }.");
        RuleFor(e => e.Escalation!).ChildRules(x =>
        {
            x.RuleFor(l => l.Level).NotNull().WithMessage("'escalation.level' is required.")
                .InclusiveBetween(Vocabulary.MinLevel, Vocabulary.MaxLevel)
                .WithMessage("'escalation.level' must be a level of the escalation ladder, 0 to 7; see /v1/escalation-ladder.");
            x.RuleFor(l => l.Rationale).RequiredText(500);
        }).When(e => e.Escalation is not null);

        RuleFor(e => e.Actors).Must(a => a is null || a.Length <= MaxItems).WithMessage($"At most {MaxItems} actors.")
            .Must(a => a is null || a.Where(x => x is not null).DistinctBy(x => (x.Actor, x.Role)).Count() == a.Count(x => x is not null))
            .WithMessage("'actors' must not list the same actor in the same role twice.");
        RuleForEach(e => e.Actors).NotNull().WithMessage("'{PropertyName}' must not be null.").ChildRules(a =>
        {
            a.RuleFor(x => x.Actor).Slug();
            a.RuleFor(x => x.Role).OneOf(Vocabulary.Roles);
        });

        // Journalists cite us: an event nobody can trace back to a source is not published.
        RuleFor(e => e.Sources).NotEmpty().WithMessage(
            "An event needs at least one source: list its id in 'sources' (and define a new one in 'newSources').");
        RuleFor(e => e.Sources).Must(s => s is null || s.Length <= MaxItems).WithMessage($"At most {MaxItems} sources.")
            .Must(s => s is null || s.Distinct(StringComparer.Ordinal).Count() == s.Length).WithMessage("'sources' must not list a source twice.");
        RuleForEach(e => e.Sources).Slug();

        RuleFor(e => e.NewSources).Must(s => s is null || s.Length <= 20).WithMessage("At most 20 new sources in one request.")
            .Must(s => s is null || s.Where(x => x?.Id is not null).DistinctBy(x => x.Id).Count() == s.Count(x => x?.Id is not null))
            .WithMessage("'newSources' must not define the same id twice.");
        RuleForEach(e => e.NewSources).NotNull().WithMessage("'{PropertyName}' must not be null.").ChildRules(s =>
        {
            s.RuleFor(x => x.Id).Slug();
            s.RuleFor(x => x.Title).RequiredText(500);
            s.RuleFor(x => x.Outlet).OptionalText(200);
            s.RuleFor(x => x.Author).OptionalText(200);
            s.RuleFor(x => x.Language).Language();
            s.RuleFor(x => x.PublishedOn).InclusiveBetween(Earliest, Latest)
                .WithMessage($"'{{PropertyName}}' must be between {Earliest:yyyy-MM-dd} and {Latest:yyyy-MM-dd}.");
            s.RuleFor(x => x.Url).WebUrl();
            s.RuleFor(x => x.UrlCheckedOn).Null().When(x => x.Url is null)
                .WithMessage("'{PropertyName}' is only given with a 'url'.");
            s.RuleFor(x => x.Note).OptionalText(1000, multiline: true);
        });
        RuleForEach(e => e.NewSources).Must((e, s) => s?.Id is null || (e.Sources ?? []).Contains(s.Id, StringComparer.Ordinal))
            .WithMessage((e, s) => $"New source '{s?.Id}' must also be listed in 'sources', where its position is set.");

        RuleFor(e => e.Quotes).Must(q => q is null || q.Length <= MaxItems).WithMessage($"At most {MaxItems} quotes.");
        RuleForEach(e => e.Quotes).NotNull().WithMessage("'{PropertyName}' must not be null.").ChildRules(q =>
        {
            q.RuleFor(x => x.Text).RequiredText(5000, multiline: true);
            q.RuleFor(x => x.Speaker).Slug();
            q.RuleFor(x => x.Language).Language();
            q.RuleFor(x => x.Translation).OptionalText(5000, multiline: true);
            q.RuleFor(x => x.OriginalLanguage).Language().When(x => x.OriginalLanguage is not null);
            q.RuleFor(x => x.Source).Slug().When(x => x.Source is not null);
            q.RuleFor(x => x.SaidOn).InclusiveBetween(Earliest, Latest)
                .WithMessage($"'{{PropertyName}}' must be between {Earliest:yyyy-MM-dd} and {Latest:yyyy-MM-dd}.");
        });
        RuleForEach(e => e.Quotes).Must((e, q) => q?.Source is null || (e.Sources ?? []).Contains(q.Source, StringComparer.Ordinal))
            .WithMessage((e, q) => $"The quote's source '{q?.Source}' must be one of the event's 'sources'.");

        RuleFor(e => e.Claims).Must(c => c is null || c.Length <= MaxItems).WithMessage($"At most {MaxItems} claims.");
        RuleForEach(e => e.Claims).NotNull().WithMessage("'{PropertyName}' must not be null.").ChildRules(c =>
        {
            c.RuleFor(x => x.Statement).RequiredText(1000);
            c.RuleFor(x => x.Status).OneOf(Vocabulary.ClaimStatuses);
            c.RuleFor(x => x.Claimants).Must(a => a is null || (a.Length <= 20 && a.Distinct(StringComparer.Ordinal).Count() == a.Length))
                .WithMessage("'{PropertyName}' lists at most 20 actors, each once.");
            c.RuleForEach(x => x.Claimants).Slug();
            c.RuleFor(x => x.Sources).Must(a => a is null || a.Distinct(StringComparer.Ordinal).Count() == a.Length)
                .WithMessage("'{PropertyName}' must not list a source twice.");
            c.RuleForEach(x => x.Sources).Slug();
        });
        RuleForEach(e => e.Claims).Must((e, c) => c?.Sources is null || c.Sources.All(s => (e.Sources ?? []).Contains(s, StringComparer.Ordinal)))
            .WithMessage("A claim's 'sources' must each be one of the event's 'sources'.");

        RuleFor(e => e.Relations).Must(r => r is null || r.Length <= MaxItems).WithMessage($"At most {MaxItems} relations.")
            .Must(r => r is null || r.Where(x => x is not null).DistinctBy(x => (x.Target, x.Type)).Count() == r.Count(x => x is not null))
            .WithMessage("'relations' must not repeat the same type to the same event.");
        RuleForEach(e => e.Relations).NotNull().WithMessage("'{PropertyName}' must not be null.").ChildRules(r =>
        {
            r.RuleFor(x => x.Type).OneOf(Vocabulary.RelationTypes);
            r.RuleFor(x => x.Target).Slug();
            r.RuleFor(x => x.Note).OptionalText(500);
        });
    }
}

internal sealed class CreateEventRequestValidator : EventFieldsValidator<CreateEventRequest>
{
    public CreateEventRequestValidator()
    {
        RuleFor(e => e.Id).Slug();
        RuleForEach(e => e.Relations).Must((e, r) => r?.Target is null || r.Target != e.Id)
            .WithMessage("An event cannot relate to itself.");
    }
}

internal sealed class ReviseEventRequestValidator : EventFieldsValidator<ReviseEventRequest>
{
    public ReviseEventRequestValidator() => RuleFor(e => e.Reason).RequiredText(1000, multiline: true);
}

internal sealed class RetractEventRequestValidator : BodyValidator<RetractEventRequest>
{
    public RetractEventRequestValidator() => RuleFor(e => e.Reason).RequiredText(1000, multiline: true);
}
