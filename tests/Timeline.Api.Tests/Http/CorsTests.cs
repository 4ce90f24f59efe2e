using System.Net;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Http;

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

/// <summary>Browsers on other sites may read, but not write, and no response can be sniffed into another type.</summary>
public sealed class CrossOriginWriteTests(Editing.EditingApp app) : IClassFixture<Editing.EditingApp>
{
    [Theory]
    [InlineData("POST", "/v1/events")]
    [InlineData("PUT", "/v1/events/2022-11-15-przewodow-missile")]
    [InlineData("POST", "/v1/events/2022-11-15-przewodow-missile/retraction")]
    [InlineData("POST", "/v1/actors")]
    public async Task APreflightForAWriteFromAnotherOriginIsNotAllowed(string method, string url)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, url);
        request.Headers.Add("Origin", "https://attacker.example");
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        using var response = await client.SendAsync(request);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"), $"{method} {url} allowed a foreign origin");
        Assert.False(response.Headers.TryGetValues("Access-Control-Allow-Methods", out var methods) && methods.Contains(method));
    }

    [Fact]
    public async Task AWriteSentFromAnotherOriginAnyway_CarriesNoCorsHeader()
    {
        using var client = app.Editor();
        using var request = Editing.EditingApp.Request(HttpMethod.Post, "/v1/events", Editing.EditingApp.NewEvent("t-cors-write"), idempotencyKey: "t-cors-write");
        request.Headers.Add("Origin", "https://attacker.example");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode); // a key is what authorises; the browser just cannot read the answer
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("/v1/events")]
    [InlineData("/v1/events/1999-01-01-no-such-event")]
    [InlineData("/v1/events?limit=0")]
    [InlineData("/v1/timeline?format=csv")]
    [InlineData("/health/ready")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/")]
    public async Task EveryResponseForbidsContentSniffing(string url)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync(url);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }
}
