using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Timeline.Api.CuratedData;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of the fault tests' own (scripts/postgres.sh, under .pg/fault, on
/// TIMELINE_TEST_FAULT_PORT, which ./test.sh sets to the test port + 300), since freezing, restarting or
/// stopping the shared test server would break every other test running at the same time. It holds one
/// migrated, curated database, "timeline".
/// </summary>
public static class FaultServer
{
    public static int Port { get; } = int.TryParse(Environment.GetEnvironmentVariable("TIMELINE_TEST_FAULT_PORT"), out var p) ? p : 54630;

        public static string ConnectionString { get; } = $"Host=127.0.0.1;Port={Port};Username=postgres;Database=timeline;Timeout=3";

    public static async Task StartAsync()
    {
        await ScriptAsync("start", "fault", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--fast");
    }

    public static async Task StopAsync() => await ScriptAsync("stop", "fault");

    /// <summary>Starts the server and makes the "timeline" database afresh.</summary>
    public static async Task CreateAsync()
    {
        await StartAsync();
        var server = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await using (var conn = new NpgsqlConnection(server))
        {
            await conn.OpenAsync();
            await conn.ExecuteAsync("drop database if exists timeline with (force)");
            await conn.ExecuteAsync("create database timeline");
        }
        await using var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await Migrator.MigrateAsync(db, Migrator.DefaultFolder, NullLogger.Instance, CancellationToken.None);
        await CuratedDataLoader.LoadAsync(db, CuratedDataLoader.DefaultFile, NullLogger.Instance, CancellationToken.None);
    }

    /// <summary>SIGSTOP to the postmaster and every backend: sockets stay open, nothing answers.</summary>
    public static Task FreezeAsync() => SignalAllAsync("STOP");

    public static Task ThawAsync() => SignalAllAsync("CONT");

    private static async Task SignalAllAsync(string signal)
    {
        var pidFile = Path.Combine(Repo.Root, ".pg", "fault", "data", "postmaster.pid");
        var postmaster = (await File.ReadAllLinesAsync(pidFile))[0].Trim();
        // Children first when stopping (so none is woken by a parent still running), parent first when continuing.
        if (signal == "STOP")
        {
            await RunAsync("pkill", $"-{signal}", "-P", postmaster);
            await RunAsync("kill", $"-{signal}", postmaster);
        }
        else
        {
            await RunAsync("kill", $"-{signal}", postmaster);
            await RunAsync("pkill", $"-{signal}", "-P", postmaster);
        }
    }

    private static Task ScriptAsync(params string[] args) => RunAsync(Path.Combine(Repo.Root, "scripts", "postgres.sh"), args);

    internal static async Task RunAsync(string file, params string[] args)
    {
        var (exit, stdout, stderr) = await Tool.RunAsync(file, Repo.Root, args);
        // pkill answers 1 when there was no process to signal: not an error here.
        if (exit != 0 && !(file == "pkill" && exit == 1))
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {exit}: {stderr}{stdout}");
        }
    }
}
