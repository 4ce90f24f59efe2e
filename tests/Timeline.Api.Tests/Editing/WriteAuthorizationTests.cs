using System.Net;
using System.Text.Json.Nodes;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Editing;

/// <summary>Every write route against every kind of caller: reads are public, writes denied by default.</summary>
public sealed class WriteAuthorizationTests(EditingApp app) : IClassFixture<EditingApp>
{
    public static TheoryData<string, string, int> Matrix()
    {
        var data = new TheoryData<string, string, int>();
        string[] routes = ["CreateEvent", "ReviseEvent", "RetractEvent", "CreateActor", "ReviseActor"];
        foreach (var route in routes)
        {
            data.Add(route, "anonymous", 401);
            data.Add(route, "wrong", 401);
            data.Add(route, "revoked", 401);
            data.Add(route, "admin", route.StartsWith("Create", StringComparison.Ordinal) ? 201 : 200);
            data.Add(route, "editor", route is "CreateEvent" ? 201 : route is "ReviseEvent" ? 200 : 403);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task WriteRoutesAnswerByTheCallersKeyAndRole(string route, string caller, int expected)
    {
        var key = caller switch
        {
            "editor" => app.EditorKey,
            "admin" => app.AdminKey,
            "revoked" => app.RevokedKey,
            "wrong" => "tl_" + new string('x', 43),
            _ => null,
        };
        var unique = $"t-{route.ToLowerInvariant()}-{caller}";
        var request = await PrepareAsync(route, unique);
        using var client = app.Client(key);
        using var response = await client.SendAsync(request);

        if (expected >= 400)
        {
            var problem = await ProblemAssert.IsProblemAsync(response, (HttpStatusCode)expected);
            if (key is not null)
            {
                Assert.DoesNotContain(key, problem.Detail ?? "", StringComparison.Ordinal);
            }
            if (expected == 401)
            {
                Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            }
            else
            {
                Assert.Contains("admin", problem.Detail, StringComparison.Ordinal);
            }
            // Nothing was written: no new event or actor, no revision beyond the one the test set up.
            Assert.Equal(route is "CreateEvent" or "CreateActor" ? 0 : 1, await app.ScalarAsync<long>("""
                select (select count(*) from revisions r join events e on e.id = r.event_id where e.slug = @unique)
                     + (select count(*) from actor_revisions r join actors a on a.id = r.actor_id where a.slug = @unique)
                     + (select count(*) from events where slug = @unique and version > 1)
                """, new { unique }));
        }
        else
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(expected == (int)response.StatusCode, $"Expected {expected}, got {(int)response.StatusCode}: {body}");
            Assert.NotNull(response.Headers.ETag);
        }
    }

    [Fact]
    public async Task ReadsStayAnonymousEvenWithAWrongKey()
    {
        await app.CreateEventAsync("t-read-anonymous");
        using var client = app.Client("tl_not-a-key");
        using var detail = await client.GetAsync("/v1/events/t-read-anonymous");
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        using var revisions = await app.Anonymous().GetAsync("/v1/events/t-read-anonymous/revisions");
        Assert.Equal(HttpStatusCode.OK, revisions.StatusCode);
        using var changes = await app.Anonymous().GetAsync("/v1/changes");
        Assert.Equal(HttpStatusCode.OK, changes.StatusCode);
    }

    [Fact]
    public async Task DeletingAnEventIsNotAllowedToAnyone()
    {
        await app.CreateEventAsync("t-no-delete");
        using var response = await app.Admin().DeleteAsync("/v1/events/t-no-delete");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        using var still = await app.Anonymous().GetAsync("/v1/events/t-no-delete");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task AWriteToAPathWithNoRouteIsNotFoundRatherThanUnauthorized()
    {
        using var response = await app.Anonymous().PostAsync("/v1/something-new", new StringContent("{}"));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("/v1/something-new", problem.Instance);
    }

    [Fact]
    public async Task AMethodARouteDoesNotHaveIsA405WithAllowBeforeAnyKeyIsAskedFor()
    {
        using var response = await app.Anonymous().DeleteAsync("/v1/events");
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Equal("Method Not Allowed", problem.Title);
        Assert.Equal(["GET", "HEAD", "POST"], response.Content.Headers.Allow.Order());
        Assert.False(response.Headers.Contains("WWW-Authenticate"));
    }

    [Fact]
    public async Task TheBearerKeyIsNeverStoredInClear()
    {
        Assert.Equal(0, await app.ScalarAsync<long>(
            "select count(*) from api_keys where key_prefix = @key or encode(key_hash, 'escape') like '%' || @key || '%'", new { key = app.EditorKey }));
        Assert.Equal(1, await app.ScalarAsync<long>(
            "select count(*) from api_keys where key_hash = sha256(convert_to(@key, 'UTF8'))", new { key = app.EditorKey }));
    }

    /// <summary>A valid request for the route, with whatever must exist first made by the admin.</summary>
    private async Task<HttpRequestMessage> PrepareAsync(string route, string unique)
    {
        switch (route)
        {
            case "CreateEvent":
                return EditingApp.Request(HttpMethod.Post, "/v1/events", EditingApp.NewEvent(unique), idempotencyKey: unique);
            case "ReviseEvent":
                return EditingApp.Request(HttpMethod.Put, $"/v1/events/{unique}", EditingApp.Revision(unique, "Matrix test."),
                    ifMatch: await app.CreateEventAsync(unique));
            case "RetractEvent":
                return EditingApp.Request(HttpMethod.Post, $"/v1/events/{unique}/retraction", new JsonObject { ["reason"] = "Matrix test." },
                    ifMatch: await app.CreateEventAsync(unique));
            case "CreateActor":
                return EditingApp.Request(HttpMethod.Post, "/v1/actors", Actor(unique), idempotencyKey: unique);
            default:
                using (var admin = app.Admin())
                using (var created = await admin.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/actors", Actor(unique), idempotencyKey: unique)))
                {
                    Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                }
                var body = Actor(unique);
                body.Remove("id");
                body["reason"] = "Matrix test.";
                return EditingApp.Request(HttpMethod.Put, $"/v1/actors/{unique}", body, ifMatch: "\"1\"");
        }
    }

    private static JsonObject Actor(string id) => new() { ["id"] = id, ["name"] = "Actor " + id, ["type"] = "organisation" };
}
