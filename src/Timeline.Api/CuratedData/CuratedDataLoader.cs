using System.Text.Json;
using Dapper;
using Npgsql;

namespace Timeline.Api.CuratedData;

/// <summary>
/// Loads the curated data set (db/curated/timeline.json) in one transaction. It only adds: an event,
/// actor or source whose id is already in the database is left as it is, so editors' corrections made
/// through the API are never overwritten by a restart. Every event it adds gets its "created" revision.
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
                insert into sources (slug, outlet, title, title_is_descriptive, author, language, published_on, url, seed, note)
                values (@Id, @Outlet, @Title, @TitleIsDescriptive, @Author, @Language, @PublishedOn, @Url, @Seed, @Note)
                on conflict (slug) do nothing
                """, s, tx, cancellationToken: ct));
        }

        var existing = (await conn.QueryAsync<string>(new CommandDefinition(
            "select slug from events where slug = any(@slugs)", new { slugs = set.Events.Select(e => e.Id).ToArray() }, tx, cancellationToken: ct))).ToHashSet();
        var added = set.Events.Where(e => !existing.Contains(e.Id)).ToList();

        foreach (var e in added)
        {
            var id = await conn.ExecuteScalarAsync<long>(new CommandDefinition("""
                insert into events (slug, title, summary, kind, occurred_on, occurred_until, date_precision, approximate, date_note,
                                    place_name, country_code, latitude, longitude, tags, escalation_level, escalation_rationale, wikidata_qid)
                values (@Id, @Title, @Summary, @Kind, @Start, @End, @Precision, @Approximate, @DateNote,
                        @Place, @Country, @Lat, @Lon, @Tags, @Level, @Rationale, @WikidataQid)
                returning id
                """, new
            {
                e.Id, e.Title, e.Summary, e.Kind, e.Date.Start, e.Date.End, e.Date.Precision, e.Date.Approximate, e.DateNote,
                e.Location?.Place, e.Location?.Country, e.Location?.Lat, e.Location?.Lon, e.Tags,
                Level = (short)e.Escalation.Level, e.Escalation.Rationale, e.WikidataQid,
            }, tx, cancellationToken: ct));

            foreach (var ea in e.Actors)
            {
                (await conn.ExecuteAsync(new CommandDefinition("""
                    insert into event_actors (event_id, actor_id, role)
                    select @id, a.id, @Role from actors a where a.slug = @Actor
                    """, new { id, ea.Actor, ea.Role }, tx, cancellationToken: ct))).EnsureOne($"actor '{ea.Actor}' of event {e.Id}");
            }
            for (var i = 0; i < e.Sources.Length; i++)
            {
                (await conn.ExecuteAsync(new CommandDefinition("""
                    insert into event_sources (event_id, source_id, position)
                    select @id, s.id, @position from sources s where s.slug = @source
                    """, new { id, position = (short)i, source = e.Sources[i] }, tx, cancellationToken: ct))).EnsureOne($"source '{e.Sources[i]}' of event {e.Id}");
            }
            for (var i = 0; i < e.Quotes.Length; i++)
            {
                var q = e.Quotes[i];
                (await conn.ExecuteAsync(new CommandDefinition("""
                    insert into quotes (event_id, position, speaker_id, text, language, translation, source_id, said_on)
                    select @id, @position, a.id, @Text, @Language, @Translation, (select s.id from sources s where s.slug = @Source), @SaidOn
                    from actors a where a.slug = @Speaker
                    """, new { id, position = (short)i, q.Speaker, q.Text, q.Language, q.Translation, q.Source, q.SaidOn }, tx, cancellationToken: ct)))
                    .EnsureOne($"speaker '{q.Speaker}' of a quote in event {e.Id}");
            }
            for (var i = 0; i < e.Claims.Length; i++)
            {
                var c = e.Claims[i];
                var claimId = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
                    "insert into claims (event_id, position, statement, status) values (@id, @position, @Statement, @Status) returning id",
                    new { id, position = (short)i, c.Statement, c.Status }, tx, cancellationToken: ct));
                await conn.ExecuteAsync(new CommandDefinition(
                    "insert into claim_claimants (claim_id, actor_id) select @claimId, a.id from actors a where a.slug = any(@Claimants)",
                    new { claimId, c.Claimants }, tx, cancellationToken: ct));
                await conn.ExecuteAsync(new CommandDefinition(
                    "insert into claim_sources (claim_id, source_id) select @claimId, s.id from sources s where s.slug = any(@Sources)",
                    new { claimId, c.Sources }, tx, cancellationToken: ct));
            }
        }

        foreach (var e in added)
        {
            foreach (var r in e.Relations)
            {
                await conn.ExecuteAsync(new CommandDefinition("""
                    insert into event_relations (from_event_id, to_event_id, type, note)
                    select f.id, t.id, @Type, @Note from events f, events t where f.slug = @from and t.slug = @Target
                    on conflict do nothing
                    """, new { from = e.Id, r.Target, r.Type, r.Note }, tx, cancellationToken: ct));
            }
        }

        // The change feed's ordering lock, as every writer takes it before its revision (see EventWriter).
        await conn.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(@FeedLock)",
            new { Editing.EventWriter.FeedLock }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into revisions (event_id, version, action, changed_by, reason, snapshot)
            select e.id, e.version, 'created', @Editor, 'Loaded from the curated data set (db/curated/timeline.json).', event_document(e)
            from events e where e.slug = any(@slugs)
            """, new { Editor, slugs = added.Select(e => e.Id).ToArray() }, tx, cancellationToken: ct));

        await tx.CommitAsync(ct);
        log.LogInformation("Curated data set: {Added} events added, {Kept} already present", added.Count, existing.Count);
        return added.Count;
    }

    private static void EnsureOne(this int rows, string what)
    {
        if (rows != 1) throw new InvalidOperationException($"Curated data set: unknown {what}.");
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
        string[]? FormerIds = null, string? ChangeReason = null);
    private sealed record CuratedDate(DateOnly Start, DateOnly? End, string Precision, bool Approximate);
    private sealed record CuratedLocation(string? Place, string? Country, double? Lat, double? Lon);
    private sealed record CuratedEscalation(int Level, string Rationale);
    private sealed record CuratedRole(string Actor, string Role);
    private sealed record CuratedQuote(string Text, string Speaker, string Language, string? Translation, string? Source, DateOnly? SaidOn,
        string? OriginalLanguage = null);
    private sealed record CuratedClaim(string Statement, string Status, string[] Claimants, string[] Sources);
    private sealed record CuratedRelation(string Type, string Target, string? Note);
}
