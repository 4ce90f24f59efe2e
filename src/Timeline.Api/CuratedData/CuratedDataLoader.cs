using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using Timeline.Api.Editing;
using Timeline.Api.Events;

namespace Timeline.Api.CuratedData;

/// <summary>
/// Loads the curated data set (db/curated/timeline.json) at start-up, in one transaction, through the
/// same writer as the API (<see cref="EventWriter"/>): every change gets its stored JSON and a revision.
/// <list type="bullet">
/// <item>A new event is created; its <c>formerIds</c> become aliases that redirect.</item>
/// <item>An event whose id the file changed (the old id in <c>formerIds</c>) is renamed: a revision, and
/// the old id redirects.</item>
/// <item>An event whose entry changed in the file (or a source it cites) is revised with the file's
/// <c>changeReason</c>, when the curated data set made its latest change. When an editor changed it
/// through the API since, the editor's work is kept: the correction is logged and listed at
/// GET /v1/curated-data/conflicts until a person settles it, by revising the event through the API
/// (applying the correction, or not) after it was listed.</item>
/// <item>Actors are added when missing (admins correct them through the API); sources belong to the
/// file and are added or updated.</item>
/// </list>
/// </summary>
internal static class CuratedDataLoader
{
    public static readonly string DefaultFile = Path.Combine(AppContext.BaseDirectory, "db", "curated", "timeline.json");
    public const string Editor = "curated-data";
    private const string CreatedReason = "Loaded from the curated data set (db/curated/timeline.json).";
    private const string CorrectedReason = "Corrected in the curated data set (db/curated/timeline.json).";

    /// <summary>What a load did.</summary>
    internal sealed record Outcome(int Added, int Renamed, int Corrected, int Conflicts, int Unchanged);

    public static async Task<Outcome> LoadAsync(NpgsqlDataSource db, string file, ILogger log, CancellationToken ct)
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
        // Sources belong to the file. Those it changed are noted: every event citing them is rendered again below.
        var changedSources = new List<long>();
        foreach (var s in set.Sources)
        {
            // xmax is set on a row the upsert updated, not on one it inserted: a new source has no citing events yet.
            changedSources.AddRange((await conn.QueryAsync<long?>(new CommandDefinition("""
                insert into sources (slug, outlet, title, title_is_descriptive, author, language, published_on, url, url_checked_on, seed, note)
                values (@Id, @Outlet, @Title, @TitleIsDescriptive, @Author, @Language, @PublishedOn, @Url, @UrlCheckedOn, @Seed, @Note)
                on conflict (slug) do update set outlet = excluded.outlet, title = excluded.title, title_is_descriptive = excluded.title_is_descriptive,
                    author = excluded.author, language = excluded.language, published_on = excluded.published_on, url = excluded.url,
                    url_checked_on = excluded.url_checked_on, seed = excluded.seed, note = excluded.note
                where (sources.outlet, sources.title, sources.title_is_descriptive, sources.author, sources.language, sources.published_on,
                       sources.url, sources.url_checked_on, sources.seed, sources.note)
                      is distinct from (excluded.outlet, excluded.title, excluded.title_is_descriptive, excluded.author, excluded.language,
                       excluded.published_on, excluded.url, excluded.url_checked_on, excluded.seed, excluded.note)
                returning case when xmax::text <> '0' then id end
                """, s, tx, cancellationToken: ct))).OfType<long>());
        }

        // Each event of the file as the database holds it, found by its id, a former id, or an id it was
        // renamed away from (a file that takes a rename back); and who changed it last, read before this
        // load changes anything (a rename is a change too).
        var sources = set.Sources.ToDictionary(s => s.Id);
        var hashes = set.Events.ToDictionary(e => e.Id, e => Hash(e, sources));
        var names = set.Events.SelectMany(e => (e.FormerIds ?? []).Prepend(e.Id)).Distinct().ToArray();
        var known = (await conn.QueryAsync<Current>(new CommandDefinition("""
            select x.name as Name, e.slug, e.id, e.curated_hash as CuratedHash, r.changed_by as LastChangedBy, r.changed_at as LastChangedAt,
                   c.curated_hash as ConflictHash, c.detected_at as ConflictDetectedAt
            from unnest(@names) as x(name)
            join events e on e.slug = x.name or e.id = (select a.event_id from event_aliases a where a.slug = x.name)
            left join lateral (select changed_by, changed_at from revisions where event_id = e.id order by version desc limit 1) r on true
            left join curated_conflicts c on c.event_id = e.id
            """, new { names }, tx, cancellationToken: ct))).ToLookup(c => c.Name);
        var current = new Dictionary<string, Current>();
        var renamed = 0;
        foreach (var e in set.Events)
        {
            // Its own id first (a live id before an alias), then its former ids.
            var found = (e.FormerIds ?? []).Prepend(e.Id).SelectMany(name => known[name].OrderBy(c => c.Slug == name ? 0 : 1)).FirstOrDefault();
            if (found is null) continue;
            current[e.Id] = found;
            if (found.Slug != e.Id && await EventWriter.RenameAsync(conn, tx, found.Slug, e.Id,
                    $"Id changed from '{found.Slug}' to '{e.Id}'. {e.ChangeReason ?? CorrectedReason}", Editor, ct) is not null)
            {
                renamed++;
            }
        }

        var added = set.Events.Where(e => !current.ContainsKey(e.Id)).ToList();
        await EventWriter.CreateAsync(conn, tx, [.. added.Select(e => (e.Id, (IEventFields)e.ToRequest()))], Editor, CreatedReason, ct);
        foreach (var e in added)
        {
            await MarkLoadedAsync(conn, tx, e.Id, hashes[e.Id], ct);
        }
        // Every former id redirects, also where the event was created under its new id.
        var aliases = set.Events.SelectMany(e => (e.FormerIds ?? []).Select(old => (Old: old, Slug: e.Id))).ToArray();
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into event_aliases (slug, event_id)
            select x.old, e.id from unnest(@olds, @slugs) as x(old, slug) join events e on e.slug = x.slug
            on conflict (slug) do nothing
            """, new { olds = aliases.Select(a => a.Old).ToArray(), slugs = aliases.Select(a => a.Slug).ToArray() }, tx, cancellationToken: ct));

        int corrected = 0, conflicts = 0, unchanged = 0;
        foreach (var e in set.Events.Where(e => current.ContainsKey(e.Id)))
        {
            var now = current[e.Id];
            if (now.CuratedHash == hashes[e.Id])
            {
                unchanged++;
                continue;
            }
            if (now.LastChangedBy != Editor && now.ConflictHash == hashes[e.Id] && now.LastChangedAt > now.ConflictDetectedAt)
            {
                // An editor revised the event after this correction was listed: a person has settled it.
                await MarkLoadedAsync(conn, tx, e.Id, hashes[e.Id], ct);
                unchanged++;
                continue;
            }
            if (now.LastChangedBy != Editor)
            {
                // An editor changed the event through the API after the curated data set did: keep their work.
                await conn.ExecuteAsync(new CommandDefinition("""
                    insert into curated_conflicts (event_id, curated_hash, file_reason) values (@Id, @hash, @reason)
                    on conflict (event_id) do update set curated_hash = excluded.curated_hash, file_reason = excluded.file_reason,
                        detected_at = case when curated_conflicts.curated_hash = excluded.curated_hash then curated_conflicts.detected_at else now() end
                    """, new { now.Id, hash = hashes[e.Id], reason = e.ChangeReason }, tx, cancellationToken: ct));
                log.LogWarning("Curated data set: {Event} changed in the file, but {Editor} changed it through the API since; the correction is not applied (GET /v1/curated-data/conflicts)",
                    e.Id, now.LastChangedBy);
                conflicts++;
                continue;
            }
            // A revision only when the event as served changes: a new hash alone (a database loaded
            // before hashes were kept, or a reworded changeReason) is recorded without one.
            // The event as it is now, after any rename and any relation from an event added above.
            var (version, document) = await conn.QuerySingleAsync<(int, string?)>(new CommandDefinition(
                "select version, document_json from events where id = @Id", new { now.Id }, tx, cancellationToken: ct));
            await tx.SaveAsync("correction", ct);
            var written = await EventWriter.ReviseAsync(conn, tx, e.Id, [version], e.ToRequest(), e.ChangeReason ?? CorrectedReason, Editor, ct);
            if (SameEvent(document, written.Json))
            {
                await tx.RollbackAsync("correction", ct);
                unchanged++;
            }
            else
            {
                corrected++;
            }
            await tx.ReleaseAsync("correction", ct);
            await MarkLoadedAsync(conn, tx, e.Id, hashes[e.Id], ct);
        }

        // Every event citing a source the file changed shows it: those the corrections above did not
        // revise (an editor's events, events made through the API) are rendered again, without a revision.
        if (changedSources.Count > 0)
        {
            await EventRenderer.StoreAsync(conn, tx, await conn.QueryAsync<long>(new CommandDefinition(
                "select distinct event_id from event_sources where source_id = any(@changedSources)",
                new { changedSources = changedSources.ToArray() }, tx, cancellationToken: ct)), ct);
        }

        await tx.CommitAsync(ct);
        var outcome = new Outcome(added.Count, renamed, corrected, conflicts, unchanged);
        log.LogInformation("Curated data set: {Added} events added, {Renamed} renamed, {Corrected} corrected, {Conflicts} corrections left for a person, {Unchanged} unchanged",
            outcome.Added, outcome.Renamed, outcome.Corrected, outcome.Conflicts, outcome.Unchanged);
        return outcome;
    }

    /// <summary>
    /// An event of the file as the database holds it. The query names its columns as these properties:
    /// Dapper caches a type's mapping at first use, whatever the underscore setting was then.
    /// </summary>
    private sealed class Current
    {
        public string Name { get; init; } = "";
        public string Slug { get; init; } = "";
        public long Id { get; init; }
        public string? CuratedHash { get; init; }
        public string? LastChangedBy { get; init; }
        public DateTime? LastChangedAt { get; init; }
        public string? ConflictHash { get; init; }
        public DateTime? ConflictDetectedAt { get; init; }
    }

    private static Task<int> MarkLoadedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string slug, string hash, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("""
            update events set curated_hash = @hash where slug = @slug;
            delete from curated_conflicts where event_id = (select id from events where slug = @slug);
            """, new { slug, hash }, tx, cancellationToken: ct));

    /// <summary>The file's entry and the entries of the sources it cites: when this changes, the event may have.</summary>
    private static string Hash(CuratedEvent e, Dictionary<string, CuratedSource> sources) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(
            new { Event = e, Sources = e.Sources.Select(id => sources.GetValueOrDefault(id)).ToArray() }, JsonOptions)));

    /// <summary>Equal documents but for the version and update time a revision always changes.</summary>
    private static bool SameEvent(string? before, string after)
    {
        if (before is null) return false;
        var a = JsonNode.Parse(before)!.AsObject();
        var b = JsonNode.Parse(after)!.AsObject();
        foreach (var changes in new[] { "version", "updatedAt" })
        {
            a.Remove(changes);
            b.Remove(changes);
        }
        return JsonNode.DeepEquals(a, b);
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
