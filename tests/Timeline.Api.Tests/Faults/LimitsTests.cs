using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.TestHost;
using Timeline.Api.Tests.Editing;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Faults;

/// <summary>The editing app with small limits, to meet each of them.</summary>
public class LowLimitsApp : EditingApp
{
    protected override IEnumerable<(string Name, string Value)> Settings =>
    [
        ("Timeline:Limits:ReadsPerSecond", "1"), ("Timeline:Limits:ReadBurst", "10"),
        ("Timeline:Limits:KeyRequestsPerSecond", "1000"),
        ("Timeline:Limits:WritesPerMinute", "1"), ("Timeline:Limits:WriteBurst", "2"),
        ("Timeline:Limits:FailedKeysPerMinute", "3"),
    ];

    /// <summary>A request as if from this client address (the test server has none of its own).</summary>
    public async Task<HttpResponseMessage> FromAsync(string address, HttpMethod method, string url, string? key = null)
    {
        var context = await Server.SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = IPAddress.Parse(address);
            c.Request.Method = method.Method;
            c.Request.Path = url;
            if (key is not null) c.Request.Headers.Authorization = "Bearer " + key;
        });
        var response = new HttpResponseMessage((HttpStatusCode)context.Response.StatusCode)
        {
            Content = new StreamContent(context.Response.Body),
        };
        foreach (var (name, values) in context.Response.Headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                response.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }
        return response;
    }
}

/// <summary>Every limit answers 429 with Retry-After and a problem that says which limit; other clients are not affected.</summary>
public sealed class LimitsTests(LowLimitsApp app) : IClassFixture<LowLimitsApp>
{
    [Fact]
    public async Task AnAnonymousClientOverItsBurstGets429WithRetryAfter_AndAnotherAddressDoesNot()
    {
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 13; i++)
        {
            var response = await app.FromAsync("203.0.113.7", HttpMethod.Get, "/v1/kinds");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited ??= response; else response.Dispose();
        }
        // The burst of 10, and maybe a token or two the bucket gained while the test ran.
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 10, 12);
        Assert.NotNull(limited);
        var problem = await ProblemAssert.IsProblemAsync(limited!, HttpStatusCode.TooManyRequests);
        Assert.Equal("Too many requests", problem.Title);
        Assert.Contains("1 requests a second per client address, 10 at once", problem.Detail, StringComparison.Ordinal);
        Assert.True(int.Parse(limited!.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        limited.Dispose();

        using var other = await app.FromAsync("203.0.113.8", HttpMethod.Get, "/v1/kinds");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        // Probes are never limited: a load balancer must not take a busy instance out for its own checks.
        using var ready = await app.FromAsync("203.0.113.7", HttpMethod.Get, "/health/live");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task AKeyOverItsWriteRateGets429_AndItsReadsGoOn()
    {
        using var client = app.Admin();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", EditingApp.NewEvent($"t-rate-{i}"), idempotencyKey: $"t-rate-{i}"));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.TooManyRequests);
                Assert.Contains("1 writes a minute per key", problem.Detail, StringComparison.Ordinal);
                Assert.True(response.Headers.Contains("Retry-After"));
            }
        }
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
        using var read = await client.GetAsync("/v1/events/t-rate-0");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }
}

/// <summary>Small limits on wrong keys, none that matter on writes.</summary>
public sealed class WrongKeyLimitsApp : LowLimitsApp
{
    protected override IEnumerable<(string Name, string Value)> Settings =>
        [.. base.Settings, ("Timeline:Limits:WritesPerMinute", "1000"), ("Timeline:Limits:WriteBurst", "1000"), ("Timeline:Limits:ReadBurst", "1000")];
}

public sealed class WrongKeyLimitsTests(WrongKeyLimitsApp app) : IClassFixture<WrongKeyLimitsApp>
{
    [Fact]
    public async Task AnAddressSendingWrongKeysIsRefusedWith429_EvenForAGoodKey_AndOtherAddressesAreNot()
    {
        // Each wrong key costs a lookup, and a 401.
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await app.FromAsync("198.51.100.9", HttpMethod.Post, "/v1/events", "tl_wrong-" + i);
            await ProblemAssert.IsProblemAsync(wrong, HttpStatusCode.Unauthorized);
        }
        using (var refused = await app.FromAsync("198.51.100.9", HttpMethod.Post, "/v1/events", "tl_wrong-again"))
        {
            var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests);
            Assert.Equal("Too many wrong API keys", problem.Title);
            Assert.Equal("60", refused.Headers.GetValues("Retry-After").Single());
        }
        // Not even a good key is looked up from that address for the rest of the minute…
        using (var good = await app.FromAsync("198.51.100.9", HttpMethod.Post, "/v1/events", app.EditorKey))
        {
            await ProblemAssert.IsProblemAsync(good, HttpStatusCode.TooManyRequests);
        }
        // …while anyone else's is (the empty POST then fails validation, after authentication).
        using var elsewhere = await app.FromAsync("198.51.100.10", HttpMethod.Post, "/v1/events", app.EditorKey);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, elsewhere.StatusCode);
        Assert.NotEqual(HttpStatusCode.Unauthorized, elsewhere.StatusCode);
        // Reads from the throttled address still work: they need no key.
        using var read = await app.FromAsync("198.51.100.9", HttpMethod.Get, "/v1/kinds");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }
}
