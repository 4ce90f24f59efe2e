using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using Timeline.Api.Auth;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Editing;

/// <summary>
/// The API on a database of its own, with an editor key, an admin key and a revoked key made with
/// the key command's code, and a few actors and sources of its own (ids starting with "t-", so they
/// never collide with the curated data set).
/// </summary>
public class EditingApp : TimelineApp
{
    public string EditorKey { get; private set; } = "";
    public string AdminKey { get; private set; } = "";
    public string RevokedKey { get; private set; } = "";

    /// <summary>Actors every test may use.</summary>
    public static readonly string[] ActorIds = ["t-state-a", "t-state-b", "t-person-c"];

    /// <summary>A source every test may cite.</summary>
    public const string SourceId = "t-source-one";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var db = NpgsqlDataSource.Create(ConnectionString);
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        EditorKey = (await ApiKeys.CreateAsync(db, "test-editor", Roles.Editor, CancellationToken.None)).Key;
        AdminKey = (await ApiKeys.CreateAsync(db, "test-admin", Roles.Admin, CancellationToken.None)).Key;
        RevokedKey = (await ApiKeys.CreateAsync(db, "test-revoked", Roles.Admin, CancellationToken.None)).Key;
        await ApiKeys.RevokeAsync(db, "test-revoked", CancellationToken.None);

        await using var conn = await db.OpenConnectionAsync();
        await conn.ExecuteAsync("""
            insert into actors (slug, name, type, country_code) values
                ('t-state-a', 'Test State A', 'state', 'PL'), ('t-state-b', 'Test State B', 'state', 'RU'),
                ('t-person-c', 'Test Person C', 'person', null);
            insert into sources (slug, outlet, title, title_is_descriptive, language) values
                ('t-source-one', 'Test Outlet', 'Test source', true, 'en');
            """);
    }

    public HttpClient Client(string? key)
    {
        var client = CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return client;
    }

    public HttpClient Anonymous() => Client(null);
    public HttpClient Editor() => Client(EditorKey);
    public HttpClient Admin() => Client(AdminKey);

    /// <summary>A valid create body; callers change what the test is about.</summary>
    public static JsonObject NewEvent(string id) => new()
    {
        ["id"] = id,
        ["title"] = "Test event " + id,
        ["summary"] = "A test event, made by the editing tests.",
        ["kind"] = "incident",
        ["date"] = new JsonObject { ["start"] = "2024-05-17", ["precision"] = "day" },
        ["location"] = new JsonObject { ["place"] = "Testville", ["country"] = "PL", ["lat"] = 50.5, ["lon"] = 23.9 },
        ["tags"] = new JsonArray("test", "air-defence"),
        ["escalation"] = new JsonObject { ["level"] = 4, ["rationale"] = "A test rationale." },
        ["actors"] = new JsonArray(new JsonObject { ["actor"] = "t-state-a", ["role"] = "affected" },
                                   new JsonObject { ["actor"] = "t-state-b", ["role"] = "initiator" }),
        ["sources"] = new JsonArray(SourceId),
        ["quotes"] = new JsonArray(new JsonObject { ["text"] = "Test words.", ["speaker"] = "t-person-c", ["language"] = "en", ["source"] = SourceId }),
        ["claims"] = new JsonArray(new JsonObject
        {
            ["statement"] = "A test claim.", ["status"] = "disputed",
            ["claimants"] = new JsonArray("t-state-a"), ["sources"] = new JsonArray(SourceId),
        }),
        ["relations"] = new JsonArray(),
    };

    /// <summary>The revise body for an event created from <see cref="NewEvent"/>.</summary>
    public static JsonObject Revision(string id, string reason)
    {
        var body = NewEvent(id);
        body.Remove("id");
        body["reason"] = reason;
        body["title"] = "Revised test event " + id;
        return body;
    }

    public static HttpRequestMessage Request(HttpMethod method, string url, JsonNode? body, string? ifMatch = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return request;
    }

    /// <summary>Creates an event as the editor and returns its ETag.</summary>
    public async Task<string> CreateEventAsync(string id, JsonObject? body = null)
    {
        using var client = Editor();
        using var response = await client.SendAsync(Request(HttpMethod.Post, "/v1/events", body ?? NewEvent(id), idempotencyKey: Guid.NewGuid().ToString()));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"Creating {id} answered {(int)response.StatusCode}: {text}");
        return response.Headers.ETag!.Tag;
    }

    public static async Task<JsonNode> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("Empty body.");

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var conn = await OpenDatabaseAsync();
        return await conn.ExecuteScalarAsync<T>(sql, args) ?? throw new InvalidOperationException("No value.");
    }

    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
}
