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
        var health = app.MapGroup("/health").WithTags("Health");

        health.MapGet("/live", () => TypedResults.Ok(new HealthReport("live", "not checked")))
            .WithName("Live")
            .WithSummary("Is the process up?")
            .WithDescription("Answers 200 as long as the process serves HTTP. It does not touch the database, so an orchestrator does not restart the API during a database outage.");

        health.MapGet("/ready", Ready)
            .WithName("Ready")
            .WithSummary("Can the API serve requests?")
            .WithDescription("Answers 200 when PostgreSQL answers a query within two seconds, otherwise 503 with a problem: take the instance out of the load balancer until it is ready.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<Results<Ok<HealthReport>, ProblemHttpResult>> Ready(NpgsqlDataSource db, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await using var conn = await db.OpenConnectionAsync(timeout.Token);
            await conn.ExecuteScalarAsync<int>(new CommandDefinition("select 1", cancellationToken: timeout.Token));
            return TypedResults.Ok(new HealthReport("ready", "up"));
        }
        catch (Exception ex) when (Problems.IsDatabaseUnavailable(ex) || ex is OperationCanceledException && !ct.IsCancellationRequested)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready",
                detail: "The database does not answer.", extensions: new Dictionary<string, object?> { ["database"] = "down" });
        }
    }
}
