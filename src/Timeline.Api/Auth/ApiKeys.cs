using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace Timeline.Api.Auth;

/// <summary>The two roles a key can carry. Admins can do everything editors can.</summary>
internal static class Roles
{
    public const string Editor = "editor";
    public const string Admin = "admin";
    public static readonly string[] All = [Editor, Admin];
}

/// <summary>A key as listed: never the key itself, which only its holder knows.</summary>
internal sealed class ApiKeyInfo
{
    public long Id { get; init; }
    public string Name { get; init; } = "";
    public string Role { get; init; } = "";
    public string KeyPrefix { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public DateTime? RevokedAt { get; init; }
}

/// <summary>
/// API keys: 32 random bytes, base64url, behind the prefix <c>tl_</c>. Only the SHA-256 hash is stored,
/// so a copy of the database does not let anyone write. The key is shown once, when it is created.
/// </summary>
internal static partial class ApiKeys
{
    public const string Prefix = "tl_";

    public static string NewKey() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>Names sign revisions: lowercase letters and digits, words joined by '.', '_' or '-'.</summary>
    public static bool IsValidName(string? name) => name is { Length: >= 1 and <= 64 } && NamePattern().IsMatch(name);

    public static async Task<(ApiKeyInfo Info, string Key)> CreateAsync(NpgsqlDataSource db, string name, string role, CancellationToken ct)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException("A key name is 1–64 lowercase letters and digits, words joined by '.', '_' or '-', e.g. 'alice'.", nameof(name));
        }
        if (!Roles.All.Contains(role))
        {
            throw new ArgumentException($"A role is '{Roles.Editor}' or '{Roles.Admin}'.", nameof(role));
        }
        var key = NewKey();
        await using var conn = await db.OpenConnectionAsync(ct);
        try
        {
            var info = await conn.QuerySingleAsync<ApiKeyInfo>(new CommandDefinition("""
                insert into api_keys (name, role, key_hash, key_prefix) values (@name, @role, @hash, @prefix)
                returning id, name, role, key_prefix, created_at, revoked_at
                """, new { name, role, hash = Hash(key), prefix = key[..7] }, cancellationToken: ct));
            return (info, key);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ArgumentException($"A live key named '{name}' exists already: revoke it first, or choose another name.", nameof(name), e);
        }
    }

    public static async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<ApiKeyInfo>(new CommandDefinition(
            "select id, name, role, key_prefix, created_at, revoked_at from api_keys order by id", cancellationToken: ct))).AsList();
    }

    /// <summary>Revokes the live key of that name; returns false when there is none.</summary>
    public static async Task<bool> RevokeAsync(NpgsqlDataSource db, string name, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(
            "update api_keys set revoked_at = now() where name = @name and revoked_at is null", new { name }, cancellationToken: ct)) > 0;
    }

    /// <summary>The live key with this hash, or null when the key is unknown or revoked.</summary>
    public static async Task<ApiKeyInfo?> FindLiveAsync(NpgsqlDataSource db, string key, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<ApiKeyInfo>(new CommandDefinition(
            "select id, name, role, key_prefix, created_at, revoked_at from api_keys where key_hash = @hash and revoked_at is null",
            new { hash = Hash(key) }, cancellationToken: ct));
    }

    [GeneratedRegex("^[a-z0-9]+([._-][a-z0-9]+)*$")]
    private static partial Regex NamePattern();
}
