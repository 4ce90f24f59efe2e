using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Editing;

/// <summary>Bad input to the write routes: a clear 4xx problem that names what to fix, never a 500, nothing written.</summary>
public sealed class EventWriteValidationTests(EditingApp app) : IClassFixture<EditingApp>
{
    /// <summary>A change to a valid create body, the error key it must produce, and a word the message must contain.</summary>
    public static TheoryData<string, string, string, string> BadFields() => new()
    {
        { "id", "\"Not A Slug\"", "id", "lowercase" },
        { "id", "\"double--hyphen\"", "id", "hyphens" },
        { "title", "\"   \"", "title", "blank" },
        { "title", "\" padded\"", "title", "spaces" },
        { "title", "\"\\u200B\\uFEFF\\u2060\"", "title", "blank" },
        { "title", "\"\\u200BHidden start\"", "title", "invisible" },
        { "summary", "\"\\u200B \\u2060\"", "summary", "blank" },
        { "title", $"\"{new string('t', 301)}\"", "title", "300" },
        { "title", "\"bell\\u0007\"", "title", "control" },
        { "title", "\"line\\nbreak\"", "title", "control" },
        { "summary", "\"reads \\u202Ebackwards\"", "summary", "direction" },
        { "summary", "\"isolate \\u2066x\\u2069\"", "summary", "direction" },
        { "kind", "\"rumour\"", "kind", "/v1/kinds" },
        { "date", "{\"start\":\"2024-05-17\",\"precision\":\"month\"}", "date.start", "1st of the month" },
        { "date", "{\"start\":\"2024-05-01\",\"precision\":\"year\"}", "date.start", "1 January" },
        { "date", "{\"start\":\"2024-05-17\",\"precision\":\"week\"}", "date.precision", "'day'" },
        { "date", "{\"start\":\"2024-05-17\",\"end\":\"2024-05-16\",\"precision\":\"day\"}", "date.end", "before" },
        { "date", "{\"start\":\"1815-06-18\",\"precision\":\"day\"}", "date.start", "1900" },
        { "date", "{\"precision\":\"day\"}", "date.start", "required" },
        { "location", "{\"country\":\"XX\"}", "location.country", "ISO 3166-1" },
        { "location", "{\"country\":\"pl\"}", "location.country", "capitals" },
        { "location", "{\"country\":\"POL\"}", "location.country", "alpha-2" },
        { "location", "{\"lat\":91,\"lon\":10}", "location.lat", "-90" },
        { "location", "{\"lat\":10,\"lon\":-180.5}", "location.lon", "-180" },
        { "location", "{\"lat\":10}", "location", "both or neither" },
        { "tags", "[\"Air Defence\"]", "tags[0]", "lowercase" },
        { "tags", "[\"a\",\"a\"]", "tags", "repeat" },
        { "escalation", "{\"level\":8,\"rationale\":\"x\"}", "escalation.level", "0 to 7" },
        { "escalation", "{\"level\":-1,\"rationale\":\"x\"}", "escalation.level", "ladder" },
        { "escalation", "{\"level\":2}", "escalation.rationale", "required" },
        { "wikidataQid", "\"Q0\"", "wikidataQid", "Wikidata" },
        { "actors", "[{\"actor\":\"t-state-a\",\"role\":\"villain\"}]", "actors[0].role", "speaker" },
        { "actors", "[{\"actor\":\"t-state-a\",\"role\":\"target\"},{\"actor\":\"t-state-a\",\"role\":\"target\"}]", "actors", "twice" },
        { "claims", "[{\"statement\":\"x\",\"status\":\"probable\"}]", "claims[0].status", "alleged" },
        { "claims", "[{\"statement\":\"x\",\"status\":\"alleged\",\"sources\":[\"not-cited\"]}]", "claims[0]", "event's 'sources'" },
        { "relations", "[{\"type\":\"causes\",\"target\":\"t-other\"}]", "relations[0].type", "responds-to" },
        { "relations", "[{\"type\":\"follows\",\"target\":\"t-bad-relations\"}]", "relations[0]", "itself" },
        { "quotes", "[{\"text\":\"x\",\"speaker\":\"t-person-c\",\"language\":\"english\"}]", "quotes[0].language", "ISO 639-1" },
        { "quotes", "[{\"text\":\"x\",\"speaker\":\"t-person-c\",\"language\":\"en\",\"source\":\"not-cited\"}]", "quotes[0]", "event's 'sources'" },
        { "newSources", "[{\"id\":\"t-new\",\"title\":\"x\",\"language\":\"en\",\"url\":\"ftp://example.org/a\"}]", "newSources[0].url", "https://" },
        { "newSources", "[{\"id\":\"t-new\",\"title\":\"x\",\"language\":\"en\",\"url\":\"javascript:alert(1)\"}]", "newSources[0].url", "http://" },
        { "newSources", "[{\"id\":\"t-new\",\"title\":\"x\",\"language\":\"en\",\"url\":\"http://127.0.0.1/admin\"}]", "newSources[0].url", "public web address" },
        { "newSources", "[{\"id\":\"t-new\",\"title\":\"x\",\"language\":\"en\",\"url\":\"http://localhost:8080/a\"}]", "newSources[0].url", "public web address" },
        { "newSources", "[{\"id\":\"t-new\",\"title\":\"x\",\"language\":\"en\",\"url\":\"http://169.254.169.254/latest/meta-data\"}]", "newSources[0].url", "public web address" },
        { "newSources", "[{\"id\":\"t-new\",\"title\":\"x\",\"language\":\"en\",\"url\":\"https://user:pass@example.org/a\"}]", "newSources[0].url", "password" },
        { "newSources", "[{\"id\":\"t-new\",\"title\":\"x\",\"language\":\"en\",\"url\":\"http://[::1]/a\"}]", "newSources[0].url", "public web address" },
        { "newSources", "[{\"id\":\"t-new\",\"title\":\"x\",\"language\":\"en\",\"url\":\"http://192.168.1.10/a\"}]", "newSources[0].url", "public web address" },
        { "newSources", "[{\"id\":\"t-new\",\"title\":\"x\",\"language\":\"en\",\"url\":\"http://intranet/a\"}]", "newSources[0].url", "public web address" },
        { "sources", "[]", "sources", "at least one source" },
        { "newSources", "[{\"id\":\"t-unlisted\",\"title\":\"x\",\"language\":\"en\"}]", "newSources[0]", "listed in 'sources'" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task CreatingAnEventWithABadFieldReturnsAProblemNamingIt(string field, string json, string errorKey, string messagePart)
    {
        var body = EditingApp.NewEvent("t-bad-" + field.ToLowerInvariant());
        body[field] = JsonNode.Parse(json);
        using var client = app.Editor();
        using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: Guid.NewGuid().ToString()));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.NotNull(problem.Errors);
        Assert.True(problem.Errors!.ContainsKey(errorKey), $"Expected an error for '{errorKey}', got: {string.Join(", ", problem.Errors.Keys)}");
        Assert.Contains(problem.Errors[errorKey], m => m.Contains(messagePart, StringComparison.Ordinal));
        Assert.Contains(messagePart, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextIsStoredInUnicodeNfcHoweverTheAccentsWereTyped()
    {
        // "Przewodów" with the ó typed as o + U+0301 (combining acute), as some keyboards and PDFs give it.
        var body = EditingApp.NewEvent("t-nfc");
        body["title"] = "Missile lands in Przewodo\u0301w";
        body["quotes"]![0]!["text"] = "Cafe\u0301 words.";
        using var client = app.Editor();
        using (var created = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-nfc")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal("Missile lands in Przewodów", (string?)(await EditingApp.JsonAsync(created))["title"]);
        }
        Assert.Equal("Missile lands in Przewodów", await app.ScalarAsync<string>("select title from events where slug = 't-nfc'"));
        Assert.Equal("Café words.", await app.ScalarAsync<string>("select q.text from quotes q join events e on e.id = q.event_id where e.slug = 't-nfc'"));
        Assert.Equal("Missile lands in Przewodów".Length, (await app.ScalarAsync<string>("select title from events where slug = 't-nfc'")).Length);
    }

    [Theory]
    [InlineData("/v1/events?from=9999-12-31", "from")]
    [InlineData("/v1/events?to=1899-12-31", "to")]
    [InlineData("/v1/timeline?from=0001-01-01", "from")]
    public async Task AReadDateOutsideTheYearsEventsCanHaveIsABadRequestNamingIt(string url, string parameter)
    {
        var problem = await app.GetProblemAsync(url, HttpStatusCode.BadRequest);
        Assert.Equal([parameter], problem.Errors!.Keys);
        Assert.Contains("between 1900-01-01 and 2100-12-31", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatingAnEventWithoutRequiredFieldsListsEachOfThem()
    {
        using var client = app.Editor();
        using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", new JsonObject(), idempotencyKey: "t-empty"));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["date", "escalation", "id", "kind", "sources", "summary", "title"], problem.Errors!.Keys.Order().ToArray());
    }

    [Theory]
    [InlineData("{\"id\":\"t-x\",\"colour\":\"red\"}", "'colour' is not a property")]
    [InlineData("{\"id\":\"t-x\",\"id\":\"t-y\"}", "Duplicate property 'id'")]
    [InlineData("{\"id\":", "not valid JSON")]
    [InlineData("{\"id\":\"t-x\",\"escalation\":{\"level\":\"3\",\"rationale\":\"x\"}}", "not valid JSON")]
    [InlineData("[]", "not valid JSON")]
    [InlineData("null", "")]
    [InlineData("", "")]
    public async Task CreatingAnEventWithMalformedJsonReturnsBadRequest(string json, string detailPart)
    {
        using var client = app.Editor();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await client.SendAsync(request);
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(detailPart, problem.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Timeline.Api", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task WritingWithAnotherContentTypeReturnsUnsupportedMediaType(string contentType)
    {
        using var client = app.Editor();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events")
        {
            Content = new StringContent(EditingApp.NewEvent("t-media").ToJsonString(), Encoding.UTF8, contentType),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await client.SendAsync(request);
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/json", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WritingABodyOver64KilobytesReturnsPayloadTooLarge()
    {
        var body = EditingApp.NewEvent("t-too-large");
        body["summary"] = new string('s', 70_000);
        using var client = app.Editor();
        using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-too-large"));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("64 KB", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamingABodyOver64KilobytesWithoutALengthReturnsPayloadTooLarge()
    {
        var body = EditingApp.NewEvent("t-too-large-chunked");
        body["summary"] = new string('s', 70_000);
        using var client = app.Editor();
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body.ToJsonString())));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Add("Idempotency-Key", "t-too-large-chunked");
        using var response = await client.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await app.ScalarAsync<long>("select count(*) from events where slug = 't-too-large-chunked'"));
    }

    [Fact]
    public async Task CreatingAnEventWithoutAnIdempotencyKeyReturnsBadRequest()
    {
        using var client = app.Editor();
        using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", EditingApp.NewEvent("t-no-key")));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("Idempotency-Key", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await app.ScalarAsync<long>("select count(*) from events where slug = 't-no-key'"));
    }

    [Theory]
    [InlineData("actors", "[{\"actor\":\"t-nobody\",\"role\":\"target\"}]", "t-nobody")]
    [InlineData("sources", "[\"t-no-such-source\"]", "t-no-such-source")]
    [InlineData("relations", "[{\"type\":\"follows\",\"target\":\"2099-01-01-no-such-event\"}]", "2099-01-01-no-such-event")]
    public async Task CreatingAnEventThatRefersToSomethingUnknownReturnsUnprocessable(string field, string json, string unknown)
    {
        var body = EditingApp.NewEvent("t-unknown-" + field);
        body[field] = JsonNode.Parse(json);
        if (field == "sources")
        {
            body["quotes"] = new JsonArray();
            body["claims"] = new JsonArray();
        }
        using var client = app.Editor();
        using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: Guid.NewGuid().ToString()));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains(unknown, problem.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await app.ScalarAsync<long>("select count(*) from events where slug = @id", new { id = "t-unknown-" + field }));
    }

    [Fact]
    public async Task CreatingAnEventWithATakenIdReturnsConflict()
    {
        await app.CreateEventAsync("t-taken");
        using var client = app.Editor();
        using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", EditingApp.NewEvent("t-taken"), idempotencyKey: "t-taken-again"));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("exists already", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DefiningAnExistingSourceAgainReturnsConflictAndWritesNothing()
    {
        var body = EditingApp.NewEvent("t-source-again");
        body["newSources"] = new JsonArray(new JsonObject { ["id"] = EditingApp.SourceId, ["title"] = "Again", ["language"] = "en" });
        using var client = app.Editor();
        using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-source-again"));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains(EditingApp.SourceId, problem.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await app.ScalarAsync<long>("select count(*) from events where slug = 't-source-again'"));
    }

    [Fact]
    public async Task CreatingAnEventWithANewSourceCreatesTheSourceInTheSameTransaction()
    {
        var body = EditingApp.NewEvent("t-new-source");
        body["sources"] = new JsonArray("t-brand-new-source", EditingApp.SourceId);
        body["newSources"] = new JsonArray(new JsonObject
        {
            ["id"] = "t-brand-new-source", ["outlet"] = "Test Wire", ["title"] = "A new test source", ["language"] = "en",
            ["publishedOn"] = "2024-05-18", ["url"] = "https://example.org/test-source",
        });
        using var client = app.Editor();
        using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-new-source"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var sources = (await EditingApp.JsonAsync(response))["sources"]!.AsArray();
        Assert.Equal(["t-brand-new-source", EditingApp.SourceId], sources.Select(s => (string)s!["id"]!).ToArray());
        Assert.Equal("https://example.org/test-source", (string?)sources[0]!["url"]);
    }

    [Fact]
    public async Task ADatabaseRuleTheValidatorsDoNotKnowGivesAProblemNotAServerError()
    {
        await using (var conn = await app.OpenDatabaseAsync())
        {
            await conn.ExecuteAsync("alter table events add constraint test_no_forbidden_titles check (title not like '%forbidden%')");
        }
        var body = EditingApp.NewEvent("t-db-rule");
        body["title"] = "A forbidden title";
        using var client = app.Editor();
        using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events", body, idempotencyKey: "t-db-rule"));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("test_no_forbidden_titles", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await app.ScalarAsync<long>("select count(*) from events where slug = 't-db-rule'"));
    }

    [Fact]
    public async Task RevisingWithoutAReasonReturnsBadRequest()
    {
        var etag = await app.CreateEventAsync("t-no-reason");
        var body = EditingApp.Revision("t-no-reason", "x");
        body.Remove("reason");
        using var client = app.Editor();
        using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/events/t-no-reason", body, ifMatch: etag));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("reason", problem.Errors!.Keys);
    }

    [Fact]
    public async Task RevisingWithAnIdInTheBodyReturnsBadRequest()
    {
        var etag = await app.CreateEventAsync("t-id-in-body");
        var body = EditingApp.Revision("t-id-in-body", "Renaming.");
        body["id"] = "t-renamed";
        using var client = app.Editor();
        using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/events/t-id-in-body", body, ifMatch: etag));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("'id'", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"reason\":\"  \"}")]
    [InlineData("{\"reason\":\"hidden \\u202E text\"}")]
    public async Task RetractingWithoutAProperReasonReturnsBadRequest(string json)
    {
        var etag = await app.CreateEventAsync("t-retract-reason-" + Math.Abs(json.GetHashCode(StringComparison.Ordinal)));
        using var client = app.Admin();
        var id = "t-retract-reason-" + Math.Abs(json.GetHashCode(StringComparison.Ordinal));
        using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Post, $"/v1/events/{id}/retraction", JsonNode.Parse(json), ifMatch: etag));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("reason", problem.Errors!.Keys);
        Assert.Equal("published", await app.ScalarAsync<string>("select status from events where slug = @id", new { id }));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.PreconditionRequired)]
    [InlineData("*", HttpStatusCode.PreconditionRequired)]
    [InlineData("\"7\"", HttpStatusCode.PreconditionFailed)]
    [InlineData("W/\"1\"", HttpStatusCode.PreconditionFailed)]
    [InlineData("\"abc\"", HttpStatusCode.PreconditionFailed)]
    public async Task RevisingWithoutTheCurrentETagIsRefused(string? ifMatch, HttpStatusCode expected)
    {
        var id = $"t-if-match-{(int)expected}-{Math.Abs((ifMatch ?? "none").GetHashCode(StringComparison.Ordinal))}";
        await app.CreateEventAsync(id);
        using var client = app.Editor();
        using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Put, $"/v1/events/{id}", EditingApp.Revision(id, "x"), ifMatch: ifMatch));
        var problem = await ProblemAssert.IsProblemAsync(response, expected);
        Assert.Contains("If-Match", problem.Detail + problem.Title, StringComparison.Ordinal);
        Assert.Equal(1, await app.ScalarAsync<int>("select version from events where slug = @id", new { id }));
    }

    [Fact]
    public async Task RetractingWithoutIfMatchReturnsPreconditionRequired()
    {
        await app.CreateEventAsync("t-retract-no-if-match");
        using var client = app.Admin();
        using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events/t-retract-no-if-match/retraction", new JsonObject { ["reason"] = "x" }));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.PreconditionRequired);
    }

    [Fact]
    public async Task WritingToAnUnknownEventReturnsNotFound()
    {
        using var editor = app.Editor();
        using var revise = await editor.SendAsync(EditingApp.Request(HttpMethod.Put, "/v1/events/t-never-was", EditingApp.Revision("t-never-was", "x"), ifMatch: "\"1\""));
        await ProblemAssert.IsProblemAsync(revise, HttpStatusCode.NotFound);
        using var admin = app.Admin();
        using var retract = await admin.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/events/t-never-was/retraction", new JsonObject { ["reason"] = "x" }, ifMatch: "\"1\""));
        await ProblemAssert.IsProblemAsync(retract, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{\"id\":\"t-actor-bad\",\"name\":\"X\",\"type\":\"company\"}", "type")]
    [InlineData("{\"id\":\"t-actor-bad\",\"name\":\"X\",\"type\":\"state\",\"country\":\"ZZ\"}", "country")]
    [InlineData("{\"id\":\"T_Actor\",\"name\":\"X\",\"type\":\"state\"}", "id")]
    [InlineData("{\"id\":\"t-actor-bad\",\"name\":\"\",\"type\":\"state\"}", "name")]
    [InlineData("{\"id\":\"t-actor-bad\",\"name\":\"X\",\"type\":\"state\",\"wikidataQid\":\"123\"}", "wikidataQid")]
    public async Task CreatingAnActorWithABadFieldReturnsAProblemNamingIt(string json, string errorKey)
    {
        using var client = app.Admin();
        using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/actors", JsonNode.Parse(json), idempotencyKey: Guid.NewGuid().ToString()));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(errorKey, problem.Errors!.Keys);
    }

    [Fact]
    public async Task CreatingAnActorWithATakenIdReturnsConflict()
    {
        using var client = app.Admin();
        using var response = await client.SendAsync(EditingApp.Request(HttpMethod.Post, "/v1/actors",
            new JsonObject { ["id"] = "t-state-a", ["name"] = "Again", ["type"] = "state" }, idempotencyKey: "t-actor-taken"));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
    }
}
