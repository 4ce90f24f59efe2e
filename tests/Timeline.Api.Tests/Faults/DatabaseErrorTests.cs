using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Timeline.Api.Tests.Editing;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Faults;

/// <summary>The editing app with a one-second statement timeout and a lock timeout longer than that.</summary>
public sealed class ShortStatementTimeoutApp : EditingApp
{
    protected override IEnumerable<(string Name, string Value)> Settings =>
        [("Timeline:Database:StatementTimeoutSeconds", "1"), ("Timeline:Database:LockTimeoutSeconds", "30")];

    /// <summary>Makes the app's next connections new ones, so that they pick up database settings changed since.</summary>
    public void ClearPool() => Services.GetRequiredService<NpgsqlDataSource>().Clear();
}

/// <summary>Failures of the database, not of the request, are 503 with Retry-After and say nothing was changed; never a 500.</summary>
public sealed class DatabaseErrorTests(ShortStatementTimeoutApp app) : IClassFixture<ShortStatementTimeoutApp>
{
    [Theory]
    [InlineData("/v1/events/2022-11-15-przewodow-missile")]
    [InlineData("/v1/stats/escalation")]
    [InlineData("/v1/events?q=missile")]
    public async Task AStatementTimeoutIsA503WithRetryAfter(string url)
    {
        using var client = app.CreateClient(); // the app starts (and migrates) before the table is held
        // Another session holds the events table: the read waits until the statement timeout (57014) stops it.
        await using var blocker = await app.OpenDatabaseAsync();
        await using (var tx = await blocker.BeginTransactionAsync())
        {
            await blocker.ExecuteAsync("lock table events in access exclusive mode", transaction: tx);
            using var response = await client.GetAsync(url);

            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("Database timed out", problem.Title);
            Assert.Contains("Nothing was changed", problem.Detail, StringComparison.Ordinal);
            Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
            await tx.RollbackAsync();
        }
        using var after = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task WritesToARead_onlyDatabaseAre503WithRetryAfter_WhileReadsGoOn()
    {
        var etag = await app.CreateEventAsync("t-read-only-revise");
        await using (var conn = await app.OpenDatabaseAsync())
        {
            await conn.ExecuteAsync($"alter database {app.DatabaseName} set default_transaction_read_only = on");
        }
        app.ClearPool();
        try
        {
            using var client = app.Editor();
            using (var post = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", EditingApp.NewEvent("t-read-only"), idempotencyKey: "t-read-only")))
            {
                var problem = await ProblemAssert.IsProblemAsync(post, HttpStatusCode.ServiceUnavailable);
                Assert.Equal("Database is read-only", problem.Title);
                Assert.Contains("Nothing was changed", problem.Detail, StringComparison.Ordinal);
                Assert.Equal("5", post.Headers.GetValues("Retry-After").Single());
            }
            using (var put = await client.SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/events/t-read-only-revise",
                EditingApp.Revision("t-read-only-revise", "Read-only test."), ifMatch: etag)))
            {
                var problem = await ProblemAssert.IsProblemAsync(put, HttpStatusCode.ServiceUnavailable);
                Assert.Equal("Database is read-only", problem.Title);
            }
            using var read = await client.GetAsync("/v1/events/t-read-only-revise");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }
        finally
        {
            await using var conn = await app.OpenDatabaseAsync();
            await conn.ExecuteAsync($"alter database {app.DatabaseName} reset default_transaction_read_only");
            app.ClearPool();
        }

        // Writable again: the key that met the read-only database was never saved, so it works now.
        using var again = await app.Editor().SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", EditingApp.NewEvent("t-read-only"), idempotencyKey: "t-read-only"));
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.False(again.Headers.Contains("Idempotent-Replayed"));
    }
}

/// <summary>The editing app with a one-second request timeout and database timeouts far longer.</summary>
public sealed class ShortRequestTimeoutApp : EditingApp
{
    protected override IEnumerable<(string Name, string Value)> Settings =>
        [("Timeline:Limits:RequestTimeoutSeconds", "1"), ("Timeline:Database:StatementTimeoutSeconds", "30"), ("Timeline:Database:LockTimeoutSeconds", "30")];
}

/// <summary>A request that outlasts the request timeout is stopped with a 504 problem; a write it stopped was rolled back.</summary>
public sealed class RequestTimeoutTests(ShortRequestTimeoutApp app) : IClassFixture<ShortRequestTimeoutApp>
{
    [Fact]
    public async Task AReadAndAWriteThatOutlastTheRequestTimeoutAre504_AndTheWriteIsRolledBack()
    {
        using var client = app.Editor(); // the app starts (and migrates) before the table is held
        var body = EditingApp.NewEvent("t-timed-out");
        await using (var blocker = await app.OpenDatabaseAsync())
        await using (var tx = await blocker.BeginTransactionAsync())
        {
            await blocker.ExecuteAsync("lock table events in access exclusive mode", transaction: tx);

            using (var read = await client.GetAsync("/v1/events/2022-11-15-przewodow-missile"))
            {
                var problem = await ProblemAssert.IsProblemAsync(read, HttpStatusCode.GatewayTimeout);
                Assert.Equal("Request timed out", problem.Title);
                Assert.Equal("5", read.Headers.GetValues("Retry-After").Single());
            }
            using (var write = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-timed-out")))
            {
                var problem = await ProblemAssert.IsProblemAsync(write, HttpStatusCode.GatewayTimeout);
                Assert.Contains("rolled back", problem.Detail, StringComparison.Ordinal);
            }
            await tx.RollbackAsync();
        }
        Assert.Equal(0, await app.ScalarAsync<long>("select count(*) from events where slug = 't-timed-out'"));
        Assert.Equal(0, await app.ScalarAsync<long>("select count(*) from idempotency_records where key = 't-timed-out'"));

        using var retry = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-timed-out"));
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.False(retry.Headers.Contains("Idempotent-Replayed"));
    }
}

/// <summary>Lists read the dataset stamp first: with its table held, the request timeout still answers.</summary>
public sealed class DatasetStampTimeoutTests(ShortRequestTimeoutApp app) : IClassFixture<ShortRequestTimeoutApp>
{
    [Theory]
    [InlineData("/v1/events")]
    [InlineData("/v1/kinds")]
    public async Task AListWhoseDatasetStampIsLockedAnswers504AtTheRequestTimeout(string url)
    {
        using var client = app.CreateClient(); // the app starts (and migrates) before the table is held
        await using var blocker = await app.OpenDatabaseAsync();
        await using var tx = await blocker.BeginTransactionAsync();
        await blocker.ExecuteAsync("lock table dataset_version in access exclusive mode", transaction: tx);
        await Task.Delay(1100); // past the stamp's one-second cache

        using var response = await client.GetAsync(url);
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.GatewayTimeout);
        Assert.Equal("Request timed out", problem.Title);
        await tx.RollbackAsync();
    }
}
