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
    public async Task ReadinessSaysTheDatabaseIsUp()
    {
        var report = await app.GetJsonAsync<Timeline.Api.Health.HealthReport>("/health/ready");

        Assert.Equal(new Timeline.Api.Health.HealthReport("ready", "up"), report);
    }

    [Fact]
    public async Task AnUnknownPathReturnsNotFoundProblem()
    {
        await app.GetProblemAsync("/v1/nothing-here", HttpStatusCode.NotFound);
    }
}
