using Npgsql;

namespace Timeline.Api.Infrastructure;

/// <summary>
/// The PostgreSQL servers behind the API, from one connection string. One host: every connection goes
/// there, as it always did. Several hosts (<c>Host=db1,db2:5433</c>): Npgsql's multi-host data source
/// finds out which is the primary; writes, and anything that must see the newest data, go to it
/// (<see cref="Primary"/>), reads prefer a standby and fall back to the primary when none answers
/// (<see cref="Reads"/>, used through <see cref="ReadDatabase"/>).
/// </summary>
internal sealed class DatabaseNodes : IAsyncDisposable
{
    private readonly NpgsqlDataSource _source;

    private DatabaseNodes(NpgsqlDataSource source, NpgsqlDataSource primary, NpgsqlDataSource reads, Node[] nodes)
    {
        _source = source;
        Primary = primary;
        Reads = reads;
        Nodes = nodes;
    }

    /// <summary>Writes and reads that must see the newest data (the registered <see cref="NpgsqlDataSource"/>).</summary>
    public NpgsqlDataSource Primary { get; }

    /// <summary>Reads: a standby when one answers, else the primary. The primary itself when there is one host.</summary>
    public NpgsqlDataSource Reads { get; }

    /// <summary>True when the connection string names several hosts, so reads may come from a standby.</summary>
    public bool HasStandbys => Nodes.Length > 1;

    /// <summary>Each host on its own, for /health/ready.</summary>
    public Node[] Nodes { get; }

    /// <summary>A host and a data source that reaches only it.</summary>
    internal sealed record Node(string Name, NpgsqlDataSource Source);

    public static DatabaseNodes Create(string connectionString)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        var hosts = (csb.Host ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (hosts.Length == 0)
        {
            hosts = [csb.Host ?? ""];
        }
        // Readiness asks each host through a small pool of its own, with a short connect timeout, so a
        // busy instance (every request connection taken) still answers its probe: a load balancer must
        // not take an instance out because it is busy.
        var nodes = hosts.Select(host => HealthCheckNode(connectionString, host)).ToArray();
        if (hosts.Length <= 1)
        {
            var single = new NpgsqlDataSourceBuilder(connectionString).Build();
            return new DatabaseNodes(single, single, single, nodes);
        }

        var multi = new NpgsqlDataSourceBuilder(connectionString).BuildMultiHost();
        return new DatabaseNodes(multi, multi.WithTargetSession(TargetSessionAttributes.Primary),
            multi.WithTargetSession(TargetSessionAttributes.PreferStandby), nodes);
    }

    private static Node HealthCheckNode(string connectionString, string host)
    {
        var one = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Host = host, TargetSessionAttributes = null, MaxPoolSize = 2, MinPoolSize = 0, Timeout = 2, LoadBalanceHosts = false,
        };
        // "db2:5433" or "[::1]:5433" names its port; "db2" takes the connection string's Port.
        var colon = host.LastIndexOf(':');
        if (colon > 0 && (host.IndexOf(':', StringComparison.Ordinal) == colon || host[colon - 1] == ']')
            && int.TryParse(host.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture, out var port))
        {
            one.Host = host[..colon].Trim('[', ']');
            one.Port = port;
        }
        return new Node($"{one.Host}:{one.Port}", new NpgsqlDataSourceBuilder(one.ConnectionString).Build());
    }

    /// <summary>The connection string with several hosts made to reach only the primary (start-up work: migrations).</summary>
    public static string PrimaryOnly(string connectionString)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        if (csb.Host?.Contains(',', StringComparison.Ordinal) == true)
        {
            csb.TargetSessionAttributes = "primary";
        }
        return csb.ConnectionString;
    }

    /// <summary>The host a connection reached, as <see cref="Node.Name"/> names it.</summary>
    public static string NameOf(NpgsqlConnection conn) => $"{conn.Host}:{conn.Port}";

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        foreach (var node in Nodes)
        {
            await node.Source.DisposeAsync();
        }
    }
}
