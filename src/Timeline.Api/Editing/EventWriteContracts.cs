using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Timeline.Api.Editing;

// The bodies of the event write routes. Every property is nullable so that a missing one gets a clear
// validation message (400) naming it, instead of a default value slipping through. [Required] marks what the
// validators insist on, for the OpenAPI document (Infrastructure/OpenApiSchemaRules.cs); the rest may be left out.

/// <summary>When the event happened, at the precision the sources support.</summary>
internal sealed record EventDateInput(
    [property: Required, Description("Start date, YYYY-MM-DD. With `month` precision the 1st of the month, with `year` precision 1 January.")] DateOnly? Start,
    [property: Description("Last day, for events that span several days; otherwise null. Not before `start`.")] DateOnly? End,
    [property: Required, Description("`day`, `month` or `year`.")] string? Precision,
    [property: Description("True when even that precision is an estimate. Default false.")] bool? Approximate,
    [property: Description("How the date was established, where that needs saying (at most 500 characters).")] string? Note);

/// <summary>Where the event happened. Give `lat` and `lon` together or neither.</summary>
internal sealed record EventLocationInput(
    [property: Description("Place name as commonly written in English (at most 200 characters).")] string? Place,
    [property: Description("ISO 3166-1 alpha-2 country code in capitals, e.g. `PL`.")] string? Country,
    [property: Description("Latitude, −90 to 90 (WGS 84).")] double? Lat,
    [property: Description("Longitude, −180 to 180 (WGS 84).")] double? Lon);

/// <summary>The rung on the escalation ladder and why.</summary>
internal sealed record EscalationInput(
    [property: Required, Description("Level 0–7; see /v1/escalation-ladder.")] int? Level,
    [property: Required, Description("One line on why the event sits on this level (at most 500 characters).")] string? Rationale);

/// <summary>An existing actor and the role it plays in the event.</summary>
internal sealed record EventActorInput(
    [property: Required, Description("Actor id, e.g. `sergey-lavrov`; see /v1/actors. Admins create new actors with POST /v1/actors.")] string? Actor,
    [property: Required, Description("speaker, initiator, target, affected, mediator or participant.")] string? Role);

/// <summary>A source created together with the event. Its id must also be listed in `sources`.</summary>
internal sealed record NewSourceInput(
    [property: Required, Description("New source id (slug), e.g. `reuters-2022-11-16-przewodow`. Must not exist yet.")] string? Id,
    [property: Description("Outlet or publisher, e.g. `Reuters`.")] string? Outlet,
    [property: Required, Description("Title as published; or a description in our words when `titleIsDescriptive`.")] string? Title,
    [property: Description("True when `title` describes an untitled source. Default false.")] bool? TitleIsDescriptive,
    string? Author,
    [property: Required, Description("ISO 639-1 language code, e.g. `en`.")] string? Language,
    DateOnly? PublishedOn,
    [property: Description("http(s) address, only when known: never invented.")] string? Url,
    [property: Description("Editorial note about the source.")] string? Note,
    [property: Description("When `url` was seen serving the source's text, YYYY-MM-DD. Optional.")] DateOnly? UrlCheckedOn = null);

/// <summary>Exact words, attributed to an actor.</summary>
internal sealed record QuoteInput(
    [property: Required, Description("The exact words, as said or published.")] string? Text,
    [property: Required, Description("Actor id of the speaker.")] string? Speaker,
    [property: Required, Description("ISO 639-1 code of the language of `text`.")] string? Language,
    [property: Description("English translation, when `text` is not in English.")] string? Translation,
    [property: Description("Id of the source the words come from; must be one of the event's `sources`.")] string? Source,
    DateOnly? SaidOn,
    [property: Description("When `text` is the source's translation: ISO 639-1 code of the language the words were said in. Optional.")] string? OriginalLanguage = null);

/// <summary>A statement about the event, who makes it and how far it is established.</summary>
internal sealed record ClaimInput(
    [property: Required] string? Statement,
    [property: Required, Description("`alleged`, `disputed`, `confirmed` or `refuted`.")] string? Status,
    [property: Description("Actor ids of those who make the claim.")] string[]? Claimants,
    [property: Description("Ids of the sources for the claim; each must be one of the event's `sources`.")] string[]? Sources);

/// <summary>A link from this event to another.</summary>
internal sealed record RelationInput(
    [property: Required, Description("responds-to, escalates, follows, same-thread or contradicts: this event {type} the target.")] string? Type,
    [property: Required, Description("Id of the other event.")] string? Target,
    string? Note);

/// <summary>The editable fields of an event, shared by create and revise.</summary>
internal interface IEventFields
{
    string? Title { get; }
    string? Summary { get; }
    string? Kind { get; }
    EventDateInput? Date { get; }
    EventLocationInput? Location { get; }
    string[]? Tags { get; }
    EscalationInput? Escalation { get; }
    string? WikidataQid { get; }
    EventActorInput[]? Actors { get; }
    string[]? Sources { get; }
    NewSourceInput[]? NewSources { get; }
    QuoteInput[]? Quotes { get; }
    ClaimInput[]? Claims { get; }
    RelationInput[]? Relations { get; }
}

/// <summary>
/// POST /v1/events: a new event with its actors, sources, quotes, claims, relations and tags.
/// `sources` lists the ids of the sources the event cites, in order: existing ones, and any defined in
/// `newSources`, which are created in the same transaction.
/// </summary>
internal sealed record CreateEventRequest(
    [property: Required, Description("Stable public id (slug): the date and a few words, e.g. `2022-11-15-przewodow-missile`. Cannot be changed later.")] string? Id,
    [property: Required, Description("Headline, at most 300 characters.")] string? Title,
    [property: Required, Description("What happened, in our own words, at most 5000 characters.")] string? Summary,
    [property: Required, Description("Kind of event; see /v1/kinds.")] string? Kind,
    [property: Required] EventDateInput? Date,
    EventLocationInput? Location,
    [property: Description("Lowercase hyphenated tags, e.g. `air-defence`; at most 30.")] string[]? Tags,
    [property: Required] EscalationInput? Escalation,
    [property: Description("Wikidata item id, e.g. `Q115494727`.")] string? WikidataQid,
    EventActorInput[]? Actors,
    [property: Required, Description("Ids of the sources cited, in display order: existing sources and those in `newSources`.")] string[]? Sources,
    [property: Description("Sources to create with the event; each id must also appear in `sources`.")] NewSourceInput[]? NewSources,
    QuoteInput[]? Quotes,
    ClaimInput[]? Claims,
    [property: Description("Outgoing relations to other events (incoming ones belong to the other event).")] RelationInput[]? Relations)
    : IEventFields, IIdempotentRequest;

/// <summary>
/// PUT /v1/events/{id}: the event's new state. Every editable field is replaced (a field left out is
/// cleared, a list left out is emptied); the id cannot change. `reason` says why, for the revision history.
/// </summary>
internal sealed record ReviseEventRequest(
    [property: Required, Description("Why the event is revised, shown in its history and the change feed (at most 1000 characters).")] string? Reason,
    [property: Required] string? Title, [property: Required] string? Summary, [property: Required] string? Kind, [property: Required] EventDateInput? Date, EventLocationInput? Location, string[]? Tags,
    [property: Required] EscalationInput? Escalation, string? WikidataQid, EventActorInput[]? Actors, [property: Required] string[]? Sources, NewSourceInput[]? NewSources,
    QuoteInput[]? Quotes, ClaimInput[]? Claims, RelationInput[]? Relations) : IEventFields;

/// <summary>POST /v1/events/{id}/retraction: the notice shown on the retracted event.</summary>
internal sealed record RetractEventRequest(
    [property: Required, Description("Why the event is retracted; shown on the event, in its history and in the change feed (at most 1000 characters).")] string? Reason);
