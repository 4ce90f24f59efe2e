using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Npgsql;
using NpgsqlTypes;

namespace Timeline.Api.Events;

/// <summary>
/// The one definition of an event's public JSON: its list item (<see cref="EventSummary"/>) and its full
/// document (<see cref="EventDetail"/>), serialized from those records. Every change renders the events
/// it touches inside its own transaction and stores the result (events.item_json, events.document_json);
/// every read sends what is stored. Nothing else builds an event's JSON.
/// </summary>
internal static class EventRenderer
{
    /// <summary>Raise when the JSON changes shape: start-up then renders every stored event again.</summary>
    public const int Version = 2;

    /// <summary>Events rendered per round trip when many are rendered at once (start-up, bulk loads).</summary>
    public const int ChunkSize = 2000;

    // Raw UTF-8 for Cyrillic, Polish and the rest rather than \u escapes: smaller and readable; still valid JSON.
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = EventJsonContext.Default,
    };
    private static readonly JsonTypeInfo<EventSummary> SummaryType = (JsonTypeInfo<EventSummary>)Options.GetTypeInfo(typeof(EventSummary));
    private static readonly JsonTypeInfo<EventDetail> DetailType = (JsonTypeInfo<EventDetail>)Options.GetTypeInfo(typeof(EventDetail));

    /// <summary>An event's stored document read back whole, for a citation. (The exports read only the fields they write: Exports/ExportEvent.cs.)</summary>
    public static EventDetail Read(ReadOnlySpan<byte> document) =>
        JsonSerializer.Deserialize(document, EventJsonContext.Default.EventDetail)
        ?? throw new InvalidOperationException("An empty stored document.");

    /// <summary>The stored JSON of one event.</summary>
    internal readonly record struct Rendered(long Id, string Item, string Document);

    /// <summary>Renders the events and stores their JSON, in the caller's transaction.</summary>
    public static async Task StoreAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IEnumerable<long> ids, CancellationToken ct)
    {
        foreach (var chunk in ids.Distinct().Order().Chunk(ChunkSize))
        {
            // Lock the rows first (in id order, as every writer does), then read them: a render then sees
            // every change committed before it, and never stores JSON read before another write's commit.
            await using (var lockRows = new NpgsqlCommand("select 1 from events where id = any($1) order by id for update", conn, tx))
            {
                lockRows.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = chunk });
                await lockRows.ExecuteNonQueryAsync(ct);
            }
            var rendered = await RenderAsync(conn, tx, chunk, ct);
            await using var update = new NpgsqlCommand("""
                update events e set item_json = x.item, document_json = x.document
                from unnest($1, $2, $3) as x(id, item, document) where e.id = x.id
                """, conn, tx);
            update.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rendered.Select(r => r.Id)] });
            update.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rendered.Select(r => r.Item)] });
            update.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rendered.Select(r => r.Document)] });
            await update.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Renders the events from their rows, in one round trip; ids that do not exist are left out.</summary>
    public static async Task<List<Rendered>> RenderAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long[] ids, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn, tx);
        foreach (var sql in Queries)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            batch.BatchCommands.Add(command);
        }

        var events = new List<(long Id, EventSummary Summary)>(ids.Length);
        var actors = new Dictionary<long, List<EventActor>>();
        var sources = new Dictionary<long, List<EventSource>>();
        var quotes = new Dictionary<long, List<EventQuote>>();
        var claims = new Dictionary<long, List<(long ClaimId, string Statement, string Status)>>();
        var claimants = new Dictionary<long, List<ActorRef>>();
        var claimSources = new Dictionary<long, List<string>>();
        var relations = new Dictionary<long, List<EventRelation>>();

        await using (var r = await batch.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var status = r.GetString(18);
                events.Add((r.GetInt64(0), new EventSummary(
                    Id: r.GetString(1),
                    Title: r.GetString(2),
                    Summary: r.GetString(3),
                    Kind: r.GetString(4),
                    Date: new EventDate(r.GetFieldValue<DateOnly>(5), NullableDate(r, 6), r.GetString(7), r.GetBoolean(8), NullableString(r, 9)),
                    Location: r.IsDBNull(10) && r.IsDBNull(11) && r.IsDBNull(12) ? null
                        : new EventLocation(NullableString(r, 10), NullableString(r, 11), NullableDouble(r, 12), NullableDouble(r, 13)),
                    Tags: r.GetFieldValue<string[]>(14),
                    Escalation: new EventEscalation(r.GetInt16(15), r.GetString(16), r.GetString(17)),
                    Status: status,
                    Retraction: status == "retracted"
                        ? new Retraction(r.GetString(19), r.GetFieldValue<DateTimeOffset>(20), r.GetString(21))
                        : null,
                    WikidataQid: NullableString(r, 22),
                    Version: r.GetInt32(23),
                    CreatedAt: r.GetFieldValue<DateTimeOffset>(24),
                    UpdatedAt: r.GetFieldValue<DateTimeOffset>(25))));
            }

            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct))
            {
                Add(actors, r.GetInt64(0), new EventActor(r.GetString(1), r.GetString(2), r.GetString(3), NullableString(r, 4), r.GetString(5)));
            }

            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct))
            {
                Add(sources, r.GetInt64(0), new EventSource(r.GetString(1), NullableString(r, 2), r.GetString(3), r.GetBoolean(4),
                    NullableString(r, 5), r.GetString(6), NullableDate(r, 7), NullableString(r, 8), NullableDate(r, 9)));
            }

            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct))
            {
                Add(quotes, r.GetInt64(0), new EventQuote(r.GetString(1), new ActorRef(r.GetString(2), r.GetString(3)), r.GetString(4),
                    NullableString(r, 5), NullableString(r, 6), NullableString(r, 7), NullableDate(r, 8)));
            }

            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct))
            {
                Add(claims, r.GetInt64(0), (r.GetInt64(1), r.GetString(2), r.GetString(3)));
            }

            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct))
            {
                Add(claimants, r.GetInt64(0), new ActorRef(r.GetString(1), r.GetString(2)));
            }

            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct))
            {
                Add(claimSources, r.GetInt64(0), r.GetString(1));
            }

            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct))
            {
                Add(relations, r.GetInt64(0), new EventRelation(r.GetString(1), r.GetString(2), NullableString(r, 3),
                    new RelatedEvent(r.GetString(4), r.GetString(5), r.GetFieldValue<DateOnly>(6))));
            }
        }

        var rendered = new List<Rendered>(events.Count);
        foreach (var (id, s) in events)
        {
            var detail = new EventDetail(s.Id, s.Title, s.Summary, s.Kind, s.Date, s.Location, s.Tags, s.Escalation, s.Status,
                s.Retraction, s.WikidataQid, s.Version, s.CreatedAt, s.UpdatedAt,
                Actors: [.. Get(actors, id)],
                Sources: [.. Get(sources, id)],
                Quotes: [.. Get(quotes, id)],
                Claims: [.. Get(claims, id).Select(c => new EventClaim(c.Statement, c.Status, [.. Get(claimants, c.ClaimId)], [.. Get(claimSources, c.ClaimId)]))],
                Relations: [.. Get(relations, id)]);
            rendered.Add(new Rendered(id, JsonSerializer.Serialize(s, SummaryType), JsonSerializer.Serialize(detail, DetailType)));
        }
        return rendered;
    }

    // One query per part of the document, each sorted as the document lists it. $1 is the event ids.
    private static readonly string[] Queries =
    [
        """
        select e.id, e.slug, e.title, e.summary, e.kind, e.occurred_on, e.occurred_until, e.date_precision, e.approximate, e.date_note,
               e.place_name, e.country_code, e.latitude, e.longitude, e.tags, e.escalation_level, l.name, e.escalation_rationale,
               e.status, e.retraction_reason, e.retracted_at, e.retracted_by, e.wikidata_qid, e.version, e.created_at, e.updated_at
        from events e join escalation_levels l on l.level = e.escalation_level
        where e.id = any($1)
        """,
        """
        select ea.event_id, a.slug, a.name, a.type, a.country_code, ea.role
        from event_actors ea join actors a on a.id = ea.actor_id
        where ea.event_id = any($1)
        order by ea.event_id, a.name, a.slug, ea.role
        """,
        """
        select es.event_id, s.slug, s.outlet, s.title, s.title_is_descriptive, s.author, s.language, s.published_on, s.url, s.url_checked_on
        from event_sources es join sources s on s.id = es.source_id
        where es.event_id = any($1)
        order by es.event_id, es.position, s.slug
        """,
        """
        select q.event_id, q.text, a.slug, a.name, q.language, q.original_language, q.translation, s.slug, q.said_on
        from quotes q join actors a on a.id = q.speaker_id left join sources s on s.id = q.source_id
        where q.event_id = any($1)
        order by q.event_id, q.position, q.id
        """,
        """
        select c.event_id, c.id, c.statement, c.status
        from claims c
        where c.event_id = any($1)
        order by c.event_id, c.position, c.id
        """,
        """
        select cc.claim_id, a.slug, a.name
        from claims c join claim_claimants cc on cc.claim_id = c.id join actors a on a.id = cc.actor_id
        where c.event_id = any($1)
        order by cc.claim_id, a.name, a.slug
        """,
        """
        select cs.claim_id, s.slug
        from claims c join claim_sources cs on cs.claim_id = c.id join sources s on s.id = cs.source_id
        where c.event_id = any($1)
        order by cs.claim_id, s.slug
        """,
        """
        select r.event_id, r.type, r.direction, r.note, r.slug, r.title, r.start_on
        from (
            select er.from_event_id as event_id, er.type, 'outgoing' as direction, er.note, o.slug, o.title, o.occurred_on as start_on
            from event_relations er join events o on o.id = er.to_event_id
            where er.from_event_id = any($1)
            union all
            select er.to_event_id, er.type, 'incoming', er.note, o.slug, o.title, o.occurred_on
            from event_relations er join events o on o.id = er.from_event_id
            where er.to_event_id = any($1)
        ) r
        order by r.event_id, r.start_on, r.slug, r.type, r.direction
        """,
    ];

    /// <summary>
    /// At start-up: renders the events whose JSON is missing (rows a bulk load wrote with SQL) or, when
    /// this renderer is newer than the one that rendered the store, every event. Chunk by chunk, each in
    /// its own transaction, so a large data set is not one long transaction.
    /// </summary>
    public static async Task<int> RenderStoreAsync(NpgsqlDataSource db, ILogger log, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("select pg_advisory_lock(7345190220117)", conn))
        {
            await lockCmd.ExecuteNonQueryAsync(ct); // one instance renders; the others wait and find nothing left
        }
        try
        {
            await using var versionCmd = new NpgsqlCommand("select renderer_version from rendered_json", conn);
            var all = (int)(await versionCmd.ExecuteScalarAsync(ct))! != Version;
            var total = 0;
            var started = System.Diagnostics.Stopwatch.StartNew();
            long after = 0;
            while (true)
            {
                await using var next = new NpgsqlCommand(all
                    ? "select id from events where id > $1 order by id limit $2"
                    : "select id from events where document_json is null and id > $1 order by id limit $2", conn);
                next.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
                next.Parameters.Add(new NpgsqlParameter<int> { TypedValue = ChunkSize });
                var ids = new List<long>(ChunkSize);
                await using (var reader = await next.ExecuteReaderAsync(ct))
                {
                    while (await reader.ReadAsync(ct)) ids.Add(reader.GetInt64(0));
                }
                if (ids.Count == 0) break;
                await using (var tx = await conn.BeginTransactionAsync(ct))
                {
                    await StoreAsync(conn, tx, ids, ct);
                    await tx.CommitAsync(ct);
                }
                total += ids.Count;
                after = ids[^1];
                if (total % 100_000 < ChunkSize) log.LogInformation("Rendered {Count} events so far", total);
            }
            if (all)
            {
                await using var done = new NpgsqlCommand("update rendered_json set renderer_version = $1", conn);
                done.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Version });
                await done.ExecuteNonQueryAsync(ct);
            }
            if (total > 0) log.LogInformation("Rendered the stored JSON of {Count} events in {Seconds:F1} s", total, started.Elapsed.TotalSeconds);
            return total;
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("select pg_advisory_unlock(7345190220117)", conn);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static void Add<T>(Dictionary<long, List<T>> map, long key, T value)
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(value);
    }

    private static List<T> Get<T>(Dictionary<long, List<T>> map, long key) => map.TryGetValue(key, out var list) ? list : [];

    private static string? NullableString(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static double? NullableDouble(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
    private static DateOnly? NullableDate(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateOnly>(i);
}

/// <summary>
/// Source-generated serialization of the event records: no reflection when rendering or reading. Property
/// names are matched exactly (camelCase, as rendered), which reads several times faster than the
/// case-insensitive matching of the web defaults.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(EventSummary))]
[JsonSerializable(typeof(EventDetail))]
internal sealed partial class EventJsonContext : JsonSerializerContext;
