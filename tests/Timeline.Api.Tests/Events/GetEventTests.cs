using System.Net;
using Timeline.Api.Events;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Events;

public sealed class GetEventTests(TimelineApp app) : IClassFixture<TimelineApp>
{
    [Fact]
    public async Task GettingPrzewodowShowsItsConfirmedAndDisputedClaims()
    {
        var e = await app.GetJsonAsync<EventDetail>("/v1/events/2022-11-15-przewodow-missile");

        Assert.Equal("day", e.Date.Precision);
        Assert.Equal("PL", e.Location?.Country);
        Assert.NotEmpty(e.Sources);
        Assert.Contains(e.Claims, c => c.Status == "confirmed" && c.Claimants.Any(a => a.Id == "poland"));
    }

    [Fact]
    public async Task GettingAnUnknownEventReturnsNotFoundProblem()
    {
        var problem = await app.GetProblemAsync("/v1/events/1999-01-01-no-such-event", HttpStatusCode.NotFound);
        Assert.Contains("1999-01-01-no-such-event", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GettingAnEventAgainWithItsETagReturnsNotModified()
    {
        using var client = app.CreateClient();
        using var first = await client.GetAsync("/v1/events/2022-11-15-przewodow-missile");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events/2022-11-15-przewodow-missile");
        request.Headers.IfNoneMatch.Add(etag!);
        using var second = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }
}
