using System.Buffers.Text;
using System.ComponentModel;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Changes;

/// <summary>One entry of the change feed: an event was created, revised or retracted.</summary>
internal sealed record Change(
    [property: Description("Id (slug) of the event that changed.")] string EventId,
    [property: Description("The event's version after the change.")] int Version,
    [property: Description("`created`, `revised` or `retracted`.")] string Action,
    DateTimeOffset ChangedAt,
    [property: Description("Name of the API key that made the change.")] string ChangedBy,
    string? Reason,
    [property: Description("Link to the event as it is now.")] string Href,
    [property: Description("Link to the revision, with the event as it was right after this change.")] string RevisionHref);

/// <summary>A page of the change feed.</summary>
internal sealed record ChangePage(
    Change[] Items,
    [property: Description("Cursor of the next page when there are more changes now; null on the last page. Also sent as `Link: rel=\"next\"`.")] string? NextCursor,
    [property: Description("Cursor to pass as `since` next time you sync: it follows the last change served (always present).")] string PollCursor);

/// <summary>Query of the change feed.</summary>
internal sealed record ChangeQuery(string? Since = null, int? Limit = null)
{
    public const int DefaultLimit = 50;

    private static readonly string[] InstantFormats =
        ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd"];

    /// <summary>The position `since` names: after a revision id (a cursor) or after an instant.</summary>
    public bool TryParseSince(out long? afterId, out DateTimeOffset? afterInstant)
    {
        afterId = null;
        afterInstant = null;
        if (Since is null) return true;
        if (ChangeCursor.TryDecode(Since, out var id))
        {
            afterId = id;
            return true;
        }
        if (DateTimeOffset.TryParseExact(Since, InstantFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            afterInstant = instant;
            return true;
        }
        return false;
    }
}

internal sealed class ChangeQueryValidator : AbstractValidator<ChangeQuery>
{
    public ChangeQueryValidator()
    {
        RuleFor(q => q.Since).Must((q, since) => q.TryParseSince(out _, out _)).When(q => q.Since is not null)
            .OverridePropertyName<ChangeQuery, string?>("since")
            .WithMessage("'since' must be a cursor this feed issued (take it unchanged from 'nextCursor' or 'pollCursor') or an ISO 8601 instant such as '2025-09-10T00:00:00Z'.");
        RuleFor(q => q.Limit).InclusiveBetween(1, 100).OverridePropertyName("limit")
            .WithMessage("'limit' must be between 1 and 100.");
    }
}

/// <summary>An opaque position in the change feed: the last revision id served, with a checksum.</summary>
internal static class ChangeCursor
{
    private static readonly byte[] Key = "timeline-changes-v1"u8.ToArray();

    public static string Encode(long revisionId)
    {
        var payload = "c" + revisionId.ToString(CultureInfo.InvariantCulture);
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload + "|" + Checksum(payload)));
    }

    public static bool TryDecode(string text, out long revisionId)
    {
        revisionId = 0;
        if (text.Length is 0 or > 100 || !Base64Url.IsValid(text)) return false;
        var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split('|');
        return parts.Length == 2 && parts[0].StartsWith('c')
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Checksum(parts[0])), Encoding.UTF8.GetBytes(parts[1]))
            && long.TryParse(parts[0].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out revisionId);
    }

    private static string Checksum(string payload) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(payload)).AsSpan(0, 6));
}

/// <summary>GET /v1/changes: what was created, revised or retracted, in order, for incremental sync.</summary>
internal static class ChangeEndpoints
{
    public static void MapChanges(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/changes", ListChanges)
            .WithTags("History")
            .WithName("ListChanges")
            .WithSummary("The change feed: events created, revised or retracted since a point")
            .WithDescription("Every revision of every event in the order the changes were committed, oldest first: event id, version, action, when, by whom, why, and links to the event and the revision. Start with `since` omitted (everything) or an ISO 8601 instant; follow `nextCursor` (or `Link: rel=\"next\"`) until it is null, then keep `pollCursor` and pass it as `since` on your next sync to get only what changed in between. Nothing is ever skipped: a change committed later always comes after the cursor you hold.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private const string FeedSql = """
        select r.id, jsonb_build_object('eventId', e.slug, 'version', r.version, 'action', r.action, 'changedAt', r.changed_at,
                   'changedBy', r.changed_by, 'reason', r.reason, 'href', '/v1/events/' || e.slug,
                   'revisionHref', '/v1/events/' || e.slug || '/revisions/' || r.version)::text as json
        from revisions r join events e on e.id = r.event_id
        where r.id > coalesce(@afterId, 0) and (@afterInstant::timestamptz is null or r.changed_at > @afterInstant)
        order by r.id
        limit @take
        """;

    // Two plain parameters rather than an [AsParameters] record: Microsoft.AspNetCore.OpenApi 10.0 fails on
    // [Description] on such a record's constructor parameters (dotnet/aspnetcore#65348), so the record is built here.
    internal static async Task<Results<JsonText<ChangePage>, ValidationProblem>> ListChanges(
        [FromQuery(Name = "since"), Description("Where to start: a cursor from a previous page (`nextCursor` or `pollCursor`), or an ISO 8601 instant such as `2025-09-10T00:00:00Z` (changes strictly after it). Omit to start at the beginning.")]
        string? since,
        [FromQuery(Name = "limit"), Description("Changes per page, 1–100. Default 50.")]
        int? limit,
        IValidator<ChangeQuery> validator, ReadDatabase db, HttpContext http, CancellationToken ct)
    {
        var query = new ChangeQuery(since, limit);
        var validation = await validator.ValidateAsync(query, ct);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.ToDictionary(),
                detail: string.Join(" ", validation.Errors.Select(e => e.ErrorMessage).Distinct()), title: "The request is not valid");
        }
        _ = query.TryParseSince(out var afterId, out var afterInstant); // validated by ChangeQueryValidator
        var take = query.Limit ?? ChangeQuery.DefaultLimit;
        var conn = await db.ConnectionAsync(ct);
        var rows = (await conn.QueryAsync<(long Id, string Json)>(new CommandDefinition(FeedSql,
            new { afterId, afterInstant = afterInstant?.UtcDateTime, take = take + 1 }, cancellationToken: ct))).AsList();

        string? next = null;
        if (rows.Count > take)
        {
            rows.RemoveAt(take);
            next = ChangeCursor.Encode(rows[^1].Id);
            http.Response.Headers.Append("Link", $"<{http.Request.PathBase}{http.Request.Path}?since={next}&limit={take}>; rel=\"next\"");
        }
        var position = rows.Count > 0 ? rows[^1].Id
            : afterId ?? (afterInstant is { } instant
                ? await conn.ExecuteScalarAsync<long>(new CommandDefinition(
                    "select coalesce(max(id), 0) from revisions where changed_at <= @instant", new { instant = instant.UtcDateTime }, cancellationToken: ct))
                : 0);

        var json = new StringBuilder(rows.Sum(r => r.Json.Length) + 128).Append("{\"items\":[");
        json.AppendJoin(',', rows.Select(r => r.Json));
        json.Append("],\"nextCursor\":").Append(next is null ? "null" : $"\"{next}\"")
            .Append(",\"pollCursor\":\"").Append(ChangeCursor.Encode(position)).Append("\"}");
        return new JsonText<ChangePage>(json.ToString());
    }
}
