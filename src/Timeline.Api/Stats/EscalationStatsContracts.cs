using System.ComponentModel;

namespace Timeline.Api.Stats;

// The public shape of /v1/stats/escalation. The JSON is built by PostgreSQL (EscalationStatsEndpoints.StatsSql);
// these records document it and let tests read it strictly.

/// <summary>One bucket (a day, an ISO week starting on Monday, or a calendar month) of the escalation curve.</summary>
internal sealed record EscalationBucket(
    [property: Description("First day of the bucket. The first and last bucket may be cut short by the window (`from`, `to`).")] DateOnly Start,
    [property: Description("Last day of the bucket.")] DateOnly End,
    [property: Description("Number of events starting in the bucket (within the window and filters).")] int Events,
    [property: Description("Highest escalation level among them, 0–7; null when the bucket is empty.")] int? MaxLevel,
    [property: Description("Mean escalation level, rounded to 2 decimals; null when the bucket is empty.")] decimal? MeanLevel,
    [property: Description("Number of events per kind, for the kinds present in the bucket (an empty bucket has `{}`).")] Dictionary<string, int> ByKind);

/// <summary>The escalation curve: events per bucket with their highest and mean level, without gaps.</summary>
internal sealed record EscalationStats(
    [property: Description("`day`, `week` (ISO weeks, Monday first) or `month`.")] string Bucket,
    [property: Description("First day of the window: `from` when given, otherwise the first matching event's date; null when nothing matches and no window was given.")] DateOnly? From,
    [property: Description("Last day of the window: `to` when given, otherwise the last matching event's date; null when nothing matches and no window was given.")] DateOnly? To,
    [property: Description("Number of events in the window matching the filters: the sum of the buckets' `events`.")] int TotalEvents,
    [property: Description("Every bucket from the one holding `from` to the one holding `to`, in date order, empty ones included.")] EscalationBucket[] Buckets);
