using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Events;

/// <summary>
/// The API with one request connection, so that a test sees the very session its requests used; a
/// one-second statement timeout, and a lock timeout longer than that.
/// </summary>
public sealed class OneConnectionApp : TimelineApp
{
    protected override string TestConnectionString => ConnectionString + ";Maximum Pool Size=1;Timeout=5";

    protected override IEnumerable<(string Name, string Value)> Settings =>
        [("Timeline:Database:StatementTimeoutSeconds", "1"), ("Timeline:Database:LockTimeoutSeconds", "30")];

    /// <summary>The session the app's requests use (the pool's only connection), for as long as the caller holds it.</summary>
    public ValueTask<NpgsqlConnection> RequestSessionAsync() => Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
}

/// <summary>
/// A search for words that must all appear is planned once per session and reused (a generic plan), and
/// the setting that asks for it stays inside the query's own transaction.
/// </summary>
public sealed class SearchPlanTests(OneConnectionApp app) : IClassFixture<OneConnectionApp>
{
    private const string PlanCacheMode = "select current_setting('plan_cache_mode')";

    [Fact]
    public async Task RepeatedWordSearchesReuseOneGenericPlanAndLeaveTheSessionsSettingAsItWas()
    {
        using var client = app.CreateClient();
        // Npgsql prepares a statement on its fifth use in a session; PostgreSQL would then plan it for each
        // word anew (a custom plan) when left to choose.
        foreach (var q in new[] { "missile", "drone", "missile", "warning", "drone", "missile", "drone", "missile" })
        {
            using var response = await client.GetAsync($"/v1/events?q={q}&limit=2");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("\"items\":[{", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await using var session = await app.RequestSessionAsync();
        Assert.Equal("auto", await session.ExecuteScalarAsync<string>(PlanCacheMode));
        var plans = (await session.QueryAsync<(long Generic, long Custom)>(
            "select generic_plans, custom_plans from pg_prepared_statements where statement like '%from event_words w where w.word =%'")).ToList();
        var plan = Assert.Single(plans);
        Assert.True(plan.Generic >= 3, $"generic plans: {plan.Generic}");
        Assert.Equal(0, plan.Custom);
    }

    [Fact]
    public async Task AWordSearchThatFailsLeavesTheSessionsSettingAsItWas()
    {
        using var client = app.CreateClient();
        await using (var blocker = await app.OpenDatabaseAsync())
        await using (var tx = await blocker.BeginTransactionAsync())
        {
            // The word query waits for the table until the statement timeout stops it, after the setting was made.
            await blocker.ExecuteAsync("lock table event_words in access exclusive mode", transaction: tx);
            using var response = await client.GetAsync("/v1/events?q=missile");
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("Database timed out", problem.Title);
            await tx.RollbackAsync();
        }

        await using var session = await app.RequestSessionAsync();
        Assert.Equal("auto", await session.ExecuteScalarAsync<string>(PlanCacheMode));
    }
}
