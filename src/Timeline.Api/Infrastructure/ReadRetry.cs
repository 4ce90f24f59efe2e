using Npgsql;

namespace Timeline.Api.Infrastructure;

/// <summary>
/// A GET or HEAD whose database failed it before anything was sent runs once more, since repeating a
/// read is safe and the client then sees the answer instead of a 503:
/// - on a broken pooled connection (PostgreSQL restarted, or a proxy dropped the idle connection),
///   on a fresh one; the pool is cleared first, since its other idle connections are most likely broken
///   the same way;
/// - on any failure of a standby (killed, restarting, or a query cancelled for a conflict with
///   recovery), on the primary. Npgsql marks a standby it lost offline and skips it until its
///   <c>Host Recheck Seconds</c> have passed, so later reads go to the primary directly.
/// A second failure is answered as usual (503 with Retry-After).
/// </summary>
internal static class ReadRetry
{
    public static void UseReadRetry(this WebApplication app) => app.Use(async (http, next) =>
    {
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            await next(http);
            return;
        }
        var reads = http.RequestServices.GetRequiredService<ReadDatabase>();
        try
        {
            await next(http);
        }
        catch (Exception ex) when (!http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested
                                   && (DatabaseFailure.IsBrokenConnection(ex) || reads.MayBeOnStandby && DatabaseFailure.Of(ex) is { } f && f != DatabaseFailure.TimedOut))
        {
            var log = http.RequestServices.GetRequiredService<ILogger<NpgsqlDataSource>>();
            if (reads.MayBeOnStandby)
            {
                log.LogWarning(ex, "A read failed on a standby; reading once more from the primary");
            }
            else
            {
                log.LogWarning(ex, "A pooled connection was broken; clearing the pool and reading once more");
                http.RequestServices.GetRequiredService<NpgsqlDataSource>().Clear();
            }
            await reads.RetryAsync();
            http.Response.Clear();
            await next(http);
        }
    });
}
