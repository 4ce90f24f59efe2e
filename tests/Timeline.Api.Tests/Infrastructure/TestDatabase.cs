using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Timeline.Api.CuratedData;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Tests.Infrastructure;

/// <summary>
/// The real PostgreSQL the tests run against. A template database is migrated and loaded with the
/// curated data set once per run; every test class gets a clone of it (CREATE DATABASE … TEMPLATE),
/// so no test depends on another's rows or order.
/// </summary>
internal static class TestDatabase
{
    private const string TemplateName = "timeline_test_template";
    private static readonly SemaphoreSlim CloneLock = new(1, 1);
    private static readonly Lazy<Task> Template = new(CreateTemplateAsync);

    /// <summary>A connection string to the server's maintenance database, from ./test.sh.</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("TIMELINE_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=54330;Username=postgres;Database=postgres";

    public static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = database }.ConnectionString;

    /// <summary>Creates a fresh database holding the migrated schema and the curated data set.</summary>
    public static async Task<string> CreateAsync()
    {
        await Template.Value;
        var name = "timeline_test_" + Guid.NewGuid().ToString("N")[..12];
        await CloneLock.WaitAsync();
        try
        {
            await using var conn = await OpenServerAsync();
            await conn.ExecuteAsync($"create database {name} template {TemplateName}");
        }
        finally
        {
            CloneLock.Release();
        }
        return name;
    }

    public static async Task DropAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = await OpenServerAsync();
        await conn.ExecuteAsync($"drop database if exists {name} with (force)");
    }

    private static async Task CreateTemplateAsync()
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

    private static async Task<NpgsqlConnection> OpenServerAsync()
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
                $"The tests need a PostgreSQL server at '{ServerConnectionString}' (TIMELINE_TEST_POSTGRES). Run them with ./test.sh, which starts one.", ex);
        }
        return conn;
    }
}
