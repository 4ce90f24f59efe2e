using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Timeline.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Timeline.Api.Tests.Faults;

/// <summary>The API on the <see cref="FaultServer"/>, with a 3 s request timeout.</summary>
public sealed class FaultServerApp : TimelineApp
{
    public override async Task InitializeAsync() => await FaultServer.CreateAsync();

    protected override string TestConnectionString => FaultServer.ConnectionString;

    protected override IEnumerable<(string Name, string Value)> Settings => [("Timeline:Limits:RequestTimeoutSeconds", "3")];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await FaultServer.ThawAsync();
        await FaultServer.StopAsync();
    }
}

/// <summary>
/// PostgreSQL frozen (SIGSTOP), restarted and stopped under the running API: readiness answers within its
/// deadline, failures are 503/504 with Retry-After (never a 500, never a hang), and everything comes back
/// without restarting the API. Each test reports what it saw and how long recovery took.
/// </summary>
public sealed class DatabaseOutageFaultTests(FaultServerApp app, ITestOutputHelper output) : IClassFixture<FaultServerApp>
{
    private const string Detail = "/v1/events/2022-11-15-przewodow-missile";

    [Fact]
    public async Task WhileTheDatabaseIsFrozenReadinessAnswers503WithinItsDeadline_ReadsFailFast_AndBothRecoverOnThaw()
    {
        using var client = app.CreateClient();
        await AssertOkAsync(client, "/health/ready");
        await AssertOkAsync(client, Detail);

        await FaultServer.FreezeAsync();
        HttpStatusCode readStatus;
        TimeSpan readyTook, readTook;
        try
        {
            var clock = Stopwatch.StartNew();
            using (var ready = await client.GetAsync("/health/ready"))
            {
                readyTook = clock.Elapsed;
                var problem = await ProblemAssert.IsProblemAsync(ready, HttpStatusCode.ServiceUnavailable);
                Assert.Equal("Not ready", problem.Title);
                Assert.Equal("not answering", (string?)JsonNode.Parse(await ready.Content.ReadAsStringAsync())!["database"]);
                Assert.True(ready.Headers.Contains("Retry-After"));
            }
            clock.Restart();
            using (var read = await client.GetAsync(Detail))
            {
                readTook = clock.Elapsed;
                readStatus = read.StatusCode;
                Assert.True(read.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout,
                    $"A read of a frozen database answered {(int)read.StatusCode}");
                await ProblemAssert.IsProblemAsync(read, read.StatusCode);
                Assert.True(read.Headers.Contains("Retry-After"));
            }
        }
        finally
        {
            await FaultServer.ThawAsync();
        }
        var recovered = await UntilOkAsync(client, Detail);
        await AssertOkAsync(client, "/health/ready");
        output.WriteLine($"Frozen (SIGSTOP): /health/ready 503 after {readyTook.TotalSeconds:0.0} s; {Detail} {(int)readStatus} after {readTook.TotalSeconds:0.0} s; 200 again {recovered.TotalSeconds:0.0} s after SIGCONT");
    }

    [Fact]
    public async Task ReadsSurviveADatabaseRestartWithoutA503()
    {
        using var client = app.CreateClient();
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => AssertOkAsync(client, Detail))); // several pooled connections, all about to break

        await FaultServer.StopAsync();
        await FaultServer.StartAsync();

        // The first read meets a broken pooled connection, clears the pool and reads again on a new one.
        var statuses = new List<HttpStatusCode>();
        foreach (var url in new[] { Detail, "/v1/events", "/v1/kinds", Detail })
        {
            using var response = await client.GetAsync(url);
            statuses.Add(response.StatusCode);
        }
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        output.WriteLine($"Restarted (pg_ctl stop -m fast; start): the next reads answered {string.Join(", ", statuses.Select(s => (int)s))}");
    }

    [Fact]
    public async Task WhileTheDatabaseIsStoppedReadsAre503WithRetryAfter_AndServedAgainWhenItStarts()
    {
        using var client = app.CreateClient();
        await AssertOkAsync(client, Detail);

        await FaultServer.StopAsync();
        try
        {
            using var read = await client.GetAsync(Detail);
            var problem = await ProblemAssert.IsProblemAsync(read, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("Database unavailable", problem.Title);
            Assert.Equal("5", read.Headers.GetValues("Retry-After").Single());
            using var ready = await client.GetAsync("/health/ready");
            await ProblemAssert.IsProblemAsync(ready, HttpStatusCode.ServiceUnavailable);
            using var live = await client.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            await FaultServer.StartAsync();
        }
        var recovered = await UntilOkAsync(client, Detail);
        output.WriteLine($"Stopped: reads 503 'Database unavailable' with Retry-After 5, readiness 503, liveness 200; reads 200 again {recovered.TotalSeconds:0.0} s after the server started");
    }

    private static async Task AssertOkAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Polls until the url answers 200; how long that took.</summary>
    private static async Task<TimeSpan> UntilOkAsync(HttpClient client, string url)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 300; i++)
        {
            using var response = await client.GetAsync(url);
            if (response.StatusCode == HttpStatusCode.OK) return clock.Elapsed;
            await Task.Delay(100);
        }
        throw new TimeoutException($"GET {url} never answered 200 again.");
    }
}
