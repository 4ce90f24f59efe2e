using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Timeline.Api.CuratedData;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL the tests run against. A template database is migrated and loaded with the
/// curated data set once per run; every test class gets a clone of it (CREATE DATABASE … TEMPLATE),
/// so no test depends on another's rows or order. <see cref="Shared"/> is the server most tests use;
/// <see cref="Replicated"/> the primary of the primary + standby pair the replication tests stop and start.
/// </summary>
internal sealed class TestDatabase(string serverConnectionString, string environmentVariable, string cloneStrategy = "wal_log")
{
    private const string TemplateName = "timeline_test_template";
    private readonly SemaphoreSlim _cloneLock = new(1, 1);
    private Lazy<Task>? _template;

    /// <summary>The server of most tests (./test.sh: TIMELINE_TEST_POSTGRES).</summary>
    public static readonly TestDatabase Shared = new(
        Environment.GetEnvironmentVariable("TIMELINE_TEST_POSTGRES") ?? "Host=127.0.0.1;Port=54330;Username=postgres;Database=postgres",
        "TIMELINE_TEST_POSTGRES");

    /// <summary>The primary of the replicated pair (./test.sh: TIMELINE_TEST_REPLICA_PRIMARY).</summary>
    public static readonly TestDatabase Replicated = new(
        Environment.GetEnvironmentVariable("TIMELINE_TEST_REPLICA_PRIMARY") ?? "Host=127.0.0.1;Port=54430;Username=postgres;Database=postgres",
        "TIMELINE_TEST_REPLICA_PRIMARY",
        // The fault tests kill this primary. A wal_log clone's sequences restart, after crash recovery, from
        // where the clone found them, handing out ids again; file_copy checkpoints, so their next value is logged.
        cloneStrategy: "file_copy");

    /// <summary>A connection string to the server's maintenance database, from ./test.sh.</summary>
    public string ServerConnectionString { get; } = serverConnectionString;

    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = database }.ConnectionString;

    /// <summary>Creates a fresh database holding the migrated schema and the curated data set.</summary>
    public async Task<string> CreateAsync()
    {
        await LazyInitializer.EnsureInitialized(ref _template, () => new Lazy<Task>(CreateTemplateAsync)).Value;
        var name = NewName();
        await _cloneLock.WaitAsync();
        try
        {
            await using var conn = await OpenServerAsync();
            await conn.ExecuteAsync($"create database {name} template {TemplateName} strategy {cloneStrategy}");
        }
        finally
        {
            _cloneLock.Release();
        }
        return name;
    }

    /// <summary>Creates an empty database (no schema): for tests of the migrations themselves. Drop it with <see cref="DropAsync"/>.</summary>
    public async Task<string> CreateEmptyAsync()
    {
        var name = NewName();
        await using var conn = await OpenServerAsync();
        await conn.ExecuteAsync($"create database {name}");
        return name;
    }

    private static string NewName() => "timeline_test_" + Guid.NewGuid().ToString("N")[..12];

    public async Task DropAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = await OpenServerAsync();
        await conn.ExecuteAsync($"drop database if exists {name} with (force)");
    }

    private async Task CreateTemplateAsync()
    {
        await using (var conn = await OpenServerAsync())
        {
            // Databases left behind by an earlier, interrupted run.
            var stale = await conn.QueryAsync<string>("select datname from pg_database where datname like 'timeline_test_%'");
            foreach (var db in stale)
            {
                await conn.ExecuteAsync($"drop database if exists {db} with (force)");
            }
            await conn.ExecuteAsync($"create database {TemplateName}");
        }

        var cs = new NpgsqlConnectionStringBuilder(ConnectionStringFor(TemplateName)) { Pooling = false }.ConnectionString;
        await using (var db = NpgsqlDataSource.Create(cs))
        {
            await Migrator.MigrateAsync(db, Migrator.DefaultFolder, NullLogger.Instance, CancellationToken.None);
            await CuratedDataLoader.LoadAsync(db, CuratedDataLoader.DefaultFile, NullLogger.Instance, CancellationToken.None);
        }
    }

    private async Task<NpgsqlConnection> OpenServerAsync()
    {
        var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ServerConnectionString) { Pooling = false }.ConnectionString);
        try
        {
            await conn.OpenAsync();
        }
        catch (Exception ex)
        {
            await conn.DisposeAsync();
            throw new InvalidOperationException(
                $"The tests need a PostgreSQL server at '{ServerConnectionString}' ({environmentVariable}). Run them with ./test.sh, which starts one.", ex);
        }
        return conn;
    }
}
