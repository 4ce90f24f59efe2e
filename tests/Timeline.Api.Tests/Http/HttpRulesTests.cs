using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Http;

/// <summary>
/// HTTP as clients expect it, on a real Kestrel port (the in-memory test server neither drops HEAD bodies
/// nor parses request lines): HEAD beside every GET, 405 with Allow, one Accept rule, raw UTF-8 in a query.
/// </summary>
public sealed class HttpRulesTests(ServedApp app) : IClassFixture<ServedApp>
{
    private HttpClient Client() => new() { BaseAddress = new Uri(app.BaseUrl) };

    [Theory]
    [InlineData("/v1/events")]
    [InlineData("/v1/events/2022-11-15-przewodow-missile")]
    [InlineData("/v1/timeline?format=csv")]
    [InlineData("/v1/tags")]
    [InlineData("/health/ready")]
    [InlineData("/openapi/v1.json")]
    public async Task HeadAnswersWithTheHeadersOfGetAndNoBody(string url)
    {
        using var client = Client();
        using var get = await client.GetAsync(url);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task AMethodTheRouteDoesNotHaveIsA405ProblemWithAllowEvenWithoutAKey()
    {
        using var client = Client();
        using var response = await client.PutAsync("/v1/tags", new StringContent("{}", Encoding.UTF8, "application/json"));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Equal("/v1/tags", problem.Instance);
        Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow.Order());
    }

    [Theory]
    [InlineData("/v1/events", "application/xml")]
    [InlineData("/v1/events/2022-11-15-przewodow-missile", "text/html")]
    [InlineData("/v1/kinds", "text/csv")]
    [InlineData("/health/live", "application/xml")]
    public async Task AnAcceptHeaderNoJsonRouteCanServeIsA406ProblemNamingWhatItServes(string url, string accept)
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        using var response = await client.SendAsync(request);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotAcceptable);
        Assert.Equal($"This route answers application/json, which the Accept header '{accept}' does not allow. Accept one of them (or */*), or leave the header out.", problem.Detail);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/*")]
    [InlineData("text/html, */*;q=0.8")]
    public async Task AnAcceptHeaderThatAllowsJsonIsServed(string accept)
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/kinds");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"incident\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AQueryWithRawUtf8CharactersIsServedAsIfPercentEncoded()
    {
        // What `curl 'http://…/v1/events?q=Przewodów'` sends: the bytes of ó as they are, not %C3%B3.
        var response = await RawGetAsync("/v1/events?q=Przewodów&limit=1");

        Assert.StartsWith("HTTP/1.1 200 OK", response, StringComparison.Ordinal);
        Assert.Contains("\"id\":\"2022-11-15-przewodow-missile\"", response, StringComparison.Ordinal);
    }

    /// <summary>Sends a GET with the request line's bytes exactly as given (UTF-8), and reads the whole answer.</summary>
    private async Task<string> RawGetAsync(string target)
    {
        var uri = new Uri(app.BaseUrl);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes($"GET {target} HTTP/1.1\r\nHost: {uri.Authority}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }
}
