using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Timeline.Api.Auth;

namespace Timeline.Api.Infrastructure;

/// <summary>
/// What one client, one key and the whole instance may use (configuration section "Timeline:Limits",
/// e.g. env <c>Timeline__Limits__ReadsPerSecond=100</c>). The defaults suit a public API on one small
/// instance; the README lists them.
/// </summary>
internal sealed class LimitsOptions
{
    public const string Section = "Timeline:Limits";

    /// <summary>Requests per second a client address may make without a key (sustained).</summary>
    public int ReadsPerSecond { get; set; } = 20;

    /// <summary>Requests a client address may make at once before the per-second rate applies.</summary>
    public int ReadBurst { get; set; } = 200;

    /// <summary>Requests per second one API key may make (reads and writes together).</summary>
    public int KeyRequestsPerSecond { get; set; } = 50;

    /// <summary>Writes (POST, PUT) per minute one API key may make, with <see cref="WriteBurst"/> at once.</summary>
    public int WritesPerMinute { get; set; } = 60;

    public int WriteBurst { get; set; } = 20;

    /// <summary>Requests with a wrong or revoked key one client address may make per minute; then 429 without a database lookup.</summary>
    public int FailedKeysPerMinute { get; set; } = 10;

    /// <summary>Exports (GET /v1/timeline) streaming at once on this instance; each holds a database connection.</summary>
    public int ConcurrentExports { get; set; } = 4;

    /// <summary>The longest an export may stream before it is cut off (aborted, so it never looks complete).</summary>
    public int ExportMaxSeconds { get; set; } = 600;

    /// <summary>The slowest an export's client may read, after <see cref="ExportMinRateGraceSeconds"/>; a slower one is disconnected.</summary>
    public int ExportMinBytesPerSecond { get; set; } = 16 * 1024;

    public int ExportMinRateGraceSeconds { get; set; } = 10;

    /// <summary>The longest any other request may take; then 504 with Retry-After.</summary>
    public int RequestTimeoutSeconds { get; set; } = 15;
}

internal static class Limits
{
    public const string WritePolicy = "writes";
    public const string ExportPolicy = "exports";
    public const string ExportTimeoutPolicy = "exports";

    public static void AddTimelineLimits(this WebApplicationBuilder builder)
    {
        var limits = builder.Configuration.GetSection(LimitsOptions.Section).Get<LimitsOptions>() ?? new LimitsOptions();
        builder.Services.Configure<LimitsOptions>(builder.Configuration.GetSection(LimitsOptions.Section));
        builder.Services.AddSingleton<FailedKeyLimiter>();

        builder.Services.AddRateLimiter(o =>
        {
            // Every request: per API key when one signed the request in, otherwise per client address
            // (behind a proxy, enable forwarded headers so that this is the client's, see the README).
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                http.User.Identity?.IsAuthenticated == true
                    ? RateLimitPartition.GetTokenBucketLimiter("key:" + http.User.KeyId(), _ => Bucket(limits.KeyRequestsPerSecond, limits.KeyRequestsPerSecond * 2, TimeSpan.FromSeconds(1)))
                    : RateLimitPartition.GetTokenBucketLimiter("ip:" + ClientAddress(http), _ => Bucket(limits.ReadsPerSecond, limits.ReadBurst, TimeSpan.FromSeconds(1))));
            o.AddPolicy(WritePolicy, http => RateLimitPartition.GetTokenBucketLimiter(
                http.User.Identity?.IsAuthenticated == true ? "key:" + http.User.KeyId() : "ip:" + ClientAddress(http),
                _ => Bucket(limits.WritesPerMinute, limits.WriteBurst, TimeSpan.FromMinutes(1))));
            // One partition for the instance: exports hold a connection each for as long as they stream.
            o.AddConcurrencyLimiter(ExportPolicy, c => { c.PermitLimit = limits.ConcurrentExports; c.QueueLimit = 0; });
            o.OnRejected = (context, ct) => new ValueTask(RejectAsync(context.HttpContext, context.Lease, limits));
        });

        builder.Services.AddRequestTimeouts(o =>
        {
            o.DefaultPolicy = new RequestTimeoutPolicy
            {
                Timeout = TimeSpan.FromSeconds(limits.RequestTimeoutSeconds),
                TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
                WriteTimeoutResponse = http => WriteProblemAsync(http, StatusCodes.Status504GatewayTimeout, "Request timed out",
                    $"The request took longer than {limits.RequestTimeoutSeconds} s and was stopped; a write that timed out was rolled back. Try again shortly.", 5),
            };
            // Exports stream for as long as the client reads: they are bounded by ExportMaxSeconds and a minimum data rate instead.
            o.AddPolicy(ExportTimeoutPolicy, new RequestTimeoutPolicy { Timeout = Timeout.InfiniteTimeSpan });
        });
    }

    private static TokenBucketRateLimiterOptions Bucket(int perPeriod, int burst, TimeSpan period) => new()
    {
        TokenLimit = Math.Max(1, burst),
        TokensPerPeriod = Math.Max(1, perPeriod),
        ReplenishmentPeriod = period,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    internal static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static Task RejectAsync(HttpContext http, RateLimitLease lease, LimitsOptions limits)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == ExportPolicy
            && !lease.TryGetMetadata(MetadataName.RetryAfter, out _))
        {
            return WriteProblemAsync(http, StatusCodes.Status503ServiceUnavailable, "Too many exports at once",
                $"This instance streams at most {limits.ConcurrentExports} exports at a time and all are busy. Try again in a few seconds, or page through GET /v1/events.", 10);
        }
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 1;
        var limit = http.Request.Method is "POST" or "PUT"
            ? $"{limits.WritesPerMinute} writes a minute per key"
            : http.User.Identity?.IsAuthenticated == true
                ? $"{limits.KeyRequestsPerSecond} requests a second per key"
                : $"{limits.ReadsPerSecond} requests a second per client address, {limits.ReadBurst} at once";
        return WriteProblemAsync(http, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"The limit is {limit}. Wait {retryAfter} s (Retry-After) and try again.", Math.Max(1, retryAfter));
    }

    /// <summary>A problem with Retry-After, written outside an endpoint (limits, timeouts, readiness).</summary>
    internal static Task WriteProblemAsync(HttpContext http, int status, string title, string detail, int retryAfterSeconds)
    {
        http.Response.StatusCode = status;
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }

    /// <summary>Exports: a slot of the instance's few (503 when all are busy), no request timeout, and 503 documented.</summary>
    public static RouteHandlerBuilder AsExport(this RouteHandlerBuilder builder)
    {
        builder.WithRequestTimeout(ExportTimeoutPolicy);
        return builder.RequireRateLimiting(ExportPolicy);
    }

    /// <summary>Writes: the stricter per-key rate on top of the global one.</summary>
    public static RouteHandlerBuilder WithWriteRateLimit(this RouteHandlerBuilder builder) => builder.RequireRateLimiting(WritePolicy);
}

/// <summary>
/// Throttles wrong and revoked API keys per client address, so that guessing keys costs a database
/// lookup only <see cref="LimitsOptions.FailedKeysPerMinute"/> times a minute; then the key is refused
/// with 429 unread. Built on the framework's <see cref="PartitionedRateLimiter"/>: a failure takes a
/// permit, and a request is let through to the lookup only while the address has permits left.
/// </summary>
internal sealed class FailedKeyLimiter(IOptions<LimitsOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, options.Value.FailedKeysPerMinute),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public int PerMinute => options.Value.FailedKeysPerMinute;

    /// <summary>True while the address may still try a key.</summary>
    public bool MayTry(string address) => _limiter.GetStatistics(address)?.CurrentAvailablePermits is not 0;

    /// <summary>Records a failed key.</summary>
    public void Failed(string address)
    {
        using var lease = _limiter.AttemptAcquire(address);
    }

    public void Dispose() => _limiter.Dispose();
}
