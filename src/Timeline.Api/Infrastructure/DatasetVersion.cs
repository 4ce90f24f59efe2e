using System.Collections.Concurrent;
using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace Timeline.Api.Infrastructure;

/// <summary>The dataset's version stamp (db table dataset_version, bumped by a trigger on every write).</summary>
internal readonly record struct DatasetStamp(long Version, DateTimeOffset ChangedAt)
{
    public string ETag => $"W/\"d{Version.ToString(CultureInfo.InvariantCulture)}\"";
}

/// <summary>
/// Reads the dataset stamp for conditional GETs, per database node: a standby that lags has an older
/// stamp than the primary, and an ETag must describe the data of the node that served the body (the
/// stamp is read on the request's own read connection, <see cref="ReadDatabase"/>). It is cached for a
/// moment (Timeline:DatasetVersionCacheMilliseconds, default 1000) so that a burst of reads costs one
/// query, not one each, and refreshed single-flight: when it expires under load, one query runs and every
/// request waiting for it shares the answer. A cached stamp is never newer than its node's data, so a
/// 304 never stands for data the reader has not got. A write through this instance forgets every node's
/// stamp at once; another instance's write is seen within that moment.
/// </summary>
internal sealed class DatasetVersion(IConfiguration config, TimeProvider clock)
{
    private sealed record Cached(DatasetStamp Stamp, DateTimeOffset ReadAt);

    private sealed class NodeStamp
    {
        public volatile Cached? Cached;
        public Task<DatasetStamp>? Refresh;
    }

    private readonly TimeSpan _ttl = TimeSpan.FromMilliseconds(config.GetValue("Timeline:DatasetVersionCacheMilliseconds", 1000));
    private readonly ConcurrentDictionary<string, NodeStamp> _nodes = new();
    private readonly Lock _gate = new();
    private long _generation; // raised by Invalidate: a refresh begun before it may have read the old stamp

    public async ValueTask<DatasetStamp> GetAsync(ReadDatabase reads, CancellationToken ct)
    {
        var node = _nodes.GetOrAdd(await reads.NodeAsync(ct), _ => new NodeStamp());
        if (node.Cached is { } c && clock.GetUtcNow() - c.ReadAt < _ttl)
        {
            return c.Stamp;
        }
        Task<DatasetStamp> refresh;
        lock (_gate)
        {
            if (node.Refresh is { IsCompleted: false } running)
            {
                // The shared query is not cancelled by one caller leaving; each caller stops waiting on its own token.
                refresh = running.WaitAsync(ct);
            }
            else
            {
                refresh = node.Refresh = RefreshAsync(node, reads, _generation, ct);
            }
        }
        return await refresh;
    }

    // On the request's connection, which the request awaits before it uses the connection again. The
    // request's token (its timeout) cancels the query, so a request cannot outlive its timeout here; a
    // request that joined it meanwhile is then answered as on any timed-out query (503, Retry-After).
    private async Task<DatasetStamp> RefreshAsync(NodeStamp node, ReadDatabase reads, long generation, CancellationToken ct)
    {
        var readAt = clock.GetUtcNow();
        var conn = await reads.ConnectionAsync(ct);
        var stamp = await conn.QuerySingleAsync<DatasetStamp>(new CommandDefinition("select version, changed_at from dataset_version", cancellationToken: ct));
        lock (_gate)
        {
            if (generation == _generation) node.Cached = new Cached(stamp, readAt);
        }
        return stamp;
    }

    /// <summary>Call after a write so that this instance's next read sees it (not a refresh begun before).</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _generation++;
            foreach (var node in _nodes.Values)
            {
                node.Cached = null;
                node.Refresh = null;
            }
        }
    }
}

/// <summary>
/// Conditional GET for reads that depend on the whole dataset (lists, vocabularies, exports): sets ETag,
/// Last-Modified and Cache-Control, and answers 304 without running the handler when the client is current.
/// </summary>
internal sealed class DatasetConditionalGetFilter(DatasetVersion versions, ReadDatabase reads) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var stamp = await versions.GetAsync(reads, http.RequestAborted);
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
