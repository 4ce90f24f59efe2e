using System.Net;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Http;

public sealed class DatabaseOutageTests(UnreachableDatabaseApp app) : IClassFixture<UnreachableDatabaseApp>
{
    [Theory]
    [InlineData("/v1/events")]
    [InlineData("/v1/events?kind=incident")]
    [InlineData("/v1/events/2022-11-15-przewodow-missile")]
    [InlineData("/v1/actors")]
    [InlineData("/v1/actors/poland")]
    [InlineData("/v1/tags")]
    [InlineData("/v1/kinds")]
    [InlineData("/v1/escalation-ladder")]
    public async Task ReadingWhileTheDatabaseIsDownReturnsServiceUnavailableProblem(string url)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync(url);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Database unavailable", problem.Title);
        Assert.Contains("try again", problem.Detail, StringComparison.Ordinal);
        Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
    }

    [Fact]
    public async Task ReadinessSaysNotReadyWhileTheDatabaseIsDown()
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync("/health/ready");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Not ready", problem.Title);
        Assert.Contains("\"database\":\"down\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LivenessStaysUpWhileTheDatabaseIsDown()
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task BadInputIsStillReportedAsBadInputWhileTheDatabaseIsDown()
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync("/v1/actors?type=robot");

        // Validation runs before anything that needs the database.
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["type"], problem.Errors!.Keys);
    }
}
