using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Timeline.Api.Tests.CuratedData;

/// <summary>
/// A fact-checker's review of db/curated/timeline.json, run on the file itself (no database): sourcing,
/// dating, references and ids. Each failure lists every offending id so the fix can start from the message.
/// </summary>
public sealed partial class CuratedDataReviewTests
{
    private const int MinimumEvents = 120;
    private const double MinimumShareWithTwoSources = 0.80;

    private static readonly Lazy<JsonObject> Data = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "db", "curated", "timeline.json")))!.AsObject());

    private static IEnumerable<JsonObject> Events => Data.Value["events"]!.AsArray().Select(e => e!.AsObject());
    private static IEnumerable<JsonObject> Sources => Data.Value["sources"]!.AsArray().Select(s => s!.AsObject());
    private static IEnumerable<JsonObject> Actors => Data.Value["actors"]!.AsArray().Select(a => a!.AsObject());

    [Fact]
    public void EveryEventCitesAtLeastOneSource()
    {
        var bad = Events.Where(e => StringsOf(e["sources"]).Count == 0).Select(Id).ToList();

        AssertNone(bad, "events without a source");
    }

    [Fact]
    public void NoEventStartsBeforeAnEventItFollowsOrRespondsTo()
    {
        var starts = Events.ToDictionary(Id, StartOf, StringComparer.Ordinal);
        var bad = (from e in Events
                   from r in Relations(e)
                   where r.Type is "follows" or "responds-to" && starts.TryGetValue(r.Target, out var target) && StartOf(e) < target
                   select $"{Id(e)} {r.Type} {r.Target}").ToList();

        AssertNone(bad, "relations out of date order (the event starts before the one it follows or responds to)");
    }

    [Fact]
    public void EveryQuoteCitesASourceAmongItsEventsSources()
    {
        var bad = (from e in Events
                   let sources = StringsOf(e["sources"])
                   from q in ArrayOf(e["quotes"])
                   let source = (string?)q["source"]
                   where source is null || !sources.Contains(source)
                   select $"{Id(e)} (quote source '{source ?? "none"}')").ToList();

        AssertNone(bad, "quotes whose source is not among their event's sources");
    }

    [Fact]
    public void EveryUrlIsAnAbsoluteHttpsAddressWithTheDayItWasChecked()
    {
        var notHttps = Sources
            .Where(s => (string?)s["url"] is { } url
                        && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && !string.IsNullOrEmpty(uri.Host)))
            .Select(Id).ToList();
        var unchecked_ = Sources
            .Where(s => (string?)s["url"] is not null && !DateOnly.TryParseExact((string?)s["urlCheckedOn"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            .Select(Id).ToList();

        AssertNone(notHttps, "sources whose url is not an absolute https address");
        AssertNone(unchecked_, "sources with a url but no urlCheckedOn date");
    }

    [Fact]
    public void NoIdIsUsedTwiceAcrossEventsActorsSourcesAndFormerIds()
    {
        var all = Events.Select(Id)
            .Concat(Actors.Select(Id))
            .Concat(Sources.Select(Id))
            .Concat(Events.SelectMany(e => StringsOf(e["formerIds"])));
        var bad = all.GroupBy(i => i, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

        AssertNone(bad, "ids used more than once (events, actors, sources and former event ids share one space)");
    }

    [Fact]
    public void EveryIdIsASlugAndEveryEventIdStartsWithItsDate()
    {
        var notSlugs = Events.Select(Id).Concat(Actors.Select(Id)).Concat(Sources.Select(Id))
            .Concat(Events.SelectMany(e => StringsOf(e["formerIds"])))
            .Where(i => !Slug().IsMatch(i) || i.Length > 100).ToList();
        var misdated = Events
            .Where(e => !Id(e).StartsWith((string)e["date"]!["precision"]! == "day"
                ? StartOf(e).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "-"
                : StartOf(e).ToString("yyyy-MM", CultureInfo.InvariantCulture) + "-", StringComparison.Ordinal))
            .Select(Id).ToList();

        AssertNone(notSlugs, "ids that are not slugs of at most 100 characters");
        AssertNone(misdated, "event ids that do not start with their start date");
    }

    [Fact]
    public void EveryEscalationLevelIsOnTheLadderAndItsRationaleNamesTheRung()
    {
        var offLadder = Events.Where(e => (int?)e["escalation"]?["level"] is not (>= 0 and <= 7)).Select(Id).ToList();
        var unnamed = Events
            .Where(e => !((string?)e["escalation"]?["rationale"] ?? "").StartsWith(
                string.Create(CultureInfo.InvariantCulture, $"Level {(int?)e["escalation"]?["level"]} ("), StringComparison.Ordinal))
            .Select(Id).ToList();

        AssertNone(offLadder, "events with a level outside the ladder (0–7)");
        AssertNone(unnamed, "events whose rationale does not name its rung ('Level N (Name): criterion')");
    }

    [Fact]
    public void SeedDerivedEventsAreDatedToTheDayWhenTheirDateNoteNamesTheDay()
    {
        var seedSources = Sources.Where(s => (string?)s["seed"] is not null).Select(Id).ToHashSet(StringComparer.Ordinal);
        var bad = Events
            .Where(e => StringsOf(e["sources"]).Any(seedSources.Contains)
                        && (string)e["date"]!["precision"]! != "day"
                        && NamesADay().IsMatch((string?)e["dateNote"] ?? ""))
            .Select(Id).ToList();

        AssertNone(bad, "seed-derived events below day precision although their date note names the day");
    }

    [Fact]
    public void EveryReferencedActorSourceAndEventExists()
    {
        var actors = Actors.Select(Id).ToHashSet(StringComparer.Ordinal);
        var sources = Sources.Select(Id).ToHashSet(StringComparer.Ordinal);
        var events = Events.Select(Id).ToHashSet(StringComparer.Ordinal);
        var bad = new List<string>();
        foreach (var e in Events)
        {
            bad.AddRange(ArrayOf(e["actors"]).Select(a => (string)a["actor"]!).Where(a => !actors.Contains(a)).Select(a => $"{Id(e)}: actor {a}"));
            bad.AddRange(StringsOf(e["sources"]).Where(s => !sources.Contains(s)).Select(s => $"{Id(e)}: source {s}"));
            bad.AddRange(ArrayOf(e["quotes"]).Select(q => (string)q["speaker"]!).Where(a => !actors.Contains(a)).Select(a => $"{Id(e)}: quote speaker {a}"));
            bad.AddRange(ArrayOf(e["claims"]).SelectMany(c => StringsOf(c["claimants"])).Where(a => !actors.Contains(a)).Select(a => $"{Id(e)}: claimant {a}"));
            bad.AddRange(ArrayOf(e["claims"]).SelectMany(c => StringsOf(c["sources"])).Where(s => !sources.Contains(s)).Select(s => $"{Id(e)}: claim source {s}"));
            bad.AddRange(Relations(e).Where(r => !events.Contains(r.Target)).Select(r => $"{Id(e)}: relation target {r.Target}"));
        }

        AssertNone(bad, "references to actors, sources or events that are not in the file");
    }

    [Fact]
    public void TheDataSetHoldsAtLeast120Events()
    {
        var count = Events.Count();

        Assert.True(count >= MinimumEvents, string.Create(CultureInfo.InvariantCulture, $"expected at least {MinimumEvents} events, found {count}"));
    }

    [Fact]
    public void AtLeastEightyPercentOfEventsCiteTwoOrMoreSources()
    {
        var events = Events.ToList();
        var single = events.Where(e => StringsOf(e["sources"]).Count < 2).Select(Id).ToList();
        var share = 1.0 - (double)single.Count / events.Count;

        Assert.True(share >= MinimumShareWithTwoSources, string.Create(CultureInfo.InvariantCulture,
            $"{share:P1} of events cite two or more sources, below {MinimumShareWithTwoSources:P0}; single-source events: {string.Join(", ", single)}"));
    }

    private static void AssertNone(List<string> offending, string what) =>
        Assert.True(offending.Count == 0, $"{offending.Count} {what}: {string.Join(", ", offending)}");

    private static string Id(JsonObject o) => (string)o["id"]!;

    private static DateOnly StartOf(JsonObject e) =>
        DateOnly.ParseExact((string)e["date"]!["start"]!, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static IEnumerable<JsonObject> ArrayOf(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => n!.AsObject()) : [];

    private static List<string> StringsOf(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => (string)n!).ToList() : [];

    private static IEnumerable<(string Type, string Target)> Relations(JsonObject e) =>
        ArrayOf(e["relations"]).Select(r => ((string)r["type"]!, (string)r["target"]!));

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Slug();

    // A day named in a note: a weekday, "27 December", "December 27" or an ISO date.
    [GeneratedRegex(@"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December)\b|\b(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}\b|\b\d{4}-\d{2}-\d{2}\b")]
    private static partial Regex NamesADay();
}
