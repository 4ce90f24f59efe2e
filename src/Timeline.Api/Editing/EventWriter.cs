using Dapper;
using Npgsql;
using Timeline.Api.Infrastructure;
using Timeline.Api.Events;

namespace Timeline.Api.Editing;

/// <summary>
/// The one writer of events: the API's writes and the curated-data loader both come here. Each write is
/// one transaction: the change, its links, the stored JSON of every event whose document it changes
/// (rendered by <see cref="EventRenderer"/>), and the revision that records it (who, when, why, the
/// document as it now is). The version check is part of the
/// UPDATE itself (<c>where version = @expected</c>), so of two writers holding the same version exactly
/// one wins; the other updates no row and is told 412.
/// </summary>
internal static class EventWriter
{
    // Taken just before a revision is inserted and held until commit: revision ids are then handed
    // out in commit order, so a change-feed reader that has seen id N never later finds a smaller id
    // appear. Writes are editorial and rare; serialising their last few milliseconds costs nothing.
    internal const long FeedLock = 7_345_190_220_116;

    /// <summary>The event's document as now stored, its version, and whether anything changed.</summary>
    public sealed record Written(string Json, int Version, bool Changed);

    public static async Task<Written> ReviseAsync(NpgsqlDataSource db, string slug, int[] expected, ReviseEventRequest r, string editor, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var written = await ReviseAsync(conn, tx, slug, expected, r, r.Reason, editor, ct);
        await tx.CommitOrReportAsync();
        return written;
    }

    /// <summary>
    /// Creates events in the caller's transaction: the API creates one, the curated loader many. Relations
    /// may point at any event, those created in the same call included. Renders the new events and the
    /// events they relate to (whose documents list the new relation), then records each one's revision.
    /// </summary>
    public static async Task<IReadOnlyList<Written>> CreateAsync(NpgsqlConnection conn, NpgsqlTransaction tx,
        IReadOnlyList<(string Slug, IEventFields Fields)> events, string editor, string? reason, CancellationToken ct)
    {
        try
        {
            var ids = new long[events.Count];
            for (var i = 0; i < events.Count; i++)
            {
                var (slug, f) = events[i];
                if (await conn.ExecuteScalarAsync<string?>(new CommandDefinition("""
                    select e.slug from event_aliases a join events e on e.id = a.event_id where a.slug = @slug
                    """, new { slug }, tx, cancellationToken: ct)) is { } renamed)
                {
                    // A former id keeps redirecting to its event: links in articles must not change meaning.
                    throw new WriteRejectedException(StatusCodes.Status409Conflict, "Event id taken",
                        $"'{slug}' is a former id of '{renamed}' and redirects there. Choose another id.");
                }
                ids[i] = await conn.ExecuteScalarAsync<long?>(new CommandDefinition("""
                    insert into events (slug, title, summary, kind, occurred_on, occurred_until, date_precision, approximate, date_note,
                                        place_name, country_code, latitude, longitude, tags, escalation_level, escalation_rationale, wikidata_qid)
                    values (@slug, @Title, @Summary, @Kind, @Start, @End, @Precision, @Approximate, @DateNote,
                            @Place, @Country, @Lat, @Lon, @Tags, @Level, @Rationale, @WikidataQid)
                    on conflict (slug) do nothing
                    returning id
                    """, Columns(f, slug), tx, cancellationToken: ct))
                    ?? throw new WriteRejectedException(StatusCodes.Status409Conflict, "Event id taken",
                        $"An event with id '{slug}' exists already. Choose another id, or revise that event with PUT /v1/events/{slug}.");
            }
            for (var i = 0; i < events.Count; i++)
            {
                await WriteLinksAsync(conn, tx, ids[i], events[i].Slug, events[i].Fields, ct);
            }
            await EventRenderer.StoreAsync(conn, tx, ids.Concat(await NeighboursAsync(conn, tx, ids, ct)), ct);
            return await AppendRevisionsAsync(conn, tx, ids, "created", editor, reason, ct);
        }
        catch (PostgresException e) when (WriteRejectedException.FromDatabase(e) is { } rejected)
        {
            throw rejected;
        }
    }

    /// <summary>
    /// Replaces an event's fields and links in the caller's transaction when its version is one of
    /// <paramref name="expected"/>. Renders it and every event related to it before or after the change
    /// (their documents show its title, date and the relation), then records the revision.
    /// </summary>
    public static async Task<Written> ReviseAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string slug, int[] expected,
        IEventFields r, string? reason, string editor, CancellationToken ct)
    {
        try
        {
            var args = Columns(r, slug);
            args.Add("expected", expected);
            var row = await conn.QuerySingleOrDefaultAsync<(long Id, int Version)?>(new CommandDefinition("""
                update events set title = @Title, summary = @Summary, kind = @Kind, occurred_on = @Start, occurred_until = @End,
                    date_precision = @Precision, approximate = @Approximate, date_note = @DateNote, place_name = @Place,
                    country_code = @Country, latitude = @Lat, longitude = @Lon, tags = @Tags, escalation_level = @Level,
                    escalation_rationale = @Rationale, wikidata_qid = @WikidataQid, version = version + 1, updated_at = now()
                where slug = @slug and status = 'published' and version = any(@expected)
                returning id, version
                """, args, tx, cancellationToken: ct));
            if (row is not { } updated)
            {
                var current = await CurrentAsync(conn, tx, slug, ct);
                throw current switch
                {
                    null => WriteRejectedException.NotFound("Event", slug, "/v1/events"),
                    { Status: "retracted" } => new WriteRejectedException(StatusCodes.Status409Conflict, "Event is retracted",
                        $"'{slug}' was retracted; a retraction is final. Create a new event if the story needs telling again."),
                    _ => WriteRejectedException.Stale(slug, current.Version),
                };
            }
            long[] self = [updated.Id];
            var before = await NeighboursAsync(conn, tx, self, ct);
            await conn.ExecuteAsync(new CommandDefinition("""
                delete from claim_sources where claim_id in (select id from claims where event_id = @id);
                delete from claim_claimants where claim_id in (select id from claims where event_id = @id);
                delete from claims where event_id = @id;
                delete from quotes where event_id = @id;
                delete from event_sources where event_id = @id;
                delete from event_actors where event_id = @id;
                delete from event_relations where from_event_id = @id;
                """, new { id = updated.Id }, tx, cancellationToken: ct));
            await WriteLinksAsync(conn, tx, updated.Id, slug, r, ct);
            await EventRenderer.StoreAsync(conn, tx, self.Concat(before).Concat(await NeighboursAsync(conn, tx, self, ct)), ct);
            return (await AppendRevisionsAsync(conn, tx, self, "revised", editor, reason, ct))[0];
        }
        catch (PostgresException e) when (WriteRejectedException.FromDatabase(e) is { } rejected)
        {
            throw rejected;
        }
    }

    /// <summary>Retracts; retracting an event that is already retracted changes nothing and returns it.</summary>
    public static async Task<Written> RetractAsync(NpgsqlDataSource db, string slug, int[] expected, string reason, string editor, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        try
        {
            var row = await conn.QuerySingleOrDefaultAsync<(long Id, int Version)?>(new CommandDefinition("""
                update events set status = 'retracted', retraction_reason = @reason, retracted_at = now(), retracted_by = @editor,
                    version = version + 1, updated_at = now()
                where slug = @slug and status = 'published' and version = any(@expected)
                returning id, version
                """, new { slug, expected, reason, editor }, tx, cancellationToken: ct));
            if (row is not { } updated)
            {
                var current = await CurrentAsync(conn, tx, slug, ct);
                if (current is { Status: "retracted" })
                {
                    return new Written(current.Json, current.Version, false);
                }
                throw current is null ? WriteRejectedException.NotFound("Event", slug, "/v1/events") : WriteRejectedException.Stale(slug, current.Version);
            }
            // Related events show only the id, title and date, which a retraction leaves as they were.
            await EventRenderer.StoreAsync(conn, tx, [updated.Id], ct);
            var written = (await AppendRevisionsAsync(conn, tx, [updated.Id], "retracted", editor, reason, ct))[0];
            await tx.CommitOrReportAsync();
            return written;
        }
        catch (PostgresException e) when (WriteRejectedException.FromDatabase(e) is { } rejected)
        {
            throw rejected;
        }
    }

    /// <summary>
    /// Gives an event a new id in the caller's transaction (the curated loader does, when a corrected date
    /// changes the id). The old id becomes an alias that GET /v1/events/{old} redirects; the rename is a
    /// revision, so it shows in the event's history and the change feed. Related events show the id: they
    /// are rendered again too. Null when there is no event with the old id.
    /// </summary>
    public static async Task<Written?> RenameAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string oldSlug, string newSlug,
        string reason, string editor, CancellationToken ct)
    {
        // The new id may be one the event had before (a rename taken back): it is no longer an alias then.
        var id = await conn.ExecuteScalarAsync<long?>(new CommandDefinition("""
            delete from event_aliases where slug = @newSlug;
            update events set slug = @newSlug, version = version + 1, updated_at = now() where slug = @oldSlug returning id
            """, new { oldSlug, newSlug }, tx, cancellationToken: ct));
        if (id is not { } eventId)
        {
            return null;
        }
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into event_aliases (slug, event_id) values (@oldSlug, @eventId)
            on conflict (slug) do update set event_id = excluded.event_id
            """, new { oldSlug, eventId }, tx, cancellationToken: ct));
        long[] self = [eventId];
        await EventRenderer.StoreAsync(conn, tx, self.Concat(await NeighboursAsync(conn, tx, self, ct)), ct);
        return (await AppendRevisionsAsync(conn, tx, self, "revised", editor, reason, ct))[0];
    }

    /// <summary>The events related to these, in either direction.</summary>
    private static async Task<IEnumerable<long>> NeighboursAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long[] ids, CancellationToken ct) =>
        await conn.QueryAsync<long>(new CommandDefinition("""
            select to_event_id from event_relations where from_event_id = any(@ids)
            union
            select from_event_id from event_relations where to_event_id = any(@ids)
            """, new { ids }, tx, cancellationToken: ct));

    private sealed record Current(int Version, string Status, string Json);

    private static Task<Current?> CurrentAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string slug, CancellationToken ct) =>
        conn.QuerySingleOrDefaultAsync<Current>(new CommandDefinition(
            "select e.version, e.status, e.document_json as json from events e where e.slug = @slug", new { slug }, tx, cancellationToken: ct));

    private static DynamicParameters Columns(IEventFields f, string slug)
    {
        var args = new DynamicParameters();
        args.Add("slug", slug);
        args.Add("Title", f.Title);
        args.Add("Summary", f.Summary);
        args.Add("Kind", f.Kind);
        args.Add("Start", f.Date!.Start!.Value);
        args.Add("End", f.Date.End);
        args.Add("Precision", f.Date.Precision);
        args.Add("Approximate", f.Date.Approximate ?? false);
        args.Add("DateNote", f.Date.Note);
        args.Add("Place", f.Location?.Place);
        args.Add("Country", f.Location?.Country);
        args.Add("Lat", f.Location?.Lat);
        args.Add("Lon", f.Location?.Lon);
        args.Add("Tags", f.Tags ?? []);
        args.Add("Level", (short)f.Escalation!.Level!.Value);
        args.Add("Rationale", f.Escalation.Rationale);
        args.Add("WikidataQid", f.WikidataQid);
        return args;
    }

    /// <summary>New sources, then actors, sources, quotes, claims and outgoing relations of the event.</summary>
    private static async Task WriteLinksAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long id, string slug, IEventFields f, CancellationToken ct)
    {
        foreach (var s in f.NewSources ?? [])
        {
            var created = await conn.ExecuteScalarAsync<long?>(new CommandDefinition("""
                insert into sources (slug, outlet, title, title_is_descriptive, author, language, published_on, url, url_checked_on, note)
                values (@Id, @Outlet, @Title, @TitleIsDescriptive, @Author, @Language, @PublishedOn, @Url, @UrlCheckedOn, @Note)
                on conflict (slug) do nothing
                returning id
                """, new { s.Id, s.Outlet, s.Title, TitleIsDescriptive = s.TitleIsDescriptive ?? false, s.Author, s.Language, s.PublishedOn, s.Url, s.UrlCheckedOn, s.Note },
                tx, cancellationToken: ct));
            if (created is null)
            {
                throw new WriteRejectedException(StatusCodes.Status409Conflict, "Source id taken",
                    $"A source with id '{s.Id}' exists already. Cite it by listing its id in 'sources', without defining it again in 'newSources'.");
            }
        }

        var actorSlugs = (f.Actors ?? []).Select(a => a.Actor!)
            .Concat((f.Quotes ?? []).Select(q => q.Speaker!))
            .Concat((f.Claims ?? []).SelectMany(c => c.Claimants ?? []))
            .Distinct(StringComparer.Ordinal).ToArray();
        var actors = await ResolveAsync(conn, tx, "actors", actorSlugs, ct);
        if (actorSlugs.Except(actors.Keys).ToArray() is { Length: > 0 } unknownActors)
        {
            throw WriteRejectedException.Unknown("actor", unknownActors, "/v1/actors (admins add actors with POST /v1/actors)");
        }
        var sourceSlugs = f.Sources ?? [];
        var sources = await ResolveAsync(conn, tx, "sources", sourceSlugs, ct);
        if (sourceSlugs.Except(sources.Keys).ToArray() is { Length: > 0 } unknownSources)
        {
            throw WriteRejectedException.Unknown("source", unknownSources, "the sources of existing events, or define it in 'newSources'");
        }
        var relations = f.Relations ?? [];
        if (relations.Any(r => r.Target == slug))
        {
            throw new WriteRejectedException(StatusCodes.Status422UnprocessableEntity, "Relation to itself", "An event cannot relate to itself.");
        }
        var targetSlugs = relations.Select(r => r.Target!).Distinct(StringComparer.Ordinal).ToArray();
        var targets = await ResolveAsync(conn, tx, "events", targetSlugs, ct);
        if (targetSlugs.Except(targets.Keys).ToArray() is { Length: > 0 } unknownTargets)
        {
            throw WriteRejectedException.Unknown("event", unknownTargets, "/v1/events?includeRetracted=true");
        }

        var eventActors = f.Actors ?? [];
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into event_actors (event_id, actor_id, role) select @id, x.actor_id, x.role from unnest(@actorIds, @roles) as x(actor_id, role);
            insert into event_sources (event_id, source_id, position) select @id, x.source_id, (x.n - 1)::smallint from unnest(@sourceIds) with ordinality as x(source_id, n);
            insert into event_relations (from_event_id, to_event_id, type, note) select @id, x.target_id, x.type, x.note from unnest(@targetIds, @types, @notes) as x(target_id, type, note);
            """, new
        {
            id,
            actorIds = eventActors.Select(a => actors[a.Actor!]).ToArray(),
            roles = eventActors.Select(a => a.Role!).ToArray(),
            sourceIds = sourceSlugs.Select(s => sources[s]).ToArray(),
            targetIds = relations.Select(r => targets[r.Target!]).ToArray(),
            types = relations.Select(r => r.Type!).ToArray(),
            notes = relations.Select(r => r.Note).ToArray(),
        }, tx, cancellationToken: ct));

        var quotes = f.Quotes ?? [];
        for (var i = 0; i < quotes.Length; i++)
        {
            var q = quotes[i];
            await conn.ExecuteAsync(new CommandDefinition("""
                insert into quotes (event_id, position, speaker_id, text, language, original_language, translation, source_id, said_on)
                values (@id, @position, @speakerId, @Text, @Language, @OriginalLanguage, @Translation, @sourceId, @SaidOn)
                """, new
            {
                id, position = (short)i, speakerId = actors[q.Speaker!], q.Text, q.Language, q.OriginalLanguage, q.Translation,
                sourceId = q.Source is null ? (long?)null : sources[q.Source], q.SaidOn,
            }, tx, cancellationToken: ct));
        }

        var claims = f.Claims ?? [];
        for (var i = 0; i < claims.Length; i++)
        {
            var c = claims[i];
            await conn.ExecuteAsync(new CommandDefinition("""
                with claim as (
                    insert into claims (event_id, position, statement, status) values (@id, @position, @Statement, @Status) returning id
                ), claimants as (
                    insert into claim_claimants (claim_id, actor_id) select claim.id, a from claim, unnest(@actorIds) a
                )
                insert into claim_sources (claim_id, source_id) select claim.id, s from claim, unnest(@sourceIds) s
                """, new
            {
                id, position = (short)i, c.Statement, c.Status,
                actorIds = (c.Claimants ?? []).Select(a => actors[a]).ToArray(),
                sourceIds = (c.Sources ?? []).Select(s => sources[s]).ToArray(),
            }, tx, cancellationToken: ct));
        }
    }

    private static async Task<Dictionary<string, long>> ResolveAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string table, string[] slugs, CancellationToken ct)
    {
        if (slugs.Length == 0)
        {
            return [];
        }
        // The table name is one of three constants of this class, never input.
        var rows = await conn.QueryAsync<(string Slug, long Id)>(new CommandDefinition(
            $"select slug, id from {table} where slug = any(@slugs)", new { slugs }, tx, cancellationToken: ct));
        return rows.ToDictionary(r => r.Slug, r => r.Id, StringComparer.Ordinal);
    }

    /// <summary>Records each event's revision with its stored document as the snapshot; returns the documents.</summary>
    private static async Task<IReadOnlyList<Written>> AppendRevisionsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long[] ids,
        string action, string editor, string? reason, CancellationToken ct)
    {
        await conn.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(@FeedLock)", new { FeedLock }, tx, cancellationToken: ct));
        var rows = (await conn.QueryAsync<(long Id, string Json, int Version)>(new CommandDefinition("""
            insert into revisions (event_id, version, action, changed_at, changed_by, reason, snapshot)
            select e.id, e.version, @action, clock_timestamp(), @editor, @reason, e.document_json::json
            from events e join unnest(@ids) with ordinality as x(id, n) on e.id = x.id
            order by x.n
            returning event_id, snapshot::text, version
            """, new { ids, action, editor, reason }, tx, cancellationToken: ct))).ToDictionary(r => r.Id);
        return [.. ids.Select(id => rows.TryGetValue(id, out var r)
            ? new Written(r.Json, r.Version, true)
            : throw new InvalidOperationException($"Event {id} vanished inside its own transaction."))];
    }
}
