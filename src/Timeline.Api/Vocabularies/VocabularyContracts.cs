using System.ComponentModel;

namespace Timeline.Api.Vocabularies;

// The vocabularies behind the event filters, for drop-downs. Counts are of published events:
// retracted events keep their kind, tags and level but are not counted.

/// <summary>A tag and how many published events carry it.</summary>
internal sealed record TagCount(
    [property: Description("The tag, lowercase words joined by hyphens; filter with `/v1/events?tag=…`.")] string Tag,
    [property: Description("Number of published events with this tag.")] int EventCount);

/// <summary>Every tag in use, alphabetically.</summary>
internal sealed record TagList(TagCount[] Items);

/// <summary>A kind of event.</summary>
internal sealed record Kind(
    [property: Description("The code used in events and in `/v1/events?kind=…`.")] string Code,
    [property: Description("Display name.")] string Name,
    [property: Description("What events of this kind are.")] string Description,
    [property: Description("Number of published events of this kind.")] int EventCount);

/// <summary>The closed list of event kinds, by code.</summary>
internal sealed record KindList(Kind[] Items);

/// <summary>A rung of the escalation ladder (the editorial rubric every event is placed on).</summary>
internal sealed record EscalationLevel(
    [property: Description("Level 0 (de-escalation) to 7 (nuclear use); filter with `minLevel`/`maxLevel`.")] int Level,
    [property: Description("Name of the level.")] string Name,
    [property: Description("What the level means.")] string Description,
    [property: Description("Typical events on this level.")] string Examples,
    [property: Description("Number of published events on this level.")] int EventCount);

/// <summary>The escalation ladder, lowest level first.</summary>
internal sealed record EscalationLadder(EscalationLevel[] Items);
