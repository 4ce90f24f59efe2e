using System.ComponentModel;

namespace Timeline.Api.Events;

// The public shapes of an event. EventRenderer serializes these records into the JSON every read sends
// (stored per event, rendered on each change), so they are the one definition of it, and OpenAPI documents them.

/// <summary>When an event happened, at the precision the sources support.</summary>
internal sealed record EventDate(
    [property: Description("Start date. With `month` precision the 1st of the month, with `year` precision 1 January.")] DateOnly Start,
    [property: Description("Last day, for events that span several days; otherwise null.")] DateOnly? End,
    [property: Description("How exactly the date is known: `day`, `month` or `year`.")] string Precision,
    [property: Description("True when even that precision is an estimate.")] bool Approximate,
    [property: Description("How the date was established, where that needs saying.")] string? Note);

/// <summary>Where an event happened.</summary>
internal sealed record EventLocation(
    [property: Description("Place name as commonly written in English.")] string? Place,
    [property: Description("ISO 3166-1 alpha-2 country code.")] string? Country,
    [property: Description("Latitude (WGS 84), when the place is a point.")] double? Lat,
    [property: Description("Longitude (WGS 84), when the place is a point.")] double? Lon);

/// <summary>The event's rung on the escalation ladder (see /v1/escalation-ladder) and why.</summary>
internal sealed record EventEscalation(
    [property: Description("Level 0–7.")] int Level,
    [property: Description("Name of the level.")] string Name,
    [property: Description("One line on why the event sits on this level.")] string Rationale);

/// <summary>The notice on a retracted event: it stays readable, never silently deleted.</summary>
internal sealed record Retraction(string Reason, DateTimeOffset RetractedAt, string RetractedBy);

/// <summary>An event as it appears in lists.</summary>
internal sealed record EventSummary(
    [property: Description("Stable public id (slug), e.g. `2022-11-15-przewodow-missile`.")] string Id,
    string Title,
    [property: Description("What happened, in the curators' own words.")] string Summary,
    [property: Description("Kind of event; see /v1/kinds.")] string Kind,
    EventDate Date,
    EventLocation? Location,
    string[] Tags,
    EventEscalation Escalation,
    [property: Description("`published` or `retracted`.")] string Status,
    Retraction? Retraction,
    [property: Description("Wikidata item id, when one exists.")] string? WikidataQid,
    [property: Description("Increases with every revision; the event's ETag.")] int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>An actor taking part in an event, with its role.</summary>
internal sealed record EventActor(string Id, string Name, string Type, string? Country,
    [property: Description("speaker, initiator, target, affected, mediator or participant.")] string Role);

/// <summary>A source the event rests on. `url` is given only when known, never made up.</summary>
internal sealed record EventSource(string Id, string? Outlet, string Title,
    [property: Description("True when the title is our description of an untitled source, shown in brackets.")] bool TitleIsDescriptive,
    string? Author, string Language, DateOnly? PublishedOn, string? Url,
    [property: Description("When `url` was last seen serving this source's text; null when there is no URL or it was not recorded.")] DateOnly? UrlCheckedOn);

/// <summary>A reference to an actor.</summary>
internal sealed record ActorRef(string Id, string Name);

/// <summary>Exact words, attributed.</summary>
internal sealed record EventQuote(string Text, ActorRef Speaker,
    [property: Description("ISO 639-1 code of the language of `text`.")] string Language,
    [property: Description("When `text` is a translation published by the source: the language the words were said in. Null when `text` is the original.")] string? OriginalLanguage,
    string? Translation,
    [property: Description("Id of the source (in `sources`) the words come from.")] string? Source, DateOnly? SaidOn);

/// <summary>A statement about the event, who makes it, and how far it is established.</summary>
internal sealed record EventClaim(string Statement,
    [property: Description("`alleged`, `disputed`, `confirmed` or `refuted`.")] string Status,
    ActorRef[] Claimants, string[] Sources);

/// <summary>The other end of a relation.</summary>
internal sealed record RelatedEvent(string Id, string Title, DateOnly Start);

/// <summary>A link to another event.</summary>
internal sealed record EventRelation(
    [property: Description("responds-to, escalates, follows, same-thread or contradicts.")] string Type,
    [property: Description("`outgoing`: this event {type} the other; `incoming`: the other {type} this one.")] string Direction,
    string? Note, RelatedEvent Event);

/// <summary>An event with everything known about it.</summary>
internal sealed record EventDetail(
    string Id, string Title, string Summary, string Kind, EventDate Date, EventLocation? Location, string[] Tags,
    EventEscalation Escalation, string Status, Retraction? Retraction, string? WikidataQid, int Version,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    EventActor[] Actors, EventSource[] Sources, EventQuote[] Quotes, EventClaim[] Claims, EventRelation[] Relations);

/// <summary>One page of events.</summary>
internal sealed record EventPage(
    EventSummary[] Items,
    [property: Description("Pass as `cursor` to get the next page; null on the last page. Also sent as a `Link: rel=\"next\"` header.")] string? NextCursor);
