using System.ComponentModel;
using Timeline.Api.Events;

namespace Timeline.Api.Actors;

/// <summary>A person, state, organisation or alliance that takes part in events.</summary>
internal sealed record Actor(
    [property: Description("Stable public id (slug), e.g. `sergey-lavrov`; filter events with `/v1/events?actor=…`.")] string Id,
    string Name,
    [property: Description("`person`, `state`, `organisation` or `alliance`.")] string Type,
    [property: Description("ISO 3166-1 alpha-2 code of the actor's country (a person's or organisation's home state); null for alliances.")] string? Country,
    [property: Description("Wikidata item id, when one exists.")] string? WikidataQid,
    [property: Description("A line on who the actor is, where that needs saying.")] string? Description,
    [property: Description("Number of published events the actor takes part in, in any role.")] int EventCount);

/// <summary>Every actor matching the filters, by name. The list is complete: no paging.</summary>
internal sealed record ActorList(Actor[] Items);

/// <summary>An event an actor takes part in, and the actor's role(s) in it.</summary>
internal sealed record ActorEvent(
    [property: Description("Event id (slug); the whole event is at `/v1/events/{id}`.")] string Id,
    string Title,
    [property: Description("Kind of event; see /v1/kinds.")] string Kind,
    EventDate Date,
    [property: Description("The event's level on the escalation ladder, 0–7.")] int EscalationLevel,
    [property: Description("The actor's roles in the event: speaker, initiator, target, affected, mediator or participant.")] string[] Roles);

/// <summary>An actor with its most recent events.</summary>
internal sealed record ActorDetail(
    string Id, string Name, string Type, string? Country, string? WikidataQid, string? Description, int EventCount,
    [property: Description("The actor's published events, newest first, at most 50; `allEvents` pages through every one.")] ActorEvent[] Events,
    [property: Description("The actor's events in the event list (filterable, paged), e.g. `/v1/events?actor=sergey-lavrov&sort=-date`.")] string AllEvents);
