using System.Text;
using System.Text.Json;
using Timeline.Api.Events;
using Timeline.Api.Exports;

namespace Timeline.Api.Tests.Exports;

/// <summary>
/// The text formats read their fields from the stored document by name (Exports/ExportEvent.cs): a document
/// serialized from the contract records, with every field set, must give each of them back.
/// </summary>
public sealed class ExportEventTests
{
    private static readonly DateTimeOffset Created = new(2024, 3, 10, 8, 0, 0, TimeSpan.Zero);

    private static readonly EventDetail Full = new(
        "test-full", "A \"quoted\" title — with a backslash \\", "Line one,\r\nline two 🚀", "incident",
        new EventDate(new DateOnly(2024, 3, 10), new DateOnly(2024, 3, 12), "day", true, "Per the <source>"),
        new EventLocation("Київ", "UA", 50.45, 30.52), ["one", "two, three"],
        new EventEscalation(4, "Spill-over", "Reached NATO territory."),
        "retracted", new Retraction("It did not happen.", Created.AddDays(2), "editor"), "Q42", 3, Created, Created.AddDays(1),
        [new EventActor("poland", "Poland", "state", "PL", "affected")],
        [new EventSource("s1", "Outlet", "Report", false, "An author", "en", new DateOnly(2024, 3, 11), "https://example.org/r", null),
         new EventSource("s2", null, "Untitled", true, null, "pl", null, null, null)],
        [new EventQuote("We said \"no\".", new ActorRef("poland", "Poland"), "en", null, null, "s1", null)],
        [new EventClaim("A claim", "disputed", [new ActorRef("poland", "Poland"), new ActorRef("nato", "NATO")], ["s1"])],
        [new EventRelation("follows", "outgoing", null, new RelatedEvent("other", "Other", new DateOnly(2024, 1, 1)))]);

    [Fact]
    public void ReadingAStoredDocumentGivesEveryFieldTheTextFormatsWrite()
    {
        var e = new ExportEvent();
        e.Read(JsonSerializer.SerializeToUtf8Bytes(Full, EventJsonContext.Default.EventDetail));

        Assert.Equal(Full.Id, Text(e.Id));
        Assert.Equal(Full.Title, Text(e.Title));
        Assert.Equal(Full.Summary, Text(e.Summary));
        Assert.Equal(Full.Kind, Text(e.Kind));
        Assert.Equal((Full.Date.Start, Full.Date.End, Full.Date.Precision, Full.Date.Approximate, Full.Date.Note),
            (e.Start, e.End, e.Precision, e.Approximate, Text(e.DateNote)));
        Assert.Equal((Full.Location!.Place, Full.Location.Country, Full.Location.Lat, Full.Location.Lon),
            (Text(e.Place), Text(e.Country), e.Lat, e.Lon));
        Assert.Equal(Full.Tags, e.Tags.Select(t => Text(t)));
        Assert.Equal((Full.Escalation.Level, Full.Escalation.Name, Full.Escalation.Rationale), (e.Level, Text(e.LevelName), Text(e.Rationale)));
        Assert.Equal(Full.Status, e.Status);
        Assert.Equal((Full.Retraction!.Reason, Full.Retraction.RetractedAt), (Text(e.Retraction!.Value.Reason), e.Retraction.Value.RetractedAt));
        Assert.Equal((Full.WikidataQid, Full.Version, Full.CreatedAt, Full.UpdatedAt), (Text(e.WikidataQid), e.Version, e.CreatedAt, e.UpdatedAt));
        Assert.Equal(Full.Actors.Select(a => (a.Name, a.Role)), e.Actors.Select(a => (Text(a.Name), Text(a.Role))));
        Assert.Equal(Full.Sources.Select(s => (s.Outlet, s.Title, s.Author, s.PublishedOn, s.Url)),
            e.Sources.Select(s => (Text(s.Outlet), Text(s.Title), Text(s.Author), s.PublishedOn, Text(s.Url))));
        Assert.Equal(Full.Quotes.Select(q => (q.Speaker.Name, q.Text)), e.Quotes.Select(q => (Text(q.Speaker), Text(q.Text))));
        Assert.Equal(Full.Claims.Select(c => (c.Statement, c.Status, string.Join("|", c.Claimants.Select(a => a.Name)))),
            e.Claims.Select(c => (Text(c.Statement), c.Status, string.Join("|", c.Claimants.Select(a => Text(a))))));
    }

    [Fact]
    public void ReadingTheNextDocumentLeavesNothingOfThePreviousOne()
    {
        var e = new ExportEvent();
        e.Read(JsonSerializer.SerializeToUtf8Bytes(Full, EventJsonContext.Default.EventDetail));
        var bare = Full with { Location = null, Retraction = null, WikidataQid = null, Date = Full.Date with { End = null, Note = null }, Tags = [], Actors = [], Sources = [], Quotes = [], Claims = [] };

        e.Read(JsonSerializer.SerializeToUtf8Bytes(bare, EventJsonContext.Default.EventDetail));

        Assert.Equal((null, null, null, null, null, null, null), (e.End, e.DateNote, e.Place, e.Country, e.Lat, e.Lon, e.WikidataQid));
        Assert.Null(e.Retraction);
        Assert.Empty(e.Tags);
        Assert.Empty(e.Actors);
        Assert.Empty(e.Sources);
        Assert.Empty(e.Quotes);
        Assert.Empty(e.Claims);
    }

    private static string Text(ReadOnlyMemory<byte> utf8) => Encoding.UTF8.GetString(utf8.Span);

    private static string? Text(ReadOnlyMemory<byte>? utf8) => utf8 is { } t ? Text(t) : null;
}
