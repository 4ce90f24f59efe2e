using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Http;

/// <summary>The API with a request pool of two connections, so that a test can hold all of them.</summary>
public sealed class TwoConnectionApp : TimelineApp
{
    protected override string TestConnectionString => ConnectionString + ";Maximum Pool Size=2;Timeout=5";
}

public sealed class ReadinessTests(TwoConnectionApp app) : IClassFixture<TwoConnectionApp>
{
    // A busy instance is not a broken one: a load balancer that took it out for being busy would move its
    // load onto the others. So the readiness check does not queue behind requests for a connection.
    [Fact]
    public async Task ReadinessAnswersReadyWhileEveryRequestConnectionIsTaken()
    {
        using var client = app.CreateClient();
        var requests = app.Services.GetRequiredService<NpgsqlDataSource>();
        await using var first = await requests.OpenConnectionAsync();
        await using var second = await requests.OpenConnectionAsync();

        using var response = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ready", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("up", body.RootElement.GetProperty("database").GetString());
        Assert.Equal("primary", body.RootElement.GetProperty("nodes")[0].GetProperty("role").GetString());
    }
}
