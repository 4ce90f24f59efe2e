using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Timeline.Api.Auth;

namespace Timeline.Api.Editing;

/// <summary>A request body a POST route makes idempotent with the Idempotency-Key header.</summary>
internal interface IIdempotentRequest;

/// <summary>
/// <c>Idempotency-Key</c> on POST, scoped per API key. The first request with a key claims it and runs;
/// its successful (2xx) response is stored and every replay returns it unchanged (status, body,
/// Location, ETag) with <c>Idempotent-Replayed: true</c>. The same key with a different body or route is
/// 422; while the first is still running, 409. A request that fails (4xx/5xx) changed nothing and
/// releases its key, so it may be retried with a corrected body. Keys are kept for 24 hours.
/// </summary>
internal sealed class IdempotencyFilter(NpgsqlDataSource db, IOptions<JsonOptions> json) : IEndpointFilter
{
    public const string Header = "Idempotency-Key";
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    // A claim still in progress after this long belongs to a request that died with its process.
    private static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(5);

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
        var apiKey = http.User.KeyId();
        var ct = http.RequestAborted;

        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await ClaimAsync(apiKey, key, hash, ct))
            {
                return await RunAsync(context, next, apiKey, key);
            }
            var stored = await FindAsync(apiKey, key, ct);
            if (stored is null)
            {
                continue; // the first request failed and released the key in between: claim it again
            }
            if (!CryptographicOperations.FixedTimeEquals(stored.RequestHash, hash))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused for a different request",
                    detail: "This Idempotency-Key was already used with a different body or route. Use a new key for a new request.");
            }
            if (stored.StatusCode is not { } status)
            {
                http.Response.Headers.RetryAfter = "1";
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Request with this Idempotency-Key still running",
                    detail: "The first request with this Idempotency-Key has not finished yet. Retry in a moment to get its response.");
            }
            return new StoredResponse(status, stored.ContentType, stored.Location, stored.Etag, stored.Body ?? "");
        }
        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Idempotency-Key contended",
            detail: "Requests with this Idempotency-Key keep failing and retrying at the same time. Retry later.");
    }

    private async Task<object?> RunAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, long apiKey, string key)
    {
        var http = context.HttpContext;
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        try
        {
            // The handler's result is executed here, into a buffer, so that the exact bytes sent can be stored.
            http.Response.Body = buffer;
            var result = await next(context);
            if (result is IResult r)
            {
                await r.ExecuteAsync(http);
            }
        }
        catch
        {
            await ReleaseAsync(apiKey, key);
            throw;
        }
        finally
        {
            http.Response.Body = original;
        }

        var status = http.Response.StatusCode;
        if (status is >= 200 and < 300)
        {
            await CompleteAsync(apiKey, key, status, http.Response.ContentType, http.Response.Headers.Location, http.Response.Headers.ETag,
                Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }
        else
        {
            await ReleaseAsync(apiKey, key);
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original, http.RequestAborted);
        return Results.Empty;
    }

    private async Task<bool> ClaimAsync(long apiKey, string key, byte[] hash, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(
            "delete from idempotency_records where created_at < now() - @Retention", new { Retention }, cancellationToken: ct));
        return await conn.ExecuteScalarAsync<bool?>(new CommandDefinition("""
            insert into idempotency_records (api_key_id, key, request_hash) values (@apiKey, @key, @hash)
            on conflict (api_key_id, key) do update set request_hash = excluded.request_hash, created_at = now()
                where idempotency_records.completed_at is null and idempotency_records.created_at < now() - @Abandoned
            returning true
            """, new { apiKey, key, hash, Abandoned }, cancellationToken: ct)) == true;
    }

    private async Task<StoredRecord?> FindAsync(long apiKey, string key, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<StoredRecord>(new CommandDefinition("""
            select request_hash, status_code, content_type, location, etag, body
            from idempotency_records where api_key_id = @apiKey and key = @key
            """, new { apiKey, key }, cancellationToken: ct));
    }

    private async Task CompleteAsync(long apiKey, string key, int status, string? contentType, string? location, string? etag, string body)
    {
        await using var conn = await db.OpenConnectionAsync(CancellationToken.None);
        await conn.ExecuteAsync(new CommandDefinition("""
            update idempotency_records
            set status_code = @status, content_type = @contentType, location = @location, etag = @etag, body = @body, completed_at = now()
            where api_key_id = @apiKey and key = @key and completed_at is null
            """, new { apiKey, key, status, contentType, location, etag, body }));
    }

    private async Task ReleaseAsync(long apiKey, string key)
    {
        await using var conn = await db.OpenConnectionAsync(CancellationToken.None);
        await conn.ExecuteAsync(new CommandDefinition(
            "delete from idempotency_records where api_key_id = @apiKey and key = @key and completed_at is null", new { apiKey, key }));
    }

    private sealed class StoredRecord
    {
        public byte[] RequestHash { get; init; } = [];
        public int? StatusCode { get; init; }
        public string? ContentType { get; init; }
        public string? Location { get; init; }
        public string? Etag { get; init; }
        public string? Body { get; init; }
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

internal static class IdempotencyExtensions
{
    /// <summary>Makes a POST idempotent with the Idempotency-Key header and declares its 409 and 422.</summary>
    public static RouteHandlerBuilder Idempotent(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<IdempotencyFilter>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
}
