using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Timeline.Api.Infrastructure;

/// <summary>
/// The read connection of one request, opened on first use and closed when the request ends. Every
/// query of a read, the dataset stamp behind its ETag included, runs on this one connection, so the
/// ETag and the body describe the same server's data even when a standby lags behind the primary.
/// With one host it is simply a connection to it. Do not dispose what <see cref="ConnectionAsync"/>
/// returns: the request owns it.
/// </summary>
internal sealed class ReadDatabase(DatabaseNodes nodes) : IAsyncDisposable
{
    private NpgsqlConnection? _connection;
    private bool _primaryOnly;

    /// <summary>A position the reader has seen written (read your writes): only a node that has replayed it may answer.</summary>
    public NpgsqlLogSequenceNumber? ReadAfter { get; set; }

    /// <summary>True while the request may be reading from a standby (a retry on the primary may help).</summary>
    public bool MayBeOnStandby => nodes.HasStandbys && !_primaryOnly;

    public async ValueTask<NpgsqlConnection> ConnectionAsync(CancellationToken ct)
    {
        if (_connection is not null)
        {
            return _connection;
        }
        if (!MayBeOnStandby)
        {
            return _connection = await nodes.Primary.OpenConnectionAsync(ct);
        }
        var conn = await nodes.Reads.OpenConnectionAsync(ct);
        // One round trip more, only for a reader who has just written: a standby that has not replayed
        // the write yet hands the read to the primary (on the primary the replay position is null).
        if (ReadAfter is { } position && !await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
                "select coalesce(pg_last_wal_replay_lsn() >= @position::pg_lsn, true)", new { position = position.ToString() }, cancellationToken: ct)))
        {
            await conn.DisposeAsync();
            conn = await nodes.Primary.OpenConnectionAsync(ct);
        }
        return _connection = conn;
    }

    /// <summary>The server this request reads from (opens the connection when there are several).</summary>
    public async ValueTask<string> NodeAsync(CancellationToken ct) =>
        nodes.HasStandbys ? DatabaseNodes.NameOf(await ConnectionAsync(ct)) : nodes.Nodes[0].Name;

    /// <summary>Drops the connection that failed; the rest of the request reads from the primary.</summary>
    public async ValueTask RetryAsync()
    {
        _primaryOnly = true;
        if (_connection is { } failed)
        {
            _connection = null;
            await failed.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => _connection?.DisposeAsync() ?? ValueTask.CompletedTask;
}
