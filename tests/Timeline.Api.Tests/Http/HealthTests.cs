using System.Net;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Http;

public sealed class HealthTests(TimelineApp app) : IClassFixture<TimelineApp>
{
    [Fact]
    public async Task LivenessAnswersWithoutTouchingTheDatabase()
    {
        var report = await app.GetJsonAsync<Timeline.Api.Health.HealthReport>("/health/live");

        Assert.Equal(new Timeline.Api.Health.HealthReport("live", "not checked"), report);
    }

    [Fact]
    public async Task ReadinessSaysTheDatabaseIsUpAndNamesItsOneHost()
    {
        var report = await app.GetJsonAsync<Timeline.Api.Health.HealthReport>("/health/ready");

        Assert.Equal(("ready", "up"), (report.Status, report.Database));
        var port = new Npgsql.NpgsqlConnectionStringBuilder(app.ConnectionString).Port;
        Assert.Equal([new Timeline.Api.Health.NodeReport($"127.0.0.1:{port}", "primary", null)], report.Nodes!);
    }

    [Fact]
    public async Task AnUnknownPathReturnsNotFoundProblem()
    {
        await app.GetProblemAsync("/v1/nothing-here", HttpStatusCode.NotFound);
    }
}
