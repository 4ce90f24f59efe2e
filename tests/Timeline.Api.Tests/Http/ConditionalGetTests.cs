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
