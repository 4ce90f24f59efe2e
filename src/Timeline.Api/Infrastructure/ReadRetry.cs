using Npgsql;

namespace Timeline.Api.Infrastructure;

/// <summary>
/// A GET or HEAD that meets a broken pooled connection (PostgreSQL restarted, or a proxy dropped the idle
/// connection) before anything was sent runs once more on a fresh one: nothing reached the database, so
/// repeating a read is safe, and the client sees the answer instead of a 503. The pool is cleared first,
/// since its other idle connections are most likely broken the same way. A second failure is answered
/// as usual (503 with Retry-After).
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
        try
        {
            await next(http);
        }
        catch (Exception ex) when (DatabaseFailure.IsBrokenConnection(ex) && !http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
        {
            http.RequestServices.GetRequiredService<ILogger<NpgsqlDataSource>>()
                .LogWarning(ex, "A pooled connection was broken; clearing the pool and reading once more");
            http.RequestServices.GetRequiredService<NpgsqlDataSource>().Clear();
            http.Response.Clear();
            await next(http);
        }
    });
}
