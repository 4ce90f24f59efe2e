using System.Data;
using Dapper;
using Npgsql;

namespace Timeline.Api.Infrastructure;

/// <summary>Settings under "Timeline" in configuration.</summary>
internal sealed class TimelineOptions
{
    /// <summary>Load db/curated/timeline.json at start-up (the run command sets it).</summary>
    public bool LoadCuratedData { get; set; }

    /// <summary>
    /// Apply pending migrations, then render the stored JSON of events that lack it, at start-up. On by
    /// default; a deployment may run them once, separately (Timeline__MigrateOnly=true).
    /// </summary>
    public bool MigrateOnStart { get; set; } = true;
}

/// <summary>
/// Settings under "Timeline:Database": the bounds every session of the app runs under, sent as startup
/// options of each connection (no extra round trip). Migrations and start-up rendering run without them.
/// </summary>
internal sealed class DatabaseOptions
{
    /// <summary>A statement running longer is cancelled (57014, answered 503). Exports set their own.</summary>
    public int StatementTimeoutSeconds { get; set; } = 15;

    /// <summary>A lock waited for longer gives up (55P03, answered 503).</summary>
    public int LockTimeoutSeconds { get; set; } = 5;

    /// <summary>A transaction left idle longer is ended by the server, releasing its locks and snapshot.</summary>
    public int IdleInTransactionTimeoutSeconds { get; set; } = 60;

    public string StartupOptions => FormattableString.Invariant(
        $"-c statement_timeout={StatementTimeoutSeconds}s -c lock_timeout={LockTimeoutSeconds}s -c idle_in_transaction_session_timeout={IdleInTransactionTimeoutSeconds}s");
}

internal static class Database
{
    public const string ConnectionStringName = "Timeline";

    /// <summary>The data source of start-up work (migrations, rendering, the curated load): no statement timeout.</summary>
    public const string Maintenance = "maintenance";

    public static void AddTimelineDatabase(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName)
            ?? throw new InvalidOperationException(
                "No connection string 'ConnectionStrings:Timeline' (env ConnectionStrings__Timeline). " +
                "Use ./run.sh, which starts a local PostgreSQL, or set one.");

        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        // Prepared statements are reused per physical connection: measurably faster on hot reads.
        if (csb.MaxAutoPrepare == 0)
        {
            csb.MaxAutoPrepare = 50;
        }
        // No DISCARD ALL (7 statements) each time a connection goes back to the pool: the app leaves no
        // session state behind (settings are SET LOCAL, advisory locks are released in finally blocks).
        csb.NoResetOnClose = true;
        csb.ApplicationName ??= "timeline-api";
        var maintenance = csb.ConnectionString;
        var bounds = builder.Configuration.GetSection("Timeline:Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        csb.Options = string.IsNullOrEmpty(csb.Options) ? bounds.StartupOptions : csb.Options + " " + bounds.StartupOptions;

        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new DateOnlyHandler());
        SqlMapper.AddTypeHandler(new NullableDateOnlyHandler());

        // One host, or several (a primary and its standbys): writes go to the primary, reads through ReadDatabase.
        builder.Services.AddSingleton(_ => DatabaseNodes.Create(csb.ConnectionString));
        builder.Services.AddSingleton(s => s.GetRequiredService<DatabaseNodes>().Primary);
        builder.Services.AddScoped<ReadDatabase>();
        builder.Services.AddKeyedSingleton(Maintenance, (_, _) => new NpgsqlDataSourceBuilder(DatabaseNodes.PrimaryOnly(maintenance)).Build());
        builder.Services.Configure<TimelineOptions>(builder.Configuration.GetSection("Timeline"));
    }

    /// <summary>Migrates and, when asked, loads the curated data set before the first request.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        var options = app.Configuration.GetSection("Timeline").Get<TimelineOptions>() ?? new TimelineOptions();
        var db = app.Services.GetRequiredKeyedService<NpgsqlDataSource>(Maintenance);
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Timeline.Database");
        if (options.MigrateOnStart)
        {
            await Migrator.MigrateAsync(db, Migrator.DefaultFolder, log, CancellationToken.None);
            // Events written by bulk SQL, or stored by an older renderer, get their JSON before the first read.
            await Events.EventRenderer.RenderStoreAsync(db, log, CancellationToken.None);
        }
        if (options.LoadCuratedData)
        {
            await CuratedData.CuratedDataLoader.LoadAsync(db, CuratedData.CuratedDataLoader.DefaultFile, log, CancellationToken.None);
        }
    }

    /// <summary>
    /// A command for SQL whose parameters a filter collected as Dapper parameters: the hot reads run it
    /// with Npgsql directly, to read stored JSON as bytes.
    /// </summary>
    public static NpgsqlCommand ToCommand(this DynamicParameters args, string sql, NpgsqlConnection conn, NpgsqlTransaction? tx = null)
    {
        var cmd = new NpgsqlCommand(sql, conn, tx);
        AddTo(args, cmd.Parameters);
        return cmd;
    }

    /// <summary>The same, as one statement of a batch.</summary>
    public static NpgsqlBatchCommand ToBatchCommand(this DynamicParameters args, string sql)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        AddTo(args, cmd.Parameters);
        return cmd;
    }

    private static void AddTo(DynamicParameters args, NpgsqlParameterCollection parameters)
    {
        foreach (var name in args.ParameterNames)
        {
            parameters.AddWithValue(name, args.Get<object>(name));
        }
    }

    /// <summary>Dapper maps DateOnly to a PostgreSQL date, so range predicates can use the date indexes.</summary>
    private sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
    {
        public override void SetValue(IDbDataParameter parameter, DateOnly value)
        {
            parameter.Value = value;
            if (parameter is NpgsqlParameter p) p.NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date;
        }

        public override DateOnly Parse(object value) => value switch
        {
            DateOnly d => d,
            DateTime dt => DateOnly.FromDateTime(dt),
            _ => DateOnly.Parse((string)value, System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private sealed class NullableDateOnlyHandler : SqlMapper.TypeHandler<DateOnly?>
    {
        public override void SetValue(IDbDataParameter parameter, DateOnly? value)
        {
            parameter.Value = value.HasValue ? value.Value : DBNull.Value;
            if (parameter is NpgsqlParameter p) p.NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date;
        }

        public override DateOnly? Parse(object value) => value switch
        {
            null or DBNull => null,
            DateOnly d => d,
            DateTime dt => DateOnly.FromDateTime(dt),
            _ => DateOnly.Parse((string)value, System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
