using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Health;

/// <summary>Liveness and readiness for orchestrators and load balancers.</summary>
internal sealed record HealthReport(string Status, string Database);

internal static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        // Probes are neither rate limited nor cut by the request timeout (readiness has its own deadline).
        var health = app.MapGroup("/health").WithTags("Health").DisableRateLimiting();
        health.DisableRequestTimeout();

        health.MapGet("/live", () => TypedResults.Ok(new HealthReport("live", "not checked")))
            .WithName("Live")
            .WithSummary("Is the process up?")
            .WithDescription("Answers 200 as long as the process serves HTTP. It does not touch the database, so an orchestrator does not restart the API during a database outage.");

        health.MapGet("/ready", Ready)
            .WithName("Ready")
            .WithSummary("Can the API serve requests?")
            .WithDescription("Answers 200 when PostgreSQL answers a query within two seconds (a hard deadline: a frozen database gives 503 after two seconds, not a hung probe), otherwise 503 with a problem and `Retry-After`: take the instance out of the load balancer until it is ready. From the moment the instance starts shutting down (SIGTERM) it answers 503 with `readiness: stopping`, while it keeps serving for the drain period.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    // The check's deadline is hard: a frozen database (its socket open, nothing answering) must not hold
    // the probe past it, whatever Npgsql's own cancellation does with a server that does not reply.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    private static async Task<Results<Ok<HealthReport>, ProblemHttpResult>> Ready(
        NpgsqlDataSource db, IHostApplicationLifetime lifetime, HttpContext http, CancellationToken ct)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return NotReady(http, "The instance is shutting down: it finishes what it is serving and then stops.", "not checked", "stopping");
        }
        var check = CheckAsync(db);
        try
        {
            await check.WaitAsync(Deadline, ct);
            return TypedResults.Ok(new HealthReport("ready", "up"));
        }
        catch (TimeoutException)
        {
            _ = check.ContinueWith(static t => t.Exception, TaskScheduler.Default); // observed: it fails or ends on its own
            return NotReady(http, $"The database did not answer within {Deadline.TotalSeconds:0} s.", "not answering");
        }
        catch (Exception ex) when (Problems.IsDatabaseUnavailable(ex) || ex is OperationCanceledException && !ct.IsCancellationRequested)
        {
            return NotReady(http, "The database cannot be reached.", "down");
        }
    }

    private static async Task CheckAsync(NpgsqlDataSource db)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        await using var conn = await db.OpenConnectionAsync(timeout.Token);
        await conn.ExecuteScalarAsync<int>(new CommandDefinition("select 1", cancellationToken: timeout.Token));
    }

    private static ProblemHttpResult NotReady(HttpContext http, string detail, string database, string status = "not ready")
    {
        http.Response.Headers.RetryAfter = "5";
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: detail,
            extensions: new Dictionary<string, object?> { ["readiness"] = status, ["database"] = database });
    }
}
