using System.ComponentModel;
using System.Text.Json.Serialization;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using NpgsqlTypes;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Health;

/// <summary>Liveness and readiness for orchestrators and load balancers.</summary>
internal sealed record HealthReport(
    string Status,
    [property: Description("`up` (the primary answers), `read-only` (only standbys answer: reads are served, writes answer 503), `down` or `not checked`.")] string Database,
    [property: Description("Each PostgreSQL host of the connection string, as /health/ready found it; left out on /health/live."),
        JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] NodeReport[]? Nodes = null);

/// <summary>One PostgreSQL host as the readiness check found it.</summary>
internal sealed record NodeReport(
    [property: Description("Host and port, as in the connection string.")] string Host,
    [property: Description("`primary`, `standby`, or `down` when it did not answer within two seconds.")] string Role,
    [property: Description("Standbys: bytes of the primary's WAL not replayed yet (0 when caught up); null for the primary, or when the primary is down.")] long? LagBytes);

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
            .WithDescription("Asks every PostgreSQL host of the connection string, at once, with two seconds to answer, and reports each: primary, standby (with its replay lag in bytes) or down. Answers 200 while any host answers: with the primary down reads are still served from a standby (`database: read-only`) and writes answer 503. Answers 503 with a problem when no host answers: take the instance out of the load balancer until it is ready.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private sealed record NodeState(string Host, string Role, NpgsqlLogSequenceNumber? Position);

    private static async Task<Results<Ok<HealthReport>, ProblemHttpResult>> Ready(DatabaseNodes nodes, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        var states = await Task.WhenAll(nodes.Nodes.Select(n => CheckAsync(n, timeout.Token, ct)));
        var primary = states.FirstOrDefault(s => s.Role == "primary")?.Position;
        var report = states.Select(s => new NodeReport(s.Host, s.Role,
            s.Role == "standby" && primary is { } p && s.Position is { } replayed ? Math.Max(0, (long)((ulong)p - (ulong)replayed)) : null)).ToArray();

        if (states.All(s => s.Role == "down"))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready",
                detail: "The database does not answer.", extensions: new Dictionary<string, object?> { ["database"] = "down", ["nodes"] = report });
        }
        return TypedResults.Ok(new HealthReport("ready", primary is null ? "read-only" : "up", report));
    }

    private static async Task<NodeState> CheckAsync(DatabaseNodes.Node node, CancellationToken deadline, CancellationToken aborted)
    {
        try
        {
            await using var conn = await node.Source.OpenConnectionAsync(deadline);
            var (standby, position) = await conn.QuerySingleAsync<(bool, string?)>(new CommandDefinition("""
                select pg_is_in_recovery(), (case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end)::text
                """, cancellationToken: deadline));
            return new NodeState(node.Name, standby ? "standby" : "primary", position is null ? null : NpgsqlLogSequenceNumber.Parse(position));
        }
        catch (Exception ex) when (Problems.IsDatabaseUnavailable(ex) || ex is OperationCanceledException && !aborted.IsCancellationRequested)
        {
            return new NodeState(node.Name, "down", null);
        }
    }
}
