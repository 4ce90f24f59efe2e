using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;
using Timeline.Api.Auth;
using Timeline.Api.Editing;

namespace Timeline.Api.Tests.Editing;

/// <summary>The key command, the vocabularies the validators use, and the write routes in the OpenAPI document.</summary>
public sealed class KeysAndSurfaceTests(EditingApp app) : IClassFixture<EditingApp>
{
    [Fact]
    public async Task AKeyFromTheKeyCommandWritesUntilItIsRevoked()
    {
        await using var db = NpgsqlDataSource.Create(app.ConnectionString);
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, await KeysCommand.RunAsync(db, ["create", "--name", "carol", "--role", "editor"], output, error));
        var key = output.ToString().Trim();
        Assert.Matches("^tl_[A-Za-z0-9_-]{43}$", key);
        Assert.DoesNotContain(key, error.ToString(), StringComparison.Ordinal);

        using var client = app.Client(key);
        using (var created = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", EditingApp.NewEvent("t-carol"), idempotencyKey: "t-carol")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        Assert.Equal("carol", await app.ScalarAsync<string>(
            "select r.changed_by from revisions r join events e on e.id = r.event_id where e.slug = 't-carol'"));

        var list = new StringWriter();
        Assert.Equal(0, await KeysCommand.RunAsync(db, ["list"], list, error));
        Assert.Contains("carol\teditor\t" + key[..7], list.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(key, list.ToString(), StringComparison.Ordinal);

        Assert.Equal(0, await KeysCommand.RunAsync(db, ["revoke", "--name", "carol"], output, error));
        using var refused = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", EditingApp.NewEvent("t-carol-2"), idempotencyKey: "t-carol-2"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(1, await KeysCommand.RunAsync(db, ["revoke", "--name", "carol"], output, error));
    }

    [Theory]
    [InlineData("create", "--name", "Bad Name", "--role", "editor")]
    [InlineData("create", "--name", "dave", "--role", "owner")]
    [InlineData("create", "--name", "dave")]
    [InlineData("rotate")]
    public async Task TheKeyCommandRefusesBadArgumentsWithUsage(params string[] args)
    {
        await using var db = NpgsqlDataSource.Create(app.ConnectionString);
        var error = new StringWriter();
        Assert.Equal(2, await KeysCommand.RunAsync(db, args, new StringWriter(), error));
        Assert.NotEmpty(error.ToString());
        Assert.Equal(0, await app.ScalarAsync<long>("select count(*) from api_keys where name = 'dave'"));
    }

    [Fact]
    public async Task TheValidatorsVocabulariesMatchTheDatabase()
    {
        await using var conn = await app.OpenDatabaseAsync();
        Assert.Equal((await conn.QueryAsync<string>("select code from kinds order by code")).ToArray(), Vocabulary.Kinds.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal((await conn.QueryAsync<short>("select level from escalation_levels order by level")).Select(l => (int)l).ToArray(),
            Enumerable.Range(Vocabulary.MinLevel, Vocabulary.MaxLevel - Vocabulary.MinLevel + 1).ToArray());
        Assert.Equal(249, Vocabulary.Countries.Count);
        Assert.Contains("UA", (IReadOnlySet<string>)Vocabulary.Countries);
        Assert.DoesNotContain("UK", (IReadOnlySet<string>)Vocabulary.Countries);
    }

    [Fact]
    public async Task TheOpenApiDocumentDeclaresTheBearerSchemeOnWriteRoutesOnly()
    {
        using var client = app.Anonymous();
        var doc = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        Assert.Equal("bearer", (string?)doc["components"]!["securitySchemes"]!["bearer"]!["scheme"]);

        (string Path, string Method, string[] Statuses)[] writes =
        [
            ("/v1/events", "post", ["201", "400", "401", "409", "413", "415", "422"]),
            ("/v1/events/{id}", "put", ["200", "400", "401", "404", "409", "412", "413", "415", "422", "428"]),
            ("/v1/events/{id}/retraction", "post", ["200", "400", "401", "403", "404", "412", "413", "415", "428"]),
            ("/v1/actors", "post", ["201", "400", "401", "403", "409", "413", "415", "422"]),
            ("/v1/actors/{id}", "put", ["200", "400", "401", "403", "404", "412", "413", "415", "428"]),
        ];
        foreach (var (path, method, statuses) in writes)
        {
            var operation = doc["paths"]![path]![method]!;
            Assert.NotNull(operation["security"]);
            Assert.NotNull(operation["requestBody"]!["content"]!["application/json"]!["example"]);
            var declared = operation["responses"]!.AsObject().Select(r => r.Key).ToArray();
            Assert.All(statuses, s => Assert.Contains(s, declared));
            Assert.False(string.IsNullOrEmpty((string?)operation["description"]));
        }
        Assert.Contains(doc["paths"]!["/v1/events"]!["post"]!["parameters"]!.AsArray(), p => (string?)p!["name"] == "Idempotency-Key");
        Assert.Contains(doc["paths"]!["/v1/events/{id}"]!["put"]!["parameters"]!.AsArray(), p => (string?)p!["name"] == "If-Match");
        // Reads require nothing: no security entry, or an empty one.
        Assert.Empty(doc["paths"]!["/v1/events"]!["get"]!["security"]?.AsArray() ?? []);
        Assert.Empty(doc["paths"]!["/v1/changes"]!["get"]!["security"]?.AsArray() ?? []);
    }

    [Fact]
    public async Task TheEditingOperationsShowExamplesOfTheirParametersBodiesAndProblems()
    {
        using var client = app.Anonymous();
        var doc = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        string[] operationIds = ["CreateEvent", "ReviseEvent", "RetractEvent", "CreateActor", "ReviseActor", "ListEventRevisions", "GetEventRevision", "ListChanges"];
        var operations = doc["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => o.Value!))
            .Where(o => operationIds.Contains((string?)o["operationId"])).ToList();
        Assert.Equal(operationIds.Length, operations.Count);
        foreach (var op in operations)
        {
            var name = (string?)op["operationId"];
            // A query parameter's example sits in its schema, where Swagger UI shows it without filling it in.
            Assert.All(op["parameters"]?.AsArray() ?? [], p => Assert.True(
                ((string?)p!["in"] == "query" ? p["schema"]?["examples"]?[0] : p["example"]) is not null && p["description"] is not null, $"{name} {p!["name"]}"));
            var responses = op["responses"]!.AsObject();
            Assert.NotNull((responses["200"] ?? responses["201"])!["content"]!["application/json"]!["example"]);
            Assert.True(responses.ContainsKey("503"), $"{name} declares no 503");
            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
            {
                var example = response!["content"]!["application/problem+json"]!["example"]!;
                Assert.Equal(int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), (int)example["status"]!);
            }
        }
    }

    [Fact]
    public async Task RevisingAnActorChangesItsNameOnItsEventsAndKeepsItsHistory()
    {
        using var admin = app.Admin();
        using (var created = await admin.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/actors",
                   new JsonObject { ["id"] = "t-renamed-actor", ["name"] = "Old Name", ["type"] = "organisation" }, idempotencyKey: "t-renamed-actor")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal("/v1/actors/t-renamed-actor", created.Headers.Location!.ToString());
        }
        var body = EditingApp.NewEvent("t-actor-event");
        body["actors"] = new JsonArray(new JsonObject { ["actor"] = "t-renamed-actor", ["role"] = "mediator" });
        await app.CreateEventAsync("t-actor-event", body);

        var revision = new JsonObject { ["reason"] = "Official name.", ["name"] = "New Name", ["type"] = "organisation", ["country"] = "UA" };
        using (var stale = await admin.SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/actors/t-renamed-actor", revision, ifMatch: "\"5\"")))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        }
        using (var revised = await admin.SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/actors/t-renamed-actor", revision, ifMatch: "\"1\"")))
        {
            Assert.Equal(HttpStatusCode.OK, revised.StatusCode);
            var actor = await EditingApp.JsonAsync(revised);
            Assert.Equal("New Name", (string?)actor["name"]);
            Assert.Equal(2, (int)actor["version"]!);
            Assert.Equal("\"2\"", revised.Headers.ETag!.Tag);
        }
        var e = JsonNode.Parse(await app.Anonymous().GetStringAsync("/v1/events/t-actor-event"))!;
        Assert.Equal("New Name", (string?)e["actors"]![0]!["name"]);
        Assert.Equal(2, await app.ScalarAsync<long>(
            "select count(*) from actor_revisions r join actors a on a.id = r.actor_id where a.slug = 't-renamed-actor'"));

        using var missing = await admin.SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/actors/t-no-actor", revision, ifMatch: "\"1\""));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task KeysNeverAppearInTheLogsEvenAtTraceLevel()
    {
        var logs = new LogCollector();
        using var factory = app.WithWebHostBuilder(b => b.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(logs)));
        var wrongKey = "tl_" + new string('w', 43);
        foreach (var key in new[] { app.EditorKey, app.AdminKey, app.RevokedKey, wrongKey })
        {
            using var client = factory.CreateClient();
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events",
                EditingApp.NewEvent("t-logged-" + Math.Abs(key.GetHashCode(StringComparison.Ordinal))), idempotencyKey: Guid.NewGuid().ToString()));
            Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        }
        // The authentication handler's own trace was captured: the check below has something to look at.
        Assert.Contains(logs.Messages, m => m.Contains("ApiKey was not authenticated", StringComparison.Ordinal));
        foreach (var key in new[] { app.EditorKey, app.AdminKey, app.RevokedKey, wrongKey })
        {
            Assert.DoesNotContain(logs.Messages, m => m.Contains(key[3..20], StringComparison.Ordinal));
        }
    }

    private sealed class LogCollector : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Collecting(this);

        public void Dispose() { }

        private sealed class Collecting(LogCollector owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Messages.Enqueue(formatter(state, exception) + " " + exception);
        }
    }
}
