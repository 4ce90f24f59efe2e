using System.Net;
using Dapper;
using Timeline.Api.Tests.Editing;
using Timeline.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Timeline.Api.Tests.Faults;

/// <summary>
/// The editing app talking to PostgreSQL through a <see cref="TcpProxy"/>, with a deferred trigger that
/// makes every COMMIT of an Idempotency-Key take two seconds: long enough to break the connection, kill
/// the session or give up as a client while the commit is under way.
/// </summary>
public sealed class SlowCommitApp : EditingApp
{
    private TcpProxy? _proxy;

    public TcpProxy Proxy => _proxy ?? throw new InvalidOperationException("Not initialised.");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _proxy = new TcpProxy(new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString).Port);
        await using var conn = await OpenDatabaseAsync();
        await conn.ExecuteAsync("""
            create function t_slow_commit() returns trigger language plpgsql as $$ begin perform pg_sleep(2); return null; end $$;
            create constraint trigger t_slow_commit after insert on idempotency_records
                deferrable initially deferred for each row execute function t_slow_commit();
            """);
    }

    protected override string TestConnectionString =>
        new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString) { Port = Proxy.Port }.ConnectionString;

    /// <summary>The pid of the app's session now running COMMIT (sleeping in the trigger).</summary>
    public async Task<int> WaitForCommitAsync()
    {
        for (var i = 0; i < 400; i++)
        {
            var pid = await ScalarOrNullAsync<int?>("""
                select pid from pg_stat_activity
                where datname = current_database() and application_name = 'timeline-api' and query = 'COMMIT' and state = 'active'
                """);
            if (pid is { } p) return p;
            await Task.Delay(10);
        }
        throw new TimeoutException("No COMMIT of the app was ever seen running.");
    }

    public async Task WaitForSessionToEndAsync(int pid)
    {
        for (var i = 0; i < 1000 && await ScalarAsync<long>("select count(*) from pg_stat_activity where pid = @pid", new { pid }) > 0; i++)
        {
            await Task.Delay(10);
        }
    }

    private async Task<T?> ScalarOrNullAsync<T>(string sql)
    {
        await using var conn = await OpenDatabaseAsync();
        return await conn.ExecuteScalarAsync<T>(sql);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _proxy?.Dispose();
    }
}

/// <summary>"Nothing committed is reported as failed": every failure around a COMMIT, then the retry.</summary>
public sealed class CommitFaultTests(SlowCommitApp app, ITestOutputHelper output) : IClassFixture<SlowCommitApp>
{
    [Fact]
    public async Task AWriteWhoseConnectionBreaksDuringCommitIsAnsweredOutcomeUnknown_AndItsRetryReplaysTheCommitted201()
    {
        using var client = app.Editor();
        var body = EditingApp.NewEvent("t-cut-during-commit");
        var post = client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-cut-key"));
        var pid = await app.WaitForCommitAsync();
        var cut = app.Proxy.CutAll();

        using var failed = await post;
        var problem = await ProblemAssert.IsProblemAsync(failed, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Write outcome unknown", problem.Title);
        Assert.Contains("may have been saved", problem.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Nothing was changed", problem.Detail, StringComparison.Ordinal);
        Assert.Equal("1", failed.Headers.GetValues("Retry-After").Single());

        // The server finishes the commit its client no longer waits for: the write is saved…
        await app.WaitForSessionToEndAsync(pid);
        Assert.Equal(1, await app.ScalarAsync<long>("select count(*) from events where slug = 't-cut-during-commit'"));

        // …and the retry with the same key gets the 201 that was committed, not a second event.
        using var retry = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-cut-key"));
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal("/v1/events/t-cut-during-commit", retry.Headers.Location!.OriginalString);
        Assert.Equal("\"1\"", retry.Headers.ETag!.Tag);
        Assert.Equal("t-cut-during-commit", (string?)(await EditingApp.JsonAsync(retry))["id"]);
        Assert.Equal(1, await app.ScalarAsync<long>("select count(*) from events where slug = 't-cut-during-commit'"));
        Assert.Equal(1, await app.ScalarAsync<long>("select count(*) from revisions r join events e on e.id = r.event_id where e.slug = 't-cut-during-commit'"));
        output.WriteLine($"Connection cut during COMMIT ({cut} connection(s) reset): 503 'Write outcome unknown'; committed; retry replayed the 201.");
    }

    [Fact]
    public async Task AWriteWhoseSessionIsKilledDuringCommitIsAnsweredOutcomeUnknown_AndItsRetrySavesItOnce()
    {
        using var client = app.Editor();
        var body = EditingApp.NewEvent("t-killed-during-commit");
        var post = client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-kill-key"));
        var pid = await app.WaitForCommitAsync();
        Assert.True(await app.ScalarAsync<bool>("select pg_terminate_backend(@pid)", new { pid }));

        using var failed = await post;
        var problem = await ProblemAssert.IsProblemAsync(failed, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Write outcome unknown", problem.Title);

        // Terminated inside the commit's trigger, before the commit record: rolled back. The retry saves it once.
        await app.WaitForSessionToEndAsync(pid);
        Assert.Equal(0, await app.ScalarAsync<long>("select count(*) from events where slug = 't-killed-during-commit'"));
        using var retry = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-kill-key"));
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.False(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1, await app.ScalarAsync<long>("select count(*) from events where slug = 't-killed-during-commit'"));
        output.WriteLine("Session terminated during COMMIT: 503 'Write outcome unknown'; rolled back; retry created it once.");
    }

    [Fact]
    public async Task AClientThatGivesUpWhileTheServerCommits_GetsTheCommitted201WhenItRetries()
    {
        var body = EditingApp.NewEvent("t-client-gave-up");
        using (var impatient = app.Editor())
        {
            using var giveUp = new CancellationTokenSource();
            var post = impatient.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-gave-up-key"), giveUp.Token);
            var pid = await app.WaitForCommitAsync();
            await giveUp.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => post);
            await app.WaitForSessionToEndAsync(pid);
        }

        using var client = app.Editor();
        using var retry = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-gave-up-key"));
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, await app.ScalarAsync<long>("select count(*) from events where slug = 't-client-gave-up'"));
    }
}
