using System.Globalization;
using System.ComponentModel;
using System.Text;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using Npgsql;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Events;

/// <summary>Sort and keyset paging of the event list.</summary>
internal sealed record EventPageQuery(
    [FromQuery(Name = "sort")][property: Description("`date` (oldest first, the default) or `-date` (newest first).")]
    string? Sort = null,
    [FromQuery(Name = "limit")][property: Description("Events per page, 1–100. Default 20.")]
    int? Limit = null,
    [FromQuery(Name = "cursor")][property: Description("Opaque cursor from the previous page's `nextCursor` or `Link` header.")]
    string? Cursor = null)
{
    public const int DefaultLimit = 20;
    public bool Descending => Sort == "-date";
}

internal sealed class EventPageQueryValidator : AbstractValidator<EventPageQuery>
{
    public EventPageQueryValidator()
    {
        RuleFor(p => p.Sort).Must(s => s is null or "date" or "-date").OverridePropertyName<EventPageQuery, string?>("sort")
            .WithMessage(p => $"Unknown sort '{p.Sort}': use 'date' (oldest first) or '-date' (newest first).");
        RuleFor(p => p.Limit).InclusiveBetween(1, 100).OverridePropertyName("limit")
            .WithMessage("'limit' must be between 1 and 100.");
        RuleFor(p => p.Cursor).Must((p, c) => Cursor.TryDecode(c, out var cursor) && cursor.Descending == p.Descending)
            .When(p => p.Cursor is not null).OverridePropertyName<EventPageQuery, string?>("cursor")
            .WithMessage("'cursor' is not a cursor this API issued for this sort order: take it unchanged from 'nextCursor'.");
    }
}

internal static class EventEndpoints
{
    public static void MapEvents(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/v1/events").WithTags("Events").ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        events.MapGet("/", ListEvents)
            .WithName("ListEvents")
            .WithSummary("List events by date window and filters")
            .WithDescription("Events in date order (oldest first, or newest first with `sort=-date`), filtered by date window, kind, actor, country, tag, escalation level and full text. Pages are keyset-paged: follow `nextCursor` (or the `Link: rel=\"next\"` header) until it is null. Retracted events are left out unless `includeRetracted=true`.")
            .Validate<EventFilter>()
            .Validate<EventPageQuery>()
            .WithDatasetConditionalGet();

        events.MapGet("/{id}", GetEvent)
            .WithName("GetEvent")
            .WithSummary("Get one event with everything known about it")
            .WithDescription("The event with its actors and their roles, sources, exact quotes, claims with their status, and relations to other events. A retracted event still answers 200 with its retraction notice. The `ETag` is the event's version; send it back in `If-None-Match` to get a 304 when nothing changed. An id the event had before it was renamed (a corrected date in the id) answers 301 Moved Permanently with the current address in `Location`.")
            .Produces(StatusCodes.Status301MovedPermanently)
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private const string ListSql = "select e.item_json, e.occurred_on, e.id from events e where true";

    /// <summary>
    /// How many events, in date order, a text search tests before it asks the text index instead. Testing
    /// an event costs about 0.3 µs; the text index costs about 6 µs per match in the window (fetched, then
    /// sorted). Walking is the cheaper way for words in more than about 1.6/√N of N events, which needs up to
    /// 32·√N events to fill a page of 50: 10,000 at 100k events, 32,000 at 1M. At 1M, 10,000 left one
    /// search in three for a word pair in 1 event of 200 (as "ceasefire Kharkiv") to sort 5,500 matches
    /// (30–40 ms); 20,000 fills those pages by walking (about 6 ms).
    /// </summary>
    internal const int SearchWalk = 20_000;

    /// <summary>
    /// How many entries of each word, in date order, a search for words that must all appear reads from the
    /// word index before it asks the text index instead. An entry costs about 0.1 µs (index only), so the
    /// most this walk costs is a few milliseconds; a page of a pair in 1 event of 200 at 1M events reads
    /// about 1,500 entries.
    /// </summary>
    internal const int WordWalk = 20_000;

    /// <summary>
    /// Sent before the word query, in the same batch: its plan is the same for every word (merge the
    /// words' index entries in date order, then fetch the page's events by id), but PostgreSQL would plan
    /// it again for each request, since the generic plan's estimate for an unknown word is higher than a
    /// custom plan's for a known one. Planning was 0.19 ms of a 0.5 ms query. Local to the batch's own
    /// transaction, which ends at its Sync, so it never outlives the request, even when the query fails.
    /// </summary>
    private const string GenericPlan = "select set_config('plan_cache_mode', 'force_generic_plan', true)";

    private static ReadOnlySpan<byte> ItemsStart => "{\"items\":["u8;
    private static ReadOnlySpan<byte> LastPageEnd => "],\"nextCursor\":null}"u8;

    // (Not a doc comment: those on handlers become the operation's OpenAPI description.)
    // A page of stored list items, joined as they are: no JSON is built or parsed per request.
    // A search for words that must all appear (most searches) merges those words' entries of the word
    // index in date order, reading at most WordWalk of each. Any other search (a phrase, OR, NOT) walks
    // the narrow search table in date order, testing the words of at most SearchWalk events. When that
    // does not fill the page, the words are rare or the window small: it asks again, taking the text
    // index's matches and sorting them.
    internal static async Task<JsonText<EventPage>> ListEvents(
        [AsParameters] EventFilter filter, [AsParameters] EventPageQuery page, ReadDatabase db, HttpContext http, CancellationToken ct)
    {
        var limit = page.Limit ?? EventPageQuery.DefaultLimit;
        var conn = await db.ConnectionAsync(ct);
        var words = filter.SearchesText ? await SearchWords.ReadAsync(conn, filter.Q!.Trim(), ct) : null;
        var rows = await ReadPageAsync(conn, filter, page, limit, words, PageQuery.Plain, ct);
        if (filter.SearchesText && rows.Items.Count <= limit)
        {
            rows = await ReadPageAsync(conn, filter, page, limit, null, PageQuery.SearchByWords, ct);
        }
        await db.ReleaseAsync();

        if (rows.Items.Count <= limit)
        {
            return JsonText<EventPage>.Join(ItemsStart, rows.Items, LastPageEnd);
        }
        rows.Items.RemoveAt(limit);
        var next = new Cursor(page.Descending, rows.LastDate, rows.LastId).Encode();
        http.Response.Headers.Append("Link", $"<{NextPageUrl(http.Request, next)}>; rel=\"next\"");
        return JsonText<EventPage>.Join(ItemsStart, rows.Items, Encoding.UTF8.GetBytes($"],\"nextCursor\":\"{next}\"}}"));
    }

    private enum PageQuery { Plain, SearchByWords }

    /// <summary>Up to limit + 1 stored items (one more tells that there is a next page), with the keyset of the limit-th.</summary>
    private sealed record PageRows(List<byte[]> Items, DateOnly LastDate, long LastId);

    // words: the search's words when it takes the word index (SearchWords), else null.
    private static async Task<PageRows> ReadPageAsync(
        NpgsqlConnection conn, EventFilter filter, EventPageQuery page, int limit, string[]? words, PageQuery kind, CancellationToken ct)
    {
        var args = new DynamicParameters();
        var sql = new StringBuilder();
        var order = page.Descending ? "desc" : "asc";
        string orderBy;
        if (!filter.SearchesText)
        {
            sql.Append(ListSql);
            filter.AppendPredicates(sql, args);
            AppendKeyset(sql, args, page, "e");
            orderBy = $"e.occurred_on {order}, e.id {order}";
        }
        else if (words is not null)
        {
            // Each word's first WordWalk entries of the window in date order, merged on (date, id): what
            // they give is the first matches in order, up to where the shortest walk stopped.
            sql.Append("select e.item_json, w0.occurred_on, w0.id from ");
            for (var i = 0; i < words.Length; i++)
            {
                sql.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : " join ")}(select w.occurred_on, w.id from event_words w where w.word = @w{i}");
                filter.AppendWindow(sql, args, "w");
                AppendKeyset(sql, args, page, "w");
                sql.Append(CultureInfo.InvariantCulture, $" order by w.occurred_on {order}, w.id {order} limit {WordWalk}) w{i}");
                if (i > 0) sql.Append(CultureInfo.InvariantCulture, $" on w{i}.occurred_on = w0.occurred_on and w{i}.id = w0.id");
                args.Add($"w{i}", words[i]);
            }
            sql.Append(" join events e on e.id = w0.id where true");
            filter.AppendOthers(sql, args);
            orderBy = $"w0.occurred_on {order}, w0.id {order}";
        }
        else if (kind == PageQuery.Plain)
        {
            // The first SearchWalk events of the window in date order, then their words tested.
            sql.Append("select e.item_json, w.occurred_on, w.id from (select s.id, s.occurred_on, s.search from event_search s where true");
            filter.AppendWindow(sql, args, "s");
            AppendKeyset(sql, args, page, "s");
            sql.Append(CultureInfo.InvariantCulture, $" order by s.occurred_on {order}, s.id {order} limit {SearchWalk}) w join events e on e.id = w.id where true");
            filter.AppendWords(sql, args, "w");
            filter.AppendOthers(sql, args);
            orderBy = $"w.occurred_on {order}, w.id {order}";
        }
        else
        {
            // Every match of the text index, then sorted: the words are rarer than one in SearchWalk events.
            // Ordering by an expression (occurred_on + 0, the same order) keeps the planner from walking the
            // date index instead, which for a word it cannot count (or one in no event) reads the whole table.
            sql.Append("select e.item_json, s.occurred_on, s.id from event_search s join events e on e.id = s.id where true");
            filter.AppendWindow(sql, args, "s");
            filter.AppendWords(sql, args, "s");
            filter.AppendOthers(sql, args);
            AppendKeyset(sql, args, page, "s");
            orderBy = $"s.occurred_on + 0 {order}, s.id {order}";
        }
        sql.Append(CultureInfo.InvariantCulture, $" order by {orderBy} limit @take");
        args.Add("take", limit + 1);

        await using var batch = new NpgsqlBatch(conn);
        if (words is not null)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(GenericPlan));
        }
        batch.BatchCommands.Add(args.ToBatchCommand(sql.ToString()));
        var items = new List<byte[]>(limit + 1);
        DateOnly lastDate = default;
        long lastId = 0;
        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (words is not null)
        {
            await reader.NextResultAsync(ct);
        }
        while (await reader.ReadAsync(ct))
        {
            if (items.Count < limit)
            {
                lastDate = reader.GetFieldValue<DateOnly>(1);
                lastId = reader.GetInt64(2);
            }
            items.Add(reader.GetFieldValue<byte[]>(0));
        }
        return new PageRows(items, lastDate, lastId);
    }

    private static void AppendKeyset(StringBuilder sql, DynamicParameters args, EventPageQuery page, string table)
    {
        if (page.Cursor is not null && Cursor.TryDecode(page.Cursor, out var after))
        {
            sql.Append(CultureInfo.InvariantCulture, $" and ({table}.occurred_on, {table}.id) {(page.Descending ? "<" : ">")} (@afterDate, @afterId)");
            args.Add("afterDate", after.Date);
            args.Add("afterId", after.Id);
        }
    }

    private static string NextPageUrl(HttpRequest request, string cursor)
    {
        var query = request.Query.Where(kv => kv.Key != "cursor")
            .SelectMany(kv => kv.Value.Select(v => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(v ?? "")}"))
            .Append($"cursor={cursor}");
        return $"{request.PathBase}{request.Path}?{string.Join('&', query)}";
    }

    private const string DetailSql = "select e.document_json, e.version from events e where e.slug = $1";

    /// <summary>An event's stored document (UTF-8, as sent) and version; null when no event has this id.</summary>
    internal static async Task<(byte[] Document, int Version)?> ReadStoredAsync(ReadDatabase db, string id, CancellationToken ct)
    {
        var conn = await db.ConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(DetailSql, conn);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetFieldValue<byte[]>(0), reader.GetInt32(1)) : null;
    }

    /// <summary>The 404 of an id no event has (nor had: former ids redirect).</summary>
    internal static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Event not found",
            detail: $"There is no event with id '{id}'. Ids are slugs such as '2022-11-15-przewodow-missile'; list them at /v1/events.");

    internal static async Task<Results<JsonText<EventDetail>, StatusCodeHttpResult, RedirectHttpResult, ProblemHttpResult>> GetEvent(
        [Description("Event id (slug), e.g. `2022-11-15-przewodow-missile`.")] string id,
        ReadDatabase db, HttpContext http, CancellationToken ct)
    {
        if (await ReadStoredAsync(db, id, ct) is not { } stored)
        {
            return await FormerIds.RedirectAsync(db, http.Request, id, ct) is { } moved ? moved : NotFound(id);
        }
        await db.ReleaseAsync();
        var (document, version) = stored;
        var etag = new EntityTagHeaderValue($"\"{version}\"");
        http.Response.Headers.ETag = etag.ToString();
        // If-None-Match compares weakly (RFC 9110 13.1.2): a cache may hand back W/"3" for "3".
        if (http.Request.Headers.IfNoneMatch.Count > 0 && http.Request.GetTypedHeaders().IfNoneMatch.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(etag, useStrongComparison: false)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return new JsonText<EventDetail>(document);
    }
}
