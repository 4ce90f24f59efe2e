using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace Timeline.Api.Infrastructure;

/// <summary>
/// A small migration runner (NuGet here has no DbUp, Evolve or grate). Numbered files in db/migrations
/// (tables, data changes) are forward-only: applied once each, in order, and the app refuses to start
/// when an applied one has been edited. Repeatable files in db/functions (a function or view each, written
/// with CREATE OR REPLACE) are the living definition: applied after the numbered ones whenever their
/// content changes. Each file runs in its own transaction, under an advisory lock so that several
/// instances starting together apply each file once.
/// </summary>
internal static partial class Migrator
{
    public static readonly string DefaultFolder = Path.Combine(AppContext.BaseDirectory, "db", "migrations");

    /// <summary>The repeatable files beside the migrations folder: ../functions.</summary>
    private static string RepeatableFolder(string migrations) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(migrations))!, "functions");

    // Any fixed number: instances of this app agree on it, nothing else in the database uses it.
    private const long LockKey = 7_345_190_220_114;

    public static async Task<IReadOnlyList<string>> MigrateAsync(NpgsqlDataSource db, string folder, ILogger log, CancellationToken ct)
    {
        var files = ReadFiles(folder);
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("select pg_advisory_lock(@LockKey)", new { LockKey }, cancellationToken: ct));
        try
        {
            await conn.ExecuteAsync(new CommandDefinition("""
                create table if not exists schema_migrations (
                    version    text primary key,
                    name       text not null,
                    checksum   text not null,
                    applied_at timestamptz not null default now()
                )
                """, cancellationToken: ct));
            var applied = (await conn.QueryAsync<(string Version, string Checksum)>(
                new CommandDefinition("select version, checksum from schema_migrations", cancellationToken: ct)))
                .ToDictionary(r => r.Version, r => r.Checksum);

            var missing = applied.Keys.FirstOrDefault(v => files.All(f => f.Version != v));
            if (missing is not null)
            {
                throw new InvalidOperationException($"Migration {missing} is applied in the database but its file is missing from {folder}.");
            }

            var newlyApplied = new List<string>();
            foreach (var file in files)
            {
                if (applied.TryGetValue(file.Version, out var checksum))
                {
                    if (checksum != file.Checksum)
                    {
                        throw new InvalidOperationException(
                            $"Migration {file.Name} was edited after it was applied (checksum {checksum} in the database, {file.Checksum} on disk). " +
                            "Migrations are forward-only: put the change in a new numbered file.");
                    }
                    continue;
                }

                await using var tx = await conn.BeginTransactionAsync(ct);
                await conn.ExecuteAsync(new CommandDefinition(file.Sql, transaction: tx, cancellationToken: ct, commandTimeout: 600));
                await conn.ExecuteAsync(new CommandDefinition(
                    "insert into schema_migrations (version, name, checksum) values (@Version, @Name, @Checksum)",
                    new { file.Version, file.Name, file.Checksum }, tx, cancellationToken: ct));
                await tx.CommitAsync(ct);
                log.LogInformation("Applied migration {Migration}", file.Name);
                newlyApplied.Add(file.Name);
            }

            await conn.ExecuteAsync(new CommandDefinition("""
                create table if not exists schema_repeatables (
                    name       text primary key,
                    checksum   text not null,
                    applied_at timestamptz not null default now()
                )
                """, cancellationToken: ct));
            var current = (await conn.QueryAsync<(string Name, string Checksum)>(
                new CommandDefinition("select name, checksum from schema_repeatables", cancellationToken: ct)))
                .ToDictionary(r => r.Name, r => r.Checksum);
            foreach (var file in ReadRepeatables(RepeatableFolder(folder)))
            {
                if (current.TryGetValue(file.Name, out var checksum) && checksum == file.Checksum)
                {
                    continue;
                }
                await using var tx = await conn.BeginTransactionAsync(ct);
                await conn.ExecuteAsync(new CommandDefinition(file.Sql, transaction: tx, cancellationToken: ct, commandTimeout: 600));
                await conn.ExecuteAsync(new CommandDefinition("""
                    insert into schema_repeatables (name, checksum) values (@Name, @Checksum)
                    on conflict (name) do update set checksum = excluded.checksum, applied_at = now()
                    """, new { file.Name, file.Checksum }, tx, cancellationToken: ct));
                await tx.CommitAsync(ct);
                log.LogInformation("Applied repeatable {Definition}", file.Name);
                newlyApplied.Add(file.Name);
            }
            return newlyApplied;
        }
        finally
        {
            await conn.ExecuteAsync(new CommandDefinition("select pg_advisory_unlock(@LockKey)", new { LockKey }, cancellationToken: CancellationToken.None));
        }
    }

    private static List<MigrationFile> ReadFiles(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new InvalidOperationException($"Migrations folder {folder} does not exist.");
        }
        var files = new List<MigrationFile>();
        foreach (var path in Directory.GetFiles(folder, "*.sql"))
        {
            var name = Path.GetFileName(path);
            var match = FileName().Match(name);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Migration file {name} must be named NNNN_description.sql.");
            }
            // Line endings are normalised so that a checkout on Windows does not look like an edit.
            var sql = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
            var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
            files.Add(new MigrationFile(match.Groups[1].Value, name, sql, checksum));
        }
        var duplicate = files.GroupBy(f => f.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two migration files share number {duplicate.Key}.");
        }
        return [.. files.OrderBy(f => f.Version, StringComparer.Ordinal)];
    }

    /// <summary>db/functions/*.sql in name order; none when the folder does not exist.</summary>
    private static IEnumerable<MigrationFile> ReadRepeatables(string folder) =>
        Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.sql").Order(StringComparer.Ordinal).Select(path =>
            {
                var sql = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
                return new MigrationFile("", Path.GetFileName(path), sql, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql))));
            })
            : [];

    private sealed record MigrationFile(string Version, string Name, string Sql, string Checksum);

    [GeneratedRegex(@"^(\d{4})_[a-z0-9_]+\.sql$")]
    private static partial Regex FileName();
}
