using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.OpenApi;

/// <summary>
/// The OpenAPI document is part of the product: it is compared with the committed snapshot
/// (openapi/v1.json) so that every change to the public surface shows in review, checked for the
/// documentation every operation owes its users (the linters run in OpenApiLintTests).
/// </summary>
public sealed class OpenApiDocumentTests(TimelineApp app) : IClassFixture<TimelineApp>
{
    private static readonly string SnapshotPath = Path.Combine(Repo.Root, "openapi", "v1.json");

    [Fact]
    public async Task ServedDocumentMatchesTheCommittedSnapshot()
    {
        var served = (await ServedDocumentAsync()).ReplaceLineEndings("\n").TrimEnd() + "\n";
        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI_SNAPSHOT") == "1")
        {
            await File.WriteAllTextAsync(SnapshotPath, served);
        }
        Assert.True(File.Exists(SnapshotPath), $"No snapshot at {SnapshotPath}: run UPDATE_OPENAPI_SNAPSHOT=1 ./test.sh and commit it.");
        var committed = (await File.ReadAllTextAsync(SnapshotPath)).ReplaceLineEndings("\n");
        if (committed != served)
        {
            var a = committed.Split('\n');
            var b = served.Split('\n');
            var line = Enumerable.Range(0, Math.Min(a.Length, b.Length)).FirstOrDefault(i => a[i] != b[i], Math.Min(a.Length, b.Length));
            Assert.Fail($"The served OpenAPI document differs from openapi/v1.json from line {line + 1}:\n" +
                $"  snapshot: {a.ElementAtOrDefault(line)}\n  served:   {b.ElementAtOrDefault(line)}\n" +
                "If the change to the public surface is intended, run UPDATE_OPENAPI_SNAPSHOT=1 ./test.sh and commit openapi/v1.json.");
        }
    }

    [Fact]
    public async Task EveryOperationHasASummaryDescriptionAndDocumentedResponses()
    {
        var document = JsonNode.Parse(await ServedDocumentAsync())!;
        var operations = document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key, Operation: o.Value!))).ToList();

        Assert.NotEmpty(operations);
        foreach (var (path, method, op) in operations)
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            Assert.False(string.IsNullOrWhiteSpace((string?)op["summary"]), $"{name} has no summary");
            Assert.False(string.IsNullOrWhiteSpace((string?)op["description"]), $"{name} has no description");
            Assert.False(string.IsNullOrWhiteSpace((string?)op["operationId"]), $"{name} has no operationId");
            foreach (var parameter in op["parameters"]?.AsArray() ?? [])
            {
                Assert.False(string.IsNullOrWhiteSpace((string?)parameter!["description"]), $"{name} parameter {parameter["name"]} has no description");
                // Query examples sit in the schema (`examples`), where Swagger UI shows them without filling them in.
                var example = (string?)parameter["in"] == "query" ? parameter["schema"]?["examples"]?[0] : parameter["example"];
                Assert.True(example is not null, $"{name} parameter {parameter["name"]} has no example");
            }
            var responses = op["responses"]!.AsObject();
            var ok = responses["200"] ?? responses["201"];
            Assert.True(ok?["content"]?.AsObject().All(c => c.Value!["example"] is not null || c.Value!["examples"] is JsonObject { Count: > 0 }) == true,
                $"{name} has no success response with an example");
            foreach (var (status, response) in responses.Where(r => r.Key.StartsWith('4') || r.Key.StartsWith('5')))
            {
                Assert.True(response!["content"]?["application/problem+json"]?["example"] is not null, $"{name} {status} is not a problem with an example");
            }
            if (path.StartsWith("/v1/", StringComparison.Ordinal))
            {
                Assert.True(responses.ContainsKey("503"), $"{name} does not declare the 503 of a database outage");
            }
        }
    }

    [Theory]
    [InlineData("/v1/events", "400")]
    [InlineData("/v1/events", "304")]
    [InlineData("/v1/events/{id}", "304")]
    [InlineData("/v1/events/{id}", "404")]
    [InlineData("/v1/actors", "400")]
    [InlineData("/v1/actors", "304")]
    [InlineData("/v1/actors/{id}", "404")]
    [InlineData("/v1/tags", "304")]
    [InlineData("/v1/kinds", "304")]
    [InlineData("/v1/escalation-ladder", "304")]
    [InlineData("/health/ready", "503")]
    public async Task ReadOperationsDeclareTheirErrorAndCachingResponses(string path, string status)
    {
        var document = JsonNode.Parse(await ServedDocumentAsync())!;

        Assert.NotNull(document["paths"]?[path]?["get"]?["responses"]?[status]);
    }

    [Fact]
    public async Task IntegersAreTypedAsIntegersOnly()
    {
        var document = JsonNode.Parse(await ServedDocumentAsync())!;

        var mixed = Descendants(document).OfType<JsonObject>()
            .Where(o => o["type"] is JsonArray types && types.Any(t => (string?)t is "integer" or "number") && types.Any(t => (string?)t == "string"))
            .Select(o => o.GetPath()).ToList();
        Assert.True(mixed.Count == 0, "numbers typed as number-or-string: " + string.Join(", ", mixed));
        Assert.Equal("integer", (string?)document["components"]!["schemas"]!["EscalationLevel"]!["properties"]!["level"]!["type"]);
    }

    [Fact]
    public async Task SwaggerUiIsServedAndReadsTheDocument()
    {
        using var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = true });
        using var page = await client.GetAsync("/swagger");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("swagger-ui", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var script = await client.GetAsync("/swagger/index.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("\"/openapi/v1.json\"", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<string> ServedDocumentAsync()
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/openapi/v1.json answered {(int)response.StatusCode}: {body}");
        return body;
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            foreach (var d in Descendants(child))
            {
                yield return d;
            }
        }
    }
}
