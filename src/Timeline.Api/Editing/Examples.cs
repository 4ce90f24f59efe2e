namespace Timeline.Api.Editing;

/// <summary>
/// Example bodies shown in Swagger UI. They describe the Przewodów explosion of 15 November 2022 with
/// facts from the product brief; the source is described (no invented title or URL) and no quote is made up.
/// </summary>
internal static class Examples
{
    private static readonly EventDateInput Date = new(new DateOnly(2022, 11, 15), null, "day", false, null);
    private static readonly EventLocationInput Location = new("Przewodów", "PL", null, null);
    private static readonly EscalationInput Escalation = new(5, "A missile killed two people on NATO territory.");
    private static readonly EventActorInput[] Actors = [new("poland", "affected")];
    private static readonly ClaimInput[] Claims =
        [new("The missile was a Ukrainian air-defence missile.", "confirmed", ["poland"], ["example-polish-statement"])];
    private static readonly NewSourceInput[] NewSources =
        [new("example-polish-statement", "Government of Poland", "Statement on the explosion in Przewodów", true, null, "pl", null, null, null)];

    public static readonly CreateEventRequest CreateEvent = new(
        "2022-11-15-przewodow-explosion-example", "Missile falls on Przewodów, Poland",
        "A missile fell on a farm in the Polish village of Przewodów near the Ukrainian border, killing two people.",
        "incident", Date, Location, ["air-defence", "spill-over"], Escalation, null,
        Actors, ["example-polish-statement"], NewSources, [], Claims, []);

    public static readonly ReviseEventRequest ReviseEvent = new(
        "States who has confirmed the origin of the missile.",
        CreateEvent.Title, CreateEvent.Summary, CreateEvent.Kind, Date, Location, CreateEvent.Tags, Escalation, null,
        Actors, ["example-polish-statement"], [], [], Claims, []);

    public static readonly RetractEventRequest RetractEvent = new("Duplicate of 2022-11-15-przewodow-missile, which tells the same story.");
}
