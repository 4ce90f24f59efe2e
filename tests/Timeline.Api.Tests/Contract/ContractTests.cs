using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Timeline.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Timeline.Api.Tests.Contract;

/// <summary>
/// The contract, checked by a validator that is not ours: a corpus of requests covering every route, every
/// documented status and every media type (successes, 304s, redirects, every problem, the 503s of a database
/// outage) goes through Prism to the running API. The test fails when a response has a status the corpus did
/// not expect, when Prism reports any violation of the document in a response (an undocumented status, a
/// missing required property, a property the schema does not declare, a wrong type), when a request the
/// corpus considers valid breaks the document, or when a documented status is left untried.
/// </summary>
public sealed class ContractTests(ContractApp app, ITestOutputHelper output) : IClassFixture<ContractApp>
{
    private const string Przewodow = "2022-11-15-przewodow-missile";
    private const string FormerId = "2022-12-01-lavrov-tass-interview";
    private const string CurrentId = "2022-12-27-lavrov-tass-interview";
    private const string Example = "2022-11-15-przewodow-explosion-example";

    /// <summary>Documented statuses no request can bring about; each says why it is documented anyway.</summary>
    private static readonly Dictionary<string, string> Unreachable = new()
    {
        ["PUT /v1/actors/{id} 409"] = "a database rule (unique or concurrent write) that the validators leave no request to break",
        ["PUT /v1/actors/{id} 422"] = "a database rule (check or foreign key) that the validators leave no request to break",
    };

    [Fact]
    public async Task EveryRouteStatusAndMediaTypeOfTheCorpusKeepsTheContract()
    {
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Repo.Root, "openapi", "v1.json")))!;
        var corpus = Corpus(document).ToList();
        var failures = new List<string>();
        var etags = new Dictionary<string, string>();
        string? limitedEditor = null, limitedAdmin = null;
        foreach (var entry in corpus)
        {
            var role = entry.Key == "admin" ? Timeline.Api.Auth.Roles.Admin : Timeline.Api.Auth.Roles.Editor;
            var key = entry.Key is null ? null : entry.Strict switch
            {
                Strictness.Timeout => await app.FreshKeyAsync(limited: false, role),
                Strictness.Limit => entry.Key == "admin" ? limitedAdmin ??= await app.FreshKeyAsync(limited: true, role) : limitedEditor ??= await app.FreshKeyAsync(limited: true, role),
                _ => null,
            };
            await app.HoldSlowTablesAsync(entry.Strict == Strictness.Timeout);
            var client = entry.Outage ? app.OutageClient : entry.Strict switch
            {
                Strictness.Limit => app.LimitedClient,
                Strictness.Timeout => app.SlowClient,
                _ => entry.Status == 301 ? app.DirectClient : app.Client,
            };
            // Over a limit: repeat the request until the limit is met (the first may still be allowed).
            var (response, body) = await SendAsync(client, entry, key, etags);
            for (var attempt = 1; entry.Strict == Strictness.Limit && (int)response.StatusCode != entry.Status && attempt < 5; attempt++)
            {
                response.Dispose();
                (response, body) = await SendAsync(client, entry, key, etags);
            }
            using var _ = response;
            if (response.Headers.ETag is { } etag) etags[entry.Url] = etag.ToString();

            var violations = response.Headers.TryGetValues("sl-violations", out var v) ? JsonNode.Parse(v.Single())!.AsArray() : [];
            var broken = violations.Where(x => ((string?)x!["location"]![0] == "response" || entry.ValidRequest)
                && !(entry.CheckWithAjv && x["location"]!.ToJsonString() == "[\"response\",\"body\"]")).Select(x => x!.ToJsonString()).ToList();
            if (entry.CheckWithAjv)
            {
                broken.AddRange(await AjvViolationsAsync(body, response.Content.Headers.ContentType!.MediaType!));
            }
            if (entry.Status == 301 && response.Headers.Location?.ToString().Contains(CurrentId, StringComparison.Ordinal) != true)
            {
                broken.Add($"a 301 to '{response.Headers.Location}', not to the current id");
            }
            if ((int)response.StatusCode != entry.Status || broken.Count > 0)
            {
                failures.Add($"{entry.Name}: {entry.Method} {entry.Url} answered {(int)response.StatusCode} (expected {entry.Status})" +
                    $"{string.Concat(broken.Select(b => "\n    " + b))}\n    {body[..Math.Min(body.Length, 300)]}");
            }
        }

        var documented = Documented(document).ToHashSet();
        var covered = corpus.Select(e => $"{e.Method} {e.Route} {e.Status}").ToHashSet();
        var untried = documented.Except(covered).Where(s => !Unreachable.ContainsKey(s)).Order().ToList();
        var mediaTypes = corpus.Select(e => e.MediaType).OfType<string>().Distinct().Order().ToList();
        output.WriteLine($"{corpus.Count} requests; {covered.Count} route × status pairs of {documented.Count} documented " +
            $"({Unreachable.Count} unreachable: {string.Join(", ", Unreachable.Keys)}); media types: {string.Join(", ", mediaTypes)}");

        Assert.True(failures.Count == 0, $"{failures.Count} of {corpus.Count} requests broke the contract:\n" + string.Join("\n", failures));
        Assert.True(untried.Count == 0, "Documented but not tried by the corpus: " + string.Join(", ", untried));
        var undocumented = covered.Except(documented).ToList();
        Assert.True(undocumented.Count == 0, "The corpus expects statuses the document does not declare: " + string.Join(", ", undocumented));
    }

    private async Task<(HttpResponseMessage, string)> SendAsync(HttpClient client, Entry entry, string? key, Dictionary<string, string> etags)
    {
        using var request = entry.ToRequest(app, etags, key);
        var response = await client.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static async Task<IEnumerable<string>> AjvViolationsAsync(string body, string mediaType)
    {
        var pointer = "#/paths/~1v1~1timeline/get/responses/200/content/" + mediaType.Replace("/", "~1", StringComparison.Ordinal) + "/schema";
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, body);
        try
        {
            var (exit, stdout, stderr) = await Tool.RunAsync("/bin/sh", NodePackage.OpenApiTools.Folder,
                ["-c", $"node validate-body.mjs '{Path.Combine(Repo.Root, "openapi", "v1.json")}' '{pointer}' < '{file}'"]);
            return exit == 0 ? [] : [$"Ajv: {stdout}{stderr}"];
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static IEnumerable<string> Documented(JsonNode document) =>
        from path in document["paths"]!.AsObject()
        from operation in path.Value!.AsObject()
        from status in operation.Value!["responses"]!.AsObject()
        select $"{operation.Key.ToUpperInvariant()} {path.Key} {status.Key}";

    private static JsonNode ExampleBody(JsonNode document, string path, string method) =>
        document["paths"]![path]![method]!["requestBody"]!["content"]!["application/json"]!["example"]!.DeepClone();

    private static IEnumerable<Entry> Corpus(JsonNode document)
    {
        // Reads: every route with each media type, a 304 with the ETag just read, each problem.
        foreach (var (route, read) in new[]
        {
            ("/v1/events", "/v1/events"), ("/v1/events/{id}", $"/v1/events/{Przewodow}"), ("/v1/actors", "/v1/actors"),
            ("/v1/actors/{id}", "/v1/actors/sergey-lavrov"), ("/v1/tags", "/v1/tags"), ("/v1/kinds", "/v1/kinds"),
            ("/v1/escalation-ladder", "/v1/escalation-ladder"), ("/v1/stats/escalation", "/v1/stats/escalation"),
        })
        {
            yield return new("read", "GET", route, read, 200) { MediaType = "application/json" };
            yield return new("read again with the ETag", "GET", route, read, 304) { IfNoneMatch = true };
            yield return new("Accept that cannot be served", "GET", route, read, 406) { Accept = "application/xml" };
            yield return new("database outage", "GET", route, read, 503) { Outage = true };
        }
        yield return new("a filtered page", "GET", "/v1/events", "/v1/events?kind=incident&country=PL&minLevel=4&sort=-date&limit=5", 200);
        yield return new("full text, raw UTF-8 percent-encoded", "GET", "/v1/events", "/v1/events?q=Przew%C3%B3d%C3%B3w&includeRetracted=true", 200);
        yield return new("to before from", "GET", "/v1/events", "/v1/events?from=2022-11-30&to=2022-11-01", 400);
        yield return new("an impossible date", "GET", "/v1/events", "/v1/events?from=2025-02-30", 400) { ValidRequest = false };
        yield return new("an unknown kind", "GET", "/v1/events", "/v1/events?kind=skirmish", 400);
        yield return new("no such event", "GET", "/v1/events/{id}", "/v1/events/1999-01-01-no-such-event", 404);
        yield return new("a former id", "GET", "/v1/events/{id}", $"/v1/events/{FormerId}", 301);
        yield return new("an unknown actor type", "GET", "/v1/actors", "/v1/actors?type=robot", 400);
        yield return new("no such actor", "GET", "/v1/actors/{id}", "/v1/actors/no-such-actor", 404);
        yield return new("weekly buckets", "GET", "/v1/stats/escalation", "/v1/stats/escalation?bucket=week&from=2025-01-01", 200);
        yield return new("an unknown bucket", "GET", "/v1/stats/escalation", "/v1/stats/escalation?bucket=decade", 400);

        foreach (var (format, mediaType) in new[] { ("json", "application/json"), ("ndjson", "application/x-ndjson"), ("csv", "text/csv"),
                     ("timelinejs", "application/json"), ("ics", "text/calendar"), ("geojson", "application/geo+json") })
        {
            yield return new($"export as {format}", "GET", "/v1/timeline", $"/v1/timeline?format={format}&country=PL", 200) { MediaType = mediaType, CheckWithAjv = format == "geojson" };
        }
        yield return new("export chosen by Accept", "GET", "/v1/timeline", "/v1/timeline?from=2022-11-01&to=2022-11-30", 200) { Accept = "text/csv", MediaType = "text/csv" };
        yield return new("export with every filter", "GET", "/v1/timeline",
            "/v1/timeline?from=2022-01-01&to=2025-12-31&kind=incident&actor=poland&country=PL&tag=air-defence&minLevel=3&maxLevel=5&q=missile&updatedSince=2020-01-01T00:00:00Z&includeRetracted=true", 200);
        yield return new("export again with the ETag", "GET", "/v1/timeline", "/v1/timeline?from=2022-11-01&to=2022-11-30", 304) { IfNoneMatch = true, Accept = "text/csv" };
        yield return new("export with to before from", "GET", "/v1/timeline", "/v1/timeline?from=2022-11-30&to=2022-11-01", 400);
        yield return new("export in an unknown format", "GET", "/v1/timeline", "/v1/timeline?format=pdf", 406);
        yield return new("export in an outage", "GET", "/v1/timeline", "/v1/timeline", 503) { Outage = true };

        yield return new("citation as text", "GET", "/v1/events/{id}/citation", $"/v1/events/{Przewodow}/citation?format=text", 200) { MediaType = "text/plain" };
        yield return new("citation as CSL-JSON", "GET", "/v1/events/{id}/citation", $"/v1/events/{Przewodow}/citation", 200)
            { Accept = "application/vnd.citationstyles.csl+json", MediaType = "application/vnd.citationstyles.csl+json" };
        yield return new("citation of a former id", "GET", "/v1/events/{id}/citation", $"/v1/events/{FormerId}/citation", 301);
        yield return new("citation of no event", "GET", "/v1/events/{id}/citation", "/v1/events/1999-01-01-no-such-event/citation", 404);
        yield return new("citation in an unknown format", "GET", "/v1/events/{id}/citation", $"/v1/events/{Przewodow}/citation?format=bibtex", 406);
        yield return new("citation in an outage", "GET", "/v1/events/{id}/citation", $"/v1/events/{Przewodow}/citation", 503) { Outage = true };

        yield return new("revisions", "GET", "/v1/events/{id}/revisions", $"/v1/events/{Przewodow}/revisions", 200);
        yield return new("revisions of a former id", "GET", "/v1/events/{id}/revisions", $"/v1/events/{FormerId}/revisions", 301);
        yield return new("revisions of no event", "GET", "/v1/events/{id}/revisions", "/v1/events/1999-01-01-no-such-event/revisions", 404);
        yield return new("revisions, Accept that cannot be served", "GET", "/v1/events/{id}/revisions", $"/v1/events/{Przewodow}/revisions", 406) { Accept = "text/csv" };
        yield return new("revisions in an outage", "GET", "/v1/events/{id}/revisions", $"/v1/events/{Przewodow}/revisions", 503) { Outage = true };
        yield return new("a revision", "GET", "/v1/events/{id}/revisions/{version}", $"/v1/events/{Przewodow}/revisions/1", 200);
        yield return new("version 0", "GET", "/v1/events/{id}/revisions/{version}", $"/v1/events/{Przewodow}/revisions/0", 400);
        yield return new("a revision under a former id", "GET", "/v1/events/{id}/revisions/{version}", $"/v1/events/{FormerId}/revisions/1", 301);
        yield return new("a version that does not exist", "GET", "/v1/events/{id}/revisions/{version}", $"/v1/events/{Przewodow}/revisions/99", 404);
        yield return new("a revision, Accept that cannot be served", "GET", "/v1/events/{id}/revisions/{version}", $"/v1/events/{Przewodow}/revisions/1", 406) { Accept = "text/csv" };
        yield return new("a revision in an outage", "GET", "/v1/events/{id}/revisions/{version}", $"/v1/events/{Przewodow}/revisions/1", 503) { Outage = true };

        yield return new("changes from the start", "GET", "/v1/changes", "/v1/changes?limit=5", 200);
        yield return new("changes since an instant", "GET", "/v1/changes", "/v1/changes?since=2025-01-01T00:00:00Z", 200);
        yield return new("changes since nonsense", "GET", "/v1/changes", "/v1/changes?since=yesterday", 400);
        yield return new("changes, Accept that cannot be served", "GET", "/v1/changes", "/v1/changes", 406) { Accept = "text/csv" };
        yield return new("changes in an outage", "GET", "/v1/changes", "/v1/changes", 503) { Outage = true };

        yield return new("curated conflicts", "GET", "/v1/curated-data/conflicts", "/v1/curated-data/conflicts", 200);
        yield return new("curated conflicts, Accept that cannot be served", "GET", "/v1/curated-data/conflicts", "/v1/curated-data/conflicts", 406) { Accept = "text/csv" };
        yield return new("curated conflicts in an outage", "GET", "/v1/curated-data/conflicts", "/v1/curated-data/conflicts", 503) { Outage = true };

        yield return new("live", "GET", "/health/live", "/health/live", 200);
        yield return new("live, Accept that cannot be served", "GET", "/health/live", "/health/live", 406) { Accept = "text/csv" };
        yield return new("ready", "GET", "/health/ready", "/health/ready", 200);
        yield return new("ready, Accept that cannot be served", "GET", "/health/ready", "/health/ready", 406) { Accept = "text/csv" };
        yield return new("not ready in an outage", "GET", "/health/ready", "/health/ready", 503) { Outage = true };

        // Actors: create, the problems of a create, revise, the problems of a revise.
        var actor = ExampleBody(document, "/v1/actors", "post");
        var actorRevision = ExampleBody(document, "/v1/actors/{id}", "put");
        yield return new("create the example actor", "POST", "/v1/actors", "/v1/actors", 201) { Key = "admin", Body = actor, IdempotencyKey = "contract-actor-1" };
        yield return new("create it again", "POST", "/v1/actors", "/v1/actors", 409) { Key = "admin", Body = actor, IdempotencyKey = "contract-actor-2" };
        yield return new("the same key with another body", "POST", "/v1/actors", "/v1/actors", 422)
            { Key = "admin", Body = With(actor, "name", "Someone Else"), IdempotencyKey = "contract-actor-1" };
        yield return new("a lowercase country", "POST", "/v1/actors", "/v1/actors", 400) { Key = "admin", Body = With(actor, "country", "pl"), IdempotencyKey = "contract-actor-3" };
        yield return new("an editor creating an actor", "POST", "/v1/actors", "/v1/actors", 403) { Key = "editor", Body = actor, IdempotencyKey = "contract-actor-4" };
        foreach (var e in WriteProblems("POST", "/v1/actors", "/v1/actors", actor)) yield return e;
        yield return new("revise the actor", "PUT", "/v1/actors/{id}", "/v1/actors/karol-nawrocki", 200) { Key = "admin", Body = actorRevision, IfMatch = "\"1\"" };
        yield return new("revise with a stale ETag", "PUT", "/v1/actors/{id}", "/v1/actors/karol-nawrocki", 412) { Key = "admin", Body = actorRevision, IfMatch = "\"1\"" };
        yield return new("revise without If-Match", "PUT", "/v1/actors/{id}", "/v1/actors/karol-nawrocki", 428) { Key = "admin", Body = actorRevision };
        yield return new("revise no actor", "PUT", "/v1/actors/{id}", "/v1/actors/no-such-actor", 404) { Key = "admin", Body = actorRevision, IfMatch = "\"1\"" };
        yield return new("revise without a reason", "PUT", "/v1/actors/{id}", "/v1/actors/karol-nawrocki", 400)
            { Key = "admin", Body = Without(actorRevision, "reason"), IfMatch = "\"2\"", ValidRequest = false };
        yield return new("an editor revising an actor", "PUT", "/v1/actors/{id}", "/v1/actors/karol-nawrocki", 403) { Key = "editor", Body = actorRevision, IfMatch = "\"2\"" };
        foreach (var e in WriteProblems("PUT", "/v1/actors/{id}", "/v1/actors/karol-nawrocki", actorRevision)) yield return e;

        // Events: the walk-through's create, revise and retract with the document's own example bodies.
        var create = ExampleBody(document, "/v1/events", "post");
        var revise = ExampleBody(document, "/v1/events/{id}", "put");
        var retract = ExampleBody(document, "/v1/events/{id}/retraction", "post");
        yield return new("create the example event", "POST", "/v1/events", "/v1/events", 201) { Key = "editor", Body = create, IdempotencyKey = "contract-event-1" };
        yield return new("replay the create", "POST", "/v1/events", "/v1/events", 201) { Key = "editor", Body = create, IdempotencyKey = "contract-event-1" };
        yield return new("create it again", "POST", "/v1/events", "/v1/events", 409) { Key = "editor", Body = create, IdempotencyKey = "contract-event-2" };
        yield return new("an unknown actor", "POST", "/v1/events", "/v1/events", 422)
            { Key = "editor", Body = With(With(Without(create, "newSources"), "id", "2022-11-15-contract-unknown-actor"), "actors", new JsonArray(new JsonObject { ["actor"] = "no-such-actor", ["role"] = "affected" })), IdempotencyKey = "contract-event-3" };
        yield return new("no Idempotency-Key", "POST", "/v1/events", "/v1/events", 400) { Key = "editor", Body = create };
        yield return new("no sources", "POST", "/v1/events", "/v1/events", 400) { Key = "editor", Body = With(create, "sources", new JsonArray()), IdempotencyKey = "contract-event-4" };
        foreach (var e in WriteProblems("POST", "/v1/events", "/v1/events", create)) yield return e;

        var url = $"/v1/events/{Example}";
        yield return new("revise the example event", "PUT", "/v1/events/{id}", url, 200) { Key = "editor", Body = revise, IfMatch = "\"1\"" };
        yield return new("revise with a stale ETag", "PUT", "/v1/events/{id}", url, 412) { Key = "editor", Body = revise, IfMatch = "\"1\"" };
        yield return new("revise without If-Match", "PUT", "/v1/events/{id}", url, 428) { Key = "editor", Body = revise };
        yield return new("revise no event", "PUT", "/v1/events/{id}", "/v1/events/1999-01-01-no-such-event", 404) { Key = "editor", Body = revise, IfMatch = "\"1\"" };
        yield return new("revise without a reason", "PUT", "/v1/events/{id}", url, 400) { Key = "editor", Body = Without(revise, "reason"), IfMatch = "\"2\"", ValidRequest = false };
        yield return new("revise naming an unknown actor", "PUT", "/v1/events/{id}", url, 422)
            { Key = "editor", Body = With(revise, "actors", new JsonArray(new JsonObject { ["actor"] = "no-such-actor", ["role"] = "affected" })), IfMatch = "\"2\"" };
        foreach (var e in WriteProblems("PUT", "/v1/events/{id}", url, revise)) yield return e;

        var retraction = $"/v1/events/{Example}/retraction";
        yield return new("an editor retracting", "POST", "/v1/events/{id}/retraction", retraction, 403) { Key = "editor", Body = retract, IfMatch = "\"2\"" };
        yield return new("retract without If-Match", "POST", "/v1/events/{id}/retraction", retraction, 428) { Key = "admin", Body = retract };
        yield return new("retract with a stale ETag", "POST", "/v1/events/{id}/retraction", retraction, 412) { Key = "admin", Body = retract, IfMatch = "\"1\"" };
        yield return new("retract without a reason", "POST", "/v1/events/{id}/retraction", retraction, 400) { Key = "admin", Body = new JsonObject(), IfMatch = "\"2\"", ValidRequest = false };
        yield return new("retract no event", "POST", "/v1/events/{id}/retraction", "/v1/events/1999-01-01-no-such-event/retraction", 404) { Key = "admin", Body = retract, IfMatch = "\"1\"" };
        foreach (var e in WriteProblems("POST", "/v1/events/{id}/retraction", retraction, retract)) yield return e;
        yield return new("retract the example event", "POST", "/v1/events/{id}/retraction", retraction, 200) { Key = "admin", Body = retract, IfMatch = "\"2\"" };
        yield return new("revise a retracted event", "PUT", "/v1/events/{id}", url, 409) { Key = "editor", Body = revise, IfMatch = "\"3\"" };
        yield return new("the retracted event", "GET", "/v1/events/{id}", url, 200);
        yield return new("its history", "GET", "/v1/events/{id}/revisions", $"{url}/revisions", 200);
        yield return new("everything, retracted included", "GET", "/v1/timeline", "/v1/timeline?includeRetracted=true", 200) { MediaType = "application/json" };
        yield return new("the change feed after the writes", "GET", "/v1/changes", "/v1/changes?since=2025-01-01T00:00:00Z&limit=100", 200);

        // Limits and timeouts, on the strict instance: every operation that declares them, with the example
        // values of the document (a read without a key meets the per-address limit; a write, its key's).
        foreach (var (route, method, operation) in Operations(document))
        {
            var responses = operation["responses"]!.AsObject();
            var target = route.Replace("{id}", route.StartsWith("/v1/actors", StringComparison.Ordinal) ? "karol-nawrocki" : Przewodow, StringComparison.Ordinal)
                .Replace("{version}", "1", StringComparison.Ordinal);
            var write = method != "get";
            var key = route.Contains("actors", StringComparison.Ordinal) || route.EndsWith("retraction", StringComparison.Ordinal) ? "admin" : "editor";
            var body = write ? ExampleBody(document, route, method) : null;
            var ifMatch = method == "put" || route.EndsWith("retraction", StringComparison.Ordinal) ? "\"1\"" : null;
            var idempotency = method == "post" && !route.EndsWith("retraction", StringComparison.Ordinal) ? "contract-limit-" + route : null;
            if (responses.ContainsKey("429"))
            {
                yield return new("over the limit", method.ToUpperInvariant(), route, target, 429)
                    { Strict = Strictness.Limit, Key = write ? key : null, Body = body, IfMatch = ifMatch, IdempotencyKey = idempotency };
            }
            if (responses.ContainsKey("504"))
            {
                yield return new("past the request timeout", method.ToUpperInvariant(), route, target, 504)
                    { Strict = Strictness.Timeout, Key = write ? key : null, Body = body, IfMatch = ifMatch, IdempotencyKey = idempotency is null ? null : idempotency + "-timeout" };
            }
        }
    }

    private static IEnumerable<(string Route, string Method, JsonNode Operation)> Operations(JsonNode document) =>
        from path in document["paths"]!.AsObject()
        from operation in path.Value!.AsObject()
        select (path.Key, operation.Key, operation.Value!);

    /// <summary>What every write answers: no key, a body too large, not JSON, Accept that cannot be served, an outage.</summary>
    private static IEnumerable<Entry> WriteProblems(string method, string route, string url, JsonNode body)
    {
        var key = route.Contains("actors", StringComparison.Ordinal) || route.EndsWith("retraction", StringComparison.Ordinal) ? "admin" : "editor";
        var idempotency = method == "POST" && !route.EndsWith("retraction", StringComparison.Ordinal) ? "contract-problem" : null;
        yield return new("no key", method, route, url, 401) { Body = body, IdempotencyKey = idempotency, IfMatch = "\"1\"", ValidRequest = false };
        yield return new("a body over 64 KB", method, route, url, 413) { Key = key, Body = With(body, "reason", new string('x', 70_000)), IdempotencyKey = idempotency, IfMatch = "\"1\"", ValidRequest = false };
        yield return new("not JSON", method, route, url, 415) { Key = key, RawBody = "reason=nothing", ContentType = "text/plain", IdempotencyKey = idempotency, IfMatch = "\"1\"", ValidRequest = false };
        yield return new("Accept that cannot be served", method, route, url, 406) { Key = key, Body = body, Accept = "application/xml", IdempotencyKey = idempotency, IfMatch = "\"1\"" };
        yield return new("database outage", method, route, url, 503) { Key = key, Body = body, IdempotencyKey = idempotency, IfMatch = "\"1\"", Outage = true };
    }

    private static JsonObject With(JsonNode body, string property, JsonNode value)
    {
        var copy = body.DeepClone().AsObject();
        copy[property] = value;
        return copy;
    }

    private static JsonObject Without(JsonNode body, string property)
    {
        var copy = body.DeepClone().AsObject();
        copy.Remove(property);
        return copy;
    }

    private enum Strictness { None, Limit, Timeout }

    /// <summary>One request of the corpus and the status it must get.</summary>
    private sealed record Entry(string Name, string Method, string Route, string Url, int Status)
    {
        public string? Accept { get; init; }
        public string? MediaType { get; init; }
        public string? Key { get; init; }
        public JsonNode? Body { get; init; }
        public string? RawBody { get; init; }
        public string ContentType { get; init; } = "application/json";
        public string? IdempotencyKey { get; init; }
        public string? IfMatch { get; init; }
        public bool IfNoneMatch { get; init; }
        public bool Outage { get; init; }

        /// <summary>
        /// Prism matches a response's media type by its suffix alone (application/geo+json as application/json),
        /// so it checks a GeoJSON body against the JSON document's schema; Ajv checks it against its own.
        /// </summary>
        public bool CheckWithAjv { get; init; }

        /// <summary>False for a request that breaks the document on purpose (a bad date, a missing required property).</summary>
        public bool ValidRequest { get; init; } = true;

        /// <summary>Sent to the instance with tight limits, or to the one with a 1 s timeout and its tables locked.</summary>
        public Strictness Strict { get; init; }

        public HttpRequestMessage ToRequest(ContractApp app, Dictionary<string, string> etags, string? key)
        {
            var request = new HttpRequestMessage(new HttpMethod(Method), Url);
            if (Accept is not null) request.Headers.TryAddWithoutValidation("Accept", Accept);
            if (Key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key ?? (Key == "admin" ? app.AdminKey : app.EditorKey));
            if (IdempotencyKey is not null) request.Headers.Add("Idempotency-Key", IdempotencyKey);
            if (IfMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", IfMatch);
            if (IfNoneMatch) request.Headers.TryAddWithoutValidation("If-None-Match", etags[Url]);
            if (Body is not null || RawBody is not null)
            {
                request.Content = new StringContent(RawBody ?? Body!.ToJsonString(), Encoding.UTF8);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
            }
            return request;
        }
    }
}
