using Dapper;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Vocabularies;

/// <summary>
/// The closed list of kind codes, read once per process: kinds change only through a migration, which
/// comes with a deployment (and so a restart). Validating `kind` then costs no round trip per request.
/// </summary>
internal sealed class KindVocabulary(DatabaseNodes nodes)
{
    private const string Sql = "select code from kinds order by code";

    private volatile string[]? _codes;

    public async ValueTask<string[]> GetCodesAsync(CancellationToken ct)
    {
        if (_codes is { } codes)
        {
            return codes;
        }
        await using var conn = await nodes.Reads.OpenConnectionAsync(ct);
        // Two first requests racing both read the table: harmless, and simpler than a lock.
        return _codes = [.. await conn.QueryAsync<string>(new CommandDefinition(Sql, cancellationToken: ct))];
    }
}
