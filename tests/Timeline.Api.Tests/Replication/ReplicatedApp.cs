using System.Diagnostics;
using Dapper;
using Npgsql;
using Timeline.Api.Tests.Editing;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Replication;

/// <summary>
/// The replication tests share one primary and its streaming standby, which they pause, stop and kill:
/// they run one class at a time, and no other test uses these two servers.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ReplicatedServers
{
    public const string Name = "Replication";
}

/// <summary>
/// The API configured with both hosts (<c>Host=primary,standby</c>): writes go to the primary, reads to
/// the standby. Its database is created on the primary and has reached the standby when the tests start.
/// </summary>
public sealed class ReplicatedApp : EditingApp
{
    private protected override TestDatabase DatabaseServer => TestDatabase.Replicated;

    protected override string TestConnectionString => new NpgsqlConnectionStringBuilder(ConnectionString)
    {
        Host = $"127.0.0.1:{ReplicaCluster.PrimaryPort},127.0.0.1:{ReplicaCluster.StandbyPort}",
    }.ConnectionString;

    public override async Task InitializeAsync()
    {
        await ReplicaCluster.EnsureRunningAsync();
        await base.InitializeAsync();
        await ReplicaCluster.WaitForReplayAsync();
    }

    /// <summary>A connection to this app's database on the standby.</summary>
    public async Task<NpgsqlConnection> OpenStandbyAsync()
    {
        var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ReplicaCluster.StandbyServer) { Database = DatabaseName, Pooling = false }.ConnectionString);
        await conn.OpenAsync();
        return conn;
    }
}

/// <summary>Fault injection on the replicated pair: pause the standby's replay, stop or kill either server, start it again.</summary>
internal static class ReplicaCluster
{
    // The names ./test.sh starts them under (.pg/replica, .pg/replica-standby).
    private const string PrimaryName = "replica";
    private const string StandbyName = "replica-standby";

    public static string PrimaryServer => TestDatabase.Replicated.ServerConnectionString;

    public static string StandbyServer =>
        Environment.GetEnvironmentVariable("TIMELINE_TEST_REPLICA_STANDBY") ?? "Host=127.0.0.1;Port=54530;Username=postgres;Database=postgres";

    public static int PrimaryPort => new NpgsqlConnectionStringBuilder(PrimaryServer).Port;
    public static int StandbyPort => new NpgsqlConnectionStringBuilder(StandbyServer).Port;

    private static readonly string RepoRoot = FindRepoRoot();

    public static Task StopPrimaryAsync() => RunAsync("scripts/postgres.sh", "stop", PrimaryName, "--immediate");
    public static Task StartPrimaryAsync() => RunAsync("scripts/postgres.sh", "start", PrimaryName, $"{PrimaryPort}", "--fast");
    public static Task StopStandbyAsync() => RunAsync("scripts/standby.sh", "stop", StandbyName, "--immediate");
    public static Task StartStandbyAsync() => RunAsync("scripts/standby.sh", "start", StandbyName, $"{StandbyPort}", $"{PrimaryPort}", "--fast");

    /// <summary>Both servers up and the standby replaying (an earlier, interrupted run may have left it paused).</summary>
    public static async Task EnsureRunningAsync()
    {
        await StartPrimaryAsync();
        await StartStandbyAsync();
        await ResumeReplayAsync();
    }

    /// <summary>Stops the standby's replay (it keeps receiving WAL) and waits until it has stopped.</summary>
    public static async Task PauseReplayAsync()
    {
        await using var conn = await OpenAsync(StandbyServer);
        await conn.ExecuteAsync("select pg_wal_replay_pause()");
        while (await conn.ExecuteScalarAsync<string>("select pg_get_wal_replay_pause_state()") != "paused")
        {
            await Task.Delay(10);
        }
    }

    public static async Task ResumeReplayAsync()
    {
        await using var conn = await OpenAsync(StandbyServer);
        await conn.ExecuteAsync("select pg_wal_replay_resume()");
    }

    /// <summary>How many bytes of the primary's WAL the standby has not replayed.</summary>
    public static async Task<long> LagBytesAsync()
    {
        await using var primary = await OpenAsync(PrimaryServer);
        var position = await primary.ExecuteScalarAsync<string>("select pg_current_wal_insert_lsn()::text");
        await using var standby = await OpenAsync(StandbyServer);
        return await standby.ExecuteScalarAsync<long>("select pg_wal_lsn_diff(@position::pg_lsn, pg_last_wal_replay_lsn())::bigint", new { position });
    }

    /// <summary>Waits until the standby has replayed everything the primary has written so far.</summary>
    public static async Task WaitForReplayAsync()
    {
        await using var primary = await OpenAsync(PrimaryServer);
        var position = await primary.ExecuteScalarAsync<string>("select pg_current_wal_insert_lsn()::text");
        await using var standby = await OpenAsync(StandbyServer);
        for (var i = 0; i < 3000; i++)
        {
            if (await standby.ExecuteScalarAsync<bool>("select pg_last_wal_replay_lsn() >= @position::pg_lsn", new { position }))
            {
                return;
            }
            await Task.Delay(10);
        }
        throw new TimeoutException($"The standby did not replay up to {position} within 30 s.");
    }

    /// <summary>
    /// Polls until the condition holds, for up to a minute: a bounded wait for replication to converge or a
    /// server to be found again (Npgsql retries a host it found offline after Host Recheck Seconds, 10).
    /// </summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail("The condition did not hold within 60 s.");
    }

    private static async Task<NpgsqlConnection> OpenAsync(string server)
    {
        var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString);
        await conn.OpenAsync();
        return conn;
    }

    private static async Task RunAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(RepoRoot, script)) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // Restarted the way ./test.sh started them.
        start.Environment["TIMELINE_PG_SHARED_BUFFERS"] = "128MB";
        start.Environment["TIMELINE_PG_OPTIONS"] = "-c synchronous_commit=on";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}");
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Timeline.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"Timeline.sln not found above {AppContext.BaseDirectory}.");
    }
}
