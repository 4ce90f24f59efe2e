using System.Net;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Http;

public sealed class ConditionalGetTests(TimelineApp app) : IClassFixture<TimelineApp>
{
    [Theory]
    [InlineData("/v1/events")]
    [InlineData("/v1/events?country=PL&limit=5")]
    [InlineData("/v1/actors")]
    [InlineData("/v1/actors/poland")]
    [InlineData("/v1/tags")]
    [InlineData("/v1/kinds")]
    [InlineData("/v1/escalation-ladder")]
    public async Task ReadingADatasetWideResourceAgainWithItsETagReturnsNotModified(string url)
    {
        using var client = app.CreateClient();
        using var first = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotNull(first.Headers.ETag);
        Assert.True(first.Headers.ETag!.IsWeak, "a dataset ETag is weak: it stamps the data, not the bytes");
        Assert.NotNull(first.Content.Headers.LastModified);
        Assert.Contains("max-age", first.Headers.CacheControl?.ToString(), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.IfNoneMatch.Add(first.Headers.ETag);
        using var second = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ReadingWithAnOutdatedETagReturnsTheBody()
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/kinds");
        request.Headers.IfNoneMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"d0\"", isWeak: true));
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"incident\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadingSinceItsLastModifiedDateReturnsNotModified()
    {
        using var client = app.CreateClient();
        using var first = await client.GetAsync("/v1/tags");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/tags");
        request.Headers.IfModifiedSince = first.Content.Headers.LastModified;
        using var second = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }
}

public sealed class CorsTests(TimelineApp app) : IClassFixture<TimelineApp>
{
    [Theory]
    [InlineData("/v1/events")]
    [InlineData("/v1/actors/poland")]
    [InlineData("/v1/kinds")]
    public async Task ACrossOriginReadIsAllowedAndSeesTheCachingHeaders(string url)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Origin", "https://newsroom.example");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var exposed = string.Join(",", response.Headers.GetValues("Access-Control-Expose-Headers"));
        Assert.Contains("ETag", exposed, StringComparison.Ordinal);
        Assert.Contains("Link", exposed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APreflightFromAnyOriginIsAnswered()
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/v1/events");
        request.Headers.Add("Origin", "https://newsroom.example");
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "If-None-Match");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }
}

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
        using var client = app.CreateClient();
        using var response = await client.GetAsync("/v1/nothing-here");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }
}

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
