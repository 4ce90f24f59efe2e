using Timeline.Api.Tests.Infrastructure;
using Timeline.Api.Vocabularies;

namespace Timeline.Api.Tests.Vocabularies;

public sealed class VocabularyTests(TimelineApp app) : IClassFixture<TimelineApp>
{
    [Fact]
    public async Task ListingTagsGivesEachTagInUseAlphabeticallyWithItsCount()
    {
        var tags = await app.GetJsonAsync<TagList>("/v1/tags");
        var events = await app.WalkEventsAsync("");

        Assert.NotEmpty(tags.Items);
        Assert.Equal(tags.Items.Select(t => t.Tag).Order(StringComparer.Ordinal), tags.Items.Select(t => t.Tag));
        Assert.Equal(events.SelectMany(e => e.Tags).Distinct().Order(StringComparer.Ordinal), tags.Items.Select(t => t.Tag));
        Assert.All(tags.Items, t => Assert.Equal(events.Count(e => e.Tags.Contains(t.Tag)), t.EventCount));
    }

    [Fact]
    public async Task ListingKindsGivesTheWholeClosedVocabularyWithCounts()
    {
        var kinds = await app.GetJsonAsync<KindList>("/v1/kinds");
        var events = await app.WalkEventsAsync("");

        Assert.Equal(["deployment", "diplomacy", "incident", "military-aid", "military-operation", "policy", "sanctions", "statement"],
            kinds.Items.Select(k => k.Code));
        Assert.Equal("Incident", kinds.Items.Single(k => k.Code == "incident").Name);
        Assert.All(kinds.Items, k => Assert.False(string.IsNullOrWhiteSpace(k.Description)));
        Assert.All(kinds.Items, k => Assert.Equal(events.Count(e => e.Kind == k.Code), k.EventCount));
    }

    [Fact]
    public async Task GettingTheEscalationLadderGivesLevelsZeroToSevenWithCounts()
    {
        var ladder = await app.GetJsonAsync<EscalationLadder>("/v1/escalation-ladder");
        var events = await app.WalkEventsAsync("");

        Assert.Equal(Enumerable.Range(0, 8), ladder.Items.Select(l => l.Level));
        Assert.Equal(["De-escalation", "Rhetoric", "Posture", "Capability", "Spill-over", "Spill-over with casualties", "Direct clash", "Nuclear use"],
            ladder.Items.Select(l => l.Name));
        Assert.Equal("direct talks, ceasefire or security-guarantee proposals, prisoner exchanges, summits that seek a settlement", ladder.Items[0].Examples);
        Assert.Equal(events.Count, ladder.Items.Sum(l => l.EventCount));
        Assert.All(ladder.Items, l => Assert.Equal(events.Count(e => e.Escalation.Level == l.Level), l.EventCount));
    }
}
