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
    [property: Description("`up` (the primary answers), `read-only` (only standbys answer: reads are served, writes answer 503), or `not checked`.")] string Database,
    [property: Description("Each PostgreSQL host of the connection string, as /health/ready found it; left out on /health/live."),
        JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] NodeReport[]? Nodes = null);

/// <summary>One PostgreSQL host as the readiness check found it.</summary>
internal sealed record NodeReport(
    [property: Description("Host and port, as in the connection string.")] string Host,
    [property: Description("`primary`, `standby`, `down` (refused or failed) or `not answering` (no answer within two seconds).")] string Role,
    [property: Description("Standbys: bytes of the primary's WAL not replayed yet (0 when caught up); null for the primary, or when the primary is not up.")] long? LagBytes);

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
            .WithDescription("Asks every PostgreSQL host of the connection string at once and reports each: primary, standby (with its replay lag in bytes), down, or not answering within two seconds (a hard deadline: a frozen database does not hang the probe). Answers 200 while any host answers: with the primary down, reads are still served from a standby (`database: read-only`) and writes answer 503. Otherwise 503 with a problem and `Retry-After`: take the instance out of the load balancer until it is ready. From the moment the instance starts shutting down (SIGTERM) it answers 503 with `readiness: stopping`, while it keeps serving for the drain period.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    // The check's deadline is hard: a frozen database (its socket open, nothing answering) must not hold
    // the probe past it, whatever Npgsql's own cancellation does with a server that does not reply.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    private sealed record NodeState(string Host, string Role, NpgsqlLogSequenceNumber? Position);

    private static async Task<Results<Ok<HealthReport>, ProblemHttpResult>> Ready(
        DatabaseNodes nodes, IHostApplicationLifetime lifetime, HttpContext http, CancellationToken ct)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return NotReady(http, "The instance is shutting down: it finishes what it is serving and then stops.", "not checked", null, "stopping");
        }
        var states = await Task.WhenAll(nodes.Nodes.Select(n => CheckAsync(n, ct)));
        var primary = states.FirstOrDefault(s => s.Role == "primary")?.Position;
        var report = states.Select(s => new NodeReport(s.Host, s.Role,
            s.Role == "standby" && primary is { } p && s.Position is { } replayed ? Math.Max(0, (long)((ulong)p - (ulong)replayed)) : null)).ToArray();

        if (states.All(s => s.Role == "not answering"))
        {
            return NotReady(http, $"The database did not answer within {Deadline.TotalSeconds:0} s.", "not answering", report);
        }
        if (states.All(s => s.Role is "down" or "not answering"))
        {
            return NotReady(http, "The database cannot be reached.", "down", report);
        }
        return TypedResults.Ok(new HealthReport("ready", primary is null ? "read-only" : "up", report));
    }

    private static async Task<NodeState> CheckAsync(DatabaseNodes.Node node, CancellationToken ct)
    {
        var check = QueryAsync(node);
        try
        {
            return await check.WaitAsync(Deadline, ct);
        }
        catch (TimeoutException)
        {
            _ = check.ContinueWith(static t => t.Exception, TaskScheduler.Default); // observed: it fails or ends on its own
            return new NodeState(node.Name, "not answering", null);
        }
        catch (Exception ex) when (Problems.IsDatabaseUnavailable(ex) || ex is OperationCanceledException && !ct.IsCancellationRequested)
        {
            return new NodeState(node.Name, "down", null);
        }
    }

    private static async Task<NodeState> QueryAsync(DatabaseNodes.Node node)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        await using var conn = await node.Source.OpenConnectionAsync(timeout.Token);
        var (standby, position) = await conn.QuerySingleAsync<(bool, string?)>(new CommandDefinition("""
            select pg_is_in_recovery(), (case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end)::text
            """, cancellationToken: timeout.Token));
        return new NodeState(node.Name, standby ? "standby" : "primary", position is null ? null : NpgsqlLogSequenceNumber.Parse(position));
    }

    private static ProblemHttpResult NotReady(HttpContext http, string detail, string database, NodeReport[]? nodes, string status = "not ready")
    {
        http.Response.Headers.RetryAfter = "5";
        var extensions = new Dictionary<string, object?> { ["readiness"] = status, ["database"] = database };
        if (nodes is not null)
        {
            extensions["nodes"] = nodes;
        }
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: detail, extensions: extensions);
    }
}
