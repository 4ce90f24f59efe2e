using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Auth;

/// <summary>
/// <c>keys create --name NAME --role editor|admin</c>, <c>keys list</c>, <c>keys revoke --name NAME</c>:
/// the API key administration, run by ./keys.sh against the database ./run.sh uses, before any web host
/// starts. The new key is printed once, on standard output, and never again.
/// </summary>
internal static class KeysCommand
{
    private const string Usage = """
        Usage:
          keys create --name NAME --role editor|admin   create a key; it is printed once, keep it secret
          keys list                                     list keys (name, role, prefix, created, revoked)
          keys revoke --name NAME                       revoke the live key of that name at once
        """;

    public static bool IsKeysCommand(string[] args) => args.Length > 0 && args[0] == "keys";

    public static async Task<int> RunAsync(IConfiguration configuration, string[] args, TextWriter output, TextWriter error)
    {
        var connectionString = configuration.GetConnectionString(Database.ConnectionStringName);
        if (connectionString is null)
        {
            await error.WriteLineAsync("No connection string 'ConnectionStrings:Timeline': run ./keys.sh, which uses the same database as ./run.sh.");
            return 2;
        }
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        await using var db = NpgsqlDataSource.Create(connectionString);
        await Migrator.MigrateAsync(db, Migrator.DefaultFolder, NullLogger.Instance, CancellationToken.None);
        return await RunAsync(db, args.Skip(1).ToArray(), output, error);
    }

    public static async Task<int> RunAsync(NpgsqlDataSource db, string[] args, TextWriter output, TextWriter error)
    {
        var options = ParseOptions(args.Skip(1));
        try
        {
            switch (args.FirstOrDefault())
            {
                case "create" when options.TryGetValue("name", out var name) && options.TryGetValue("role", out var role):
                    var (info, key) = await ApiKeys.CreateAsync(db, name, role, CancellationToken.None);
                    await output.WriteLineAsync(key);
                    await error.WriteLineAsync($"Created {info.Role} key '{info.Name}' (prefix {info.KeyPrefix}). It is shown only now: store it safely.");
                    return 0;
                case "list":
                    await output.WriteLineAsync("name\trole\tprefix\tcreated\trevoked");
                    foreach (var k in await ApiKeys.ListAsync(db, CancellationToken.None))
                    {
                        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                            $"{k.Name}\t{k.Role}\t{k.KeyPrefix}…\t{k.CreatedAt:yyyy-MM-ddTHH:mm:ssZ}\t{(k.RevokedAt is { } r ? r.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : "-")}"));
                    }
                    return 0;
                case "revoke" when options.TryGetValue("name", out var revoked):
                    if (await ApiKeys.RevokeAsync(db, revoked, CancellationToken.None))
                    {
                        await error.WriteLineAsync($"Revoked the key '{revoked}'. Requests with it are refused from now on.");
                        return 0;
                    }
                    await error.WriteLineAsync($"There is no live key named '{revoked}'.");
                    return 1;
                default:
                    await error.WriteLineAsync(Usage);
                    return 2;
            }
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync(e.Message.Split(" (Parameter", 2)[0]);
            return 2;
        }
    }

    private static Dictionary<string, string> ParseOptions(IEnumerable<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        string? pending = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0) options[arg[2..eq]] = arg[(eq + 1)..];
                else pending = arg[2..];
            }
            else if (pending is not null)
            {
                options[pending] = arg;
                pending = null;
            }
        }
        return options;
    }
}
