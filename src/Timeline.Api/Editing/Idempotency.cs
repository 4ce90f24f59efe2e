using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Timeline.Api.Auth;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Editing;

/// <summary>A request body a POST route makes idempotent with the Idempotency-Key header.</summary>
internal interface IIdempotentRequest;

/// <summary>
/// <c>Idempotency-Key</c> on POST, scoped per API key. A key whose request was saved replays its response
/// unchanged (status, body, Location, ETag) with <c>Idempotent-Replayed: true</c>; the same key with a
/// different body or route is 422. Otherwise the request runs, and its <see cref="WriteTransaction"/>
/// claims the key first thing in the write's own transaction and stores the response in it just before
/// the commit, so the key and the change are saved together or not at all:
/// <list type="bullet">
/// <item>a retry after any failure either replays the committed response or performs the write once;</item>
/// <item>a request that fails or dies (4xx, 5xx, a killed process) leaves no trace: the key is free again;</item>
/// <item>requests racing with one key queue on the claim's row lock; when the first commits, the others
/// replay its response.</item>
/// </list>
/// Keys are kept for 24 hours.
/// </summary>
internal sealed class IdempotencyFilter(NpgsqlDataSource db, IOptions<JsonOptions> json) : IEndpointFilter
{
    public const string Header = "Idempotency-Key";
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        string? key = http.Request.Headers[Header];
        if (string.IsNullOrEmpty(key))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Idempotency-Key required",
                detail: "Send a unique 'Idempotency-Key' header (e.g. a UUID) with every POST, and the same one when you retry it: a retry then returns the first response instead of creating a duplicate.");
        }
        if (key.Length > 255 || key.Any(c => c is < '!' or > '~'))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Idempotency-Key not valid",
                detail: "An 'Idempotency-Key' is 1–255 printable ASCII characters without spaces, e.g. a UUID.");
        }

        var body = context.Arguments.OfType<IIdempotentRequest>().Single();
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{http.Request.Method} {http.Request.Path}\n{JsonSerializer.Serialize(body, body.GetType(), json.Value.SerializerOptions)}"));
        var claim = new IdempotencyClaim(http.User.KeyId(), key, hash);

        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await FindAsync(claim, http.RequestAborted) is { } stored)
            {
                return CryptographicOperations.FixedTimeEquals(stored.RequestHash, hash)
                    ? new StoredResponse(stored.StatusCode, stored.ContentType, stored.Location, stored.Etag, stored.Body)
                    : TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused for a different request",
                        detail: "This Idempotency-Key was already used with a different body or route. Use a new key for a new request.");
            }
            http.Features.Set(claim);
            try
            {
                return await next(context);
            }
            catch (IdempotencyKeyTakenException)
            {
                // A request with this key committed while this one waited on its claim: replay that one.
            }
            finally
            {
                http.Features.Set<IdempotencyClaim>(null);
            }
        }
        http.Response.Headers.RetryAfter = "1";
        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Idempotency-Key contended",
            detail: "Requests with this Idempotency-Key keep racing each other. Retry in a moment to get the saved response.");
    }

    private async Task<StoredRecord?> FindAsync(IdempotencyClaim claim, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<StoredRecord>(new CommandDefinition("""
            select request_hash as RequestHash, status_code as StatusCode, content_type as ContentType, location as Location,
                   etag as Etag, body as Body
            from idempotency_records
            where api_key_id = @ApiKey and key = @Key and created_at > now() - @Retention
            """, new { claim.ApiKey, claim.Key, Retention }, cancellationToken: ct));
    }

    private sealed class StoredRecord
    {
        public byte[] RequestHash { get; init; } = [];
        public int StatusCode { get; init; }
        public string? ContentType { get; init; }
        public string? Location { get; init; }
        public string? Etag { get; init; }
        public string Body { get; init; } = "";
    }

    /// <summary>The first response, replayed byte for byte.</summary>
    private sealed class StoredResponse(int status, string? contentType, string? location, string? etag, string body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            if (contentType is not null) response.ContentType = contentType;
            if (location is not null) response.Headers.Location = location;
            if (etag is not null) response.Headers.ETag = etag;
            response.Headers["Idempotent-Replayed"] = "true";
            var bytes = Encoding.UTF8.GetBytes(body);
            response.ContentLength = bytes.Length;
            return response.Body.WriteAsync(bytes, httpContext.RequestAborted).AsTask();
        }
    }
}

/// <summary>The key a request runs under (an HTTP feature the filter sets for the handler's transaction).</summary>
internal sealed record IdempotencyClaim(long ApiKey, string Key, byte[] RequestHash);

/// <summary>Another request with the same key committed first; the filter replays its response.</summary>
internal sealed class IdempotencyKeyTakenException() : Exception("The Idempotency-Key was saved by a concurrent request.");

/// <summary>What a write answers, as saved with its Idempotency-Key.</summary>
internal sealed record SavedResponse(int Status, string ContentType, string? Location, string? ETag, string Body);

/// <summary>
/// The transaction of one API write: its connection, the claim of the request's Idempotency-Key (when the
/// route has one) as its first statement, and the commit that saves the response with the change.
/// </summary>
internal sealed class WriteTransaction : IAsyncDisposable
{
    private readonly IdempotencyClaim? _claim;

    private WriteTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, IdempotencyClaim? claim)
    {
        Connection = connection;
        Transaction = transaction;
        _claim = claim;
    }

    public NpgsqlConnection Connection { get; }
    public NpgsqlTransaction Transaction { get; }

    public static async Task<WriteTransaction> BeginAsync(NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        var conn = await db.OpenConnectionAsync(ct);
        try
        {
            var tx = await conn.BeginTransactionAsync(ct);
            var claim = http.Features.Get<IdempotencyClaim>();
            if (claim is not null)
            {
                // A concurrent request holding the same key blocks this insert until it commits (then this
                // one replays it) or rolls back (then this one goes ahead). An expired record is taken over.
                var claimed = await conn.ExecuteScalarAsync<bool?>(new CommandDefinition("""
                    insert into idempotency_records (api_key_id, key, request_hash) values (@ApiKey, @Key, @RequestHash)
                    on conflict (api_key_id, key) do update
                        set request_hash = excluded.request_hash, created_at = now(), status_code = null, content_type = null,
                            location = null, etag = null, body = null, completed_at = null
                        where idempotency_records.created_at <= now() - @Retention
                    returning true
                    """, new { claim.ApiKey, claim.Key, claim.RequestHash, IdempotencyFilter.Retention }, tx, cancellationToken: ct));
                if (claimed != true)
                {
                    throw new IdempotencyKeyTakenException();
                }
            }
            return new WriteTransaction(conn, tx, claim);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    /// <summary>Saves the response with the key (when there is one) and commits both with the change.</summary>
    public async Task CommitAsync(SavedResponse response, CancellationToken ct)
    {
        if (_claim is not null)
        {
            await Connection.ExecuteAsync(new CommandDefinition("""
                update idempotency_records
                set status_code = @Status, content_type = @ContentType, location = @Location, etag = @ETag, body = @Body, completed_at = now()
                where api_key_id = @ApiKey and key = @Key
                """, new { response.Status, response.ContentType, response.Location, response.ETag, response.Body, _claim.ApiKey, _claim.Key },
                Transaction, cancellationToken: ct));
        }
        await Transaction.CommitOrReportAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}

internal static class IdempotencyExtensions
{
    /// <summary>Makes a POST idempotent with the Idempotency-Key header and declares its 409 and 422.</summary>
    public static RouteHandlerBuilder Idempotent(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<IdempotencyFilter>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
}
