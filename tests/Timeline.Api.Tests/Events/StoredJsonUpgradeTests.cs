using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Timeline.Api.CuratedData;
using Timeline.Api.Infrastructure;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Events;

/// <summary>
/// Migration 0014 keeps each event's stored JSON in its row. A database that already holds events (their
/// documents out of line in TOAST) gets them moved into the rows by the migration itself, unchanged.
/// </summary>
public sealed class StoredJsonUpgradeTests
{
    private const string InRows = "0014";

    [Fact]
    public async Task UpgradingADatabaseMovesEveryStoredDocumentIntoItsRowByteForByte()
    {
        var server = TestDatabase.Shared;
        var name = await server.CreateEmptyAsync();
        var folder = Directory.CreateTempSubdirectory("timeline-migrations-");
        try
        {
            // The migrations before 0014 (and the functions beside them), as a database deployed before it has them.
            var before = Directory.CreateDirectory(Path.Combine(folder.FullName, "migrations"));
            foreach (var file in Directory.GetFiles(Migrator.DefaultFolder, "*.sql").Where(f => string.CompareOrdinal(Path.GetFileName(f), InRows) < 0))
            {
                File.Copy(file, Path.Combine(before.FullName, Path.GetFileName(file)));
            }
            var functions = Path.Combine(Path.GetDirectoryName(Migrator.DefaultFolder)!, "functions");
            var copied = Directory.CreateDirectory(Path.Combine(folder.FullName, "functions"));
            foreach (var file in Directory.GetFiles(functions, "*.sql"))
            {
                File.Copy(file, Path.Combine(copied.FullName, Path.GetFileName(file)));
            }

            await using var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(server.ConnectionStringFor(name)) { Pooling = false }.ConnectionString);
            await Migrator.MigrateAsync(db, before.FullName, NullLogger.Instance, CancellationToken.None);
            await CuratedDataLoader.LoadAsync(db, CuratedDataLoader.DefaultFile, NullLogger.Instance, CancellationToken.None);

            await using var conn = await db.OpenConnectionAsync();
            var toast = await conn.QuerySingleAsync<string>(StoredJsonTests.EventsToastTable);
            const string Stored = "select slug, version, item_json, document_json from events order by slug";
            var storedBefore = (await conn.QueryAsync<(string, int, string, string)>(Stored)).ToList();
            var outOfLineBefore = await conn.QuerySingleAsync<long>($"select count(*) from {toast}");
            Assert.True(storedBefore.Count > 60, $"Only {storedBefore.Count} events.");
            Assert.True(outOfLineBefore > storedBefore.Count / 2, $"Before 0014 only {outOfLineBefore} values of {storedBefore.Count} events were out of line.");

            var applied = await Migrator.MigrateAsync(db, Migrator.DefaultFolder, NullLogger.Instance, CancellationToken.None);

            Assert.Contains(applied, m => m.StartsWith(InRows, StringComparison.Ordinal));
            Assert.Equal(0L, await conn.QuerySingleAsync<long>($"select count(*) from {toast}"));
            Assert.Equal(storedBefore, (await conn.QueryAsync<(string, int, string, string)>(Stored)).ToList());
        }
        finally
        {
            await server.DropAsync(name);
            folder.Delete(recursive: true);
        }
    }
}
