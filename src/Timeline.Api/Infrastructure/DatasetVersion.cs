using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;
using Npgsql;

namespace Timeline.Api.Infrastructure;

/// <summary>The dataset's version stamp (db table dataset_version, bumped by a trigger on every write).</summary>
internal readonly record struct DatasetStamp(long Version, DateTimeOffset ChangedAt)
{
    public string ETag => $"W/\"d{Version.ToString(CultureInfo.InvariantCulture)}\"";
}

/// <summary>
/// Reads the dataset stamp for conditional GETs. It is cached for a moment (Timeline:DatasetVersionCacheMilliseconds,
/// default 1000) so that a burst of reads costs one query, not one each, and refreshed single-flight: when
/// it expires under load, one query runs and every request waiting for it shares the answer. A write
/// through this instance forgets it at once; another instance's write is seen within that moment.
/// </summary>
internal sealed class DatasetVersion(NpgsqlDataSource db, IConfiguration config, TimeProvider clock)
{
    private sealed record Cached(DatasetStamp Stamp, DateTimeOffset ReadAt);

    private readonly TimeSpan _ttl = TimeSpan.FromMilliseconds(config.GetValue("Timeline:DatasetVersionCacheMilliseconds", 1000));
    private readonly Lock _gate = new();
    private volatile Cached? _cached;
    private Task<DatasetStamp>? _refresh;
    private long _generation; // raised by Invalidate: a refresh begun before it may have read the old stamp

    public ValueTask<DatasetStamp> GetAsync(CancellationToken ct)
    {
        if (_cached is { } c && clock.GetUtcNow() - c.ReadAt < _ttl)
        {
            return ValueTask.FromResult(c.Stamp);
        }
        Task<DatasetStamp> refresh;
        lock (_gate)
        {
            refresh = _refresh is { IsCompleted: false } running ? running : (_refresh = RefreshAsync(_generation));
        }
        // The shared query is not cancelled by one caller leaving; each caller stops waiting on its own token.
        return new ValueTask<DatasetStamp>(refresh.WaitAsync(ct));
    }

    private async Task<DatasetStamp> RefreshAsync(long generation)
    {
        var readAt = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync();
        var stamp = await conn.QuerySingleAsync<DatasetStamp>("select version, changed_at from dataset_version");
        lock (_gate)
        {
            if (generation == _generation) _cached = new Cached(stamp, readAt);
        }
        return stamp;
    }

    /// <summary>Call after a write so that this instance's next read sees it (not a refresh begun before).</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _generation++;
            _cached = null;
            _refresh = null;
        }
    }
}

/// <summary>
/// Conditional GET for reads that depend on the whole dataset (lists, vocabularies, exports): sets ETag,
/// Last-Modified and Cache-Control, and answers 304 without running the handler when the client is current.
/// </summary>
internal sealed class DatasetConditionalGetFilter(DatasetVersion versions) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var stamp = await versions.GetAsync(http.RequestAborted);
        var headers = http.Response.GetTypedHeaders();
        http.Response.Headers.ETag = stamp.ETag;
        headers.LastModified = stamp.ChangedAt;
        http.Response.Headers.CacheControl = "public, max-age=60, stale-while-revalidate=300";
        http.Response.Headers.Vary = "Accept, Origin";

        var request = http.Request.GetTypedHeaders();
        var matches = request.IfNoneMatch.Count > 0
            ? request.IfNoneMatch.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(EntityTagHeaderValue.Parse(stamp.ETag), useStrongComparison: false))
            : request.IfModifiedSince is { } since && stamp.ChangedAt.AddTicks(-(stamp.ChangedAt.Ticks % TimeSpan.TicksPerSecond)) <= since;
        return matches ? TypedResults.StatusCode(StatusCodes.Status304NotModified) : await next(context);
    }
}

internal static class DatasetConditionalGetExtensions
{
    /// <summary>ETag/Last-Modified from the dataset version and 304 on If-None-Match/If-Modified-Since.</summary>
    public static TBuilder WithDatasetConditionalGet<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, DatasetConditionalGetFilter>()
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status304NotModified, typeof(void)));
}
