using System.Text.Json;
using Dapper;
using Npgsql;
using Timeline.Api.Editing;

namespace Timeline.Api.CuratedData;

/// <summary>
/// Loads the curated data set (db/curated/timeline.json) in one transaction. It only adds: an event,
/// actor or source whose id is already in the database is left as it is, so editors' corrections made
/// through the API are never overwritten by a restart. Events go through <see cref="EventWriter"/>, like
/// the API's writes, so each one it adds gets its stored JSON and its "created" revision.
/// </summary>
internal static class CuratedDataLoader
{
    public static readonly string DefaultFile = Path.Combine(AppContext.BaseDirectory, "db", "curated", "timeline.json");
    public const string Editor = "curated-data";

    public static async Task<int> LoadAsync(NpgsqlDataSource db, string file, ILogger log, CancellationToken ct)
    {
        CuratedSet set;
        await using (var stream = File.OpenRead(file))
        {
            set = await JsonSerializer.DeserializeAsync<CuratedSet>(stream, JsonOptions, ct)
                ?? throw new InvalidOperationException($"{file} is empty.");
        }

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // One loader at a time: two instances starting together would otherwise race on the same slugs.
        await conn.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(7345190220115)", transaction: tx, cancellationToken: ct));

        foreach (var a in set.Actors)
        {
            await conn.ExecuteAsync(new CommandDefinition("""
                insert into actors (slug, name, type, country_code, wikidata_qid, description)
                values (@Id, @Name, @Type, @Country, @WikidataQid, @Description)
                on conflict (slug) do nothing
                """, a, tx, cancellationToken: ct));
        }
        foreach (var s in set.Sources)
        {
            await conn.ExecuteAsync(new CommandDefinition("""
                insert into sources (slug, outlet, title, title_is_descriptive, author, language, published_on, url, url_checked_on, seed, note)
                values (@Id, @Outlet, @Title, @TitleIsDescriptive, @Author, @Language, @PublishedOn, @Url, @UrlCheckedOn, @Seed, @Note)
                on conflict (slug) do nothing
                """, s, tx, cancellationToken: ct));
        }

        var existing = (await conn.QueryAsync<string>(new CommandDefinition(
            "select slug from events where slug = any(@slugs)", new { slugs = set.Events.Select(e => e.Id).ToArray() }, tx, cancellationToken: ct))).ToHashSet();
        var added = set.Events.Where(e => !existing.Contains(e.Id)).ToList();

        // Through the same writer as the API: same checks, same stored JSON, same revisions.
        await EventWriter.CreateAsync(conn, tx, [.. added.Select(e => (e.Id, (IEventFields)e.ToRequest()))], Editor,
            "Loaded from the curated data set (db/curated/timeline.json).", ct);

        await tx.CommitAsync(ct);
        log.LogInformation("Curated data set: {Added} events added, {Kept} already present", added.Count, existing.Count);
        return added.Count;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    private sealed record CuratedSet(string Description, CuratedActor[] Actors, CuratedSource[] Sources, CuratedEvent[] Events);
    private sealed record CuratedActor(string Id, string Name, string Type, string? Country, string? WikidataQid, string? Description);
    private sealed record CuratedSource(string Id, string? Outlet, string Title, bool TitleIsDescriptive, string? Author,
        string Language, DateOnly? PublishedOn, string? Url, string? Seed, string? Note, DateOnly? UrlCheckedOn = null);
    private sealed record CuratedEvent(string Id, string Title, string Summary, string Kind, CuratedDate Date, string? DateNote,
        CuratedLocation? Location, string[] Tags, CuratedEscalation Escalation, string? WikidataQid,
        CuratedRole[] Actors, string[] Sources, CuratedQuote[] Quotes, CuratedClaim[] Claims, CuratedRelation[] Relations,
        string[]? FormerIds = null, string? ChangeReason = null)
    {
        public CreateEventRequest ToRequest() => new(Id, Title, Summary, Kind,
            new EventDateInput(Date.Start, Date.End, Date.Precision, Date.Approximate, DateNote),
            Location is null ? null : new EventLocationInput(Location.Place, Location.Country, Location.Lat, Location.Lon),
            Tags, new EscalationInput(Escalation.Level, Escalation.Rationale), WikidataQid,
            [.. Actors.Select(a => new EventActorInput(a.Actor, a.Role))],
            Sources, [],
            [.. Quotes.Select(q => new QuoteInput(q.Text, q.Speaker, q.Language, q.Translation, q.Source, q.SaidOn, q.OriginalLanguage))],
            [.. Claims.Select(c => new ClaimInput(c.Statement, c.Status, c.Claimants, c.Sources))],
            [.. Relations.Select(r => new RelationInput(r.Type, r.Target, r.Note))]);
    }
    private sealed record CuratedDate(DateOnly Start, DateOnly? End, string Precision, bool Approximate);
    private sealed record CuratedLocation(string? Place, string? Country, double? Lat, double? Lon);
    private sealed record CuratedEscalation(int Level, string Rationale);
    private sealed record CuratedRole(string Actor, string Role);
    private sealed record CuratedQuote(string Text, string Speaker, string Language, string? Translation, string? Source, DateOnly? SaidOn,
        string? OriginalLanguage = null);
    private sealed record CuratedClaim(string Statement, string Status, string[] Claimants, string[] Sources);
    private sealed record CuratedRelation(string Type, string Target, string? Note);
}
