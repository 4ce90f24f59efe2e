using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Npgsql;
using Timeline.Api.Auth;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Browser;

/// <summary>
/// Swagger UI as a newcomer meets it, in Chromium: the first Execute of every GET, with nothing typed,
/// answers 200 (the list's first page of all events, not one event narrowed by pre-filled filters); the
/// filters' examples are shown but leave the inputs empty; a write's example body, with a key given to
/// Authorize, is accepted as it is.
/// </summary>
public sealed class SwaggerUiTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task TheFirstExecuteOfEveryGetAnswers200WithNothingTyped()
    {
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Repo.Root, "openapi", "v1.json")))!;
        var gets = document["paths"]!.AsObject().Select(p => p.Value!["get"]).OfType<JsonNode>()
            .Select(o => ((string)o["tags"]![0]!, (string)o["operationId"]!)).ToList();
        var page = await OpenAsync();
        var failures = new List<string>();

        foreach (var (tag, operationId) in gets)
        {
            var (status, body) = await ExecuteAsync(page, tag, operationId);
            if (status != "200") failures.Add($"{operationId}: {status} {body[..Math.Min(body.Length, 200)]}");
            if (operationId == "ListEvents")
            {
                var items = JsonNode.Parse(body)!["items"]!.AsArray();
                Assert.Equal(20, items.Count); // the default page of all events
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task FilterExamplesAreShownWithoutFillingTheInputs()
    {
        var page = await OpenAsync();
        var list = page.Locator("#operations-Events-ListEvents");
        await list.Locator(".opblock-summary").ClickAsync();

        foreach (var name in new[] { "from", "to", "q", "updatedSince", "cursor", "minLevel" })
        {
            var input = list.Locator($"tr[data-param-name='{name}'] input");
            Assert.Equal("", await input.InputValueAsync());
        }
        Assert.Contains("Example: 2022-11-01", await list.Locator("tr[data-param-name='from']").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCreateEventExampleIsAcceptedWithAnEditorKey()
    {
        string key;
        await using (var db = NpgsqlDataSource.Create(app.ConnectionString))
        {
            key = (await ApiKeys.CreateAsync(db, "swagger-editor", Roles.Editor, CancellationToken.None)).Key;
        }
        var page = await OpenAsync();
        await page.Locator("button.authorize").First.ClickAsync();
        await page.Locator(".modal-ux input").First.FillAsync(key);
        await page.Locator(".modal-ux button.authorize").ClickAsync();
        await page.Locator(".modal-ux button.btn-done").ClickAsync();

        var (status, body) = await ExecuteAsync(page, "Editing", "CreateEvent");

        Assert.True(status == "201", $"{status}: {body}");
        Assert.Equal("2022-11-15-przewodow-explosion-example", (string?)JsonNode.Parse(body)!["id"]);
    }

    private async Task<IPage> OpenAsync()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/swagger/index.html");
        await page.Locator("#operations-Events-ListEvents").WaitForAsync();
        return page;
    }

    /// <summary>Opens the operation, presses Execute (Try it out is on) and reads the live response's status and body.</summary>
    private static async Task<(string Status, string Body)> ExecuteAsync(IPage page, string tag, string operationId)
    {
        var operation = page.Locator($"#operations-{tag}-{operationId}");
        await operation.Locator(".opblock-summary").First.ClickAsync();
        await operation.Locator("button.execute").ClickAsync();
        var status = operation.Locator(".live-responses-table .response .response-col_status").First;
        try
        {
            await status.WaitForAsync();
        }
        catch (TimeoutException)
        {
            await operation.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ArtifactsFolder, $"swagger-{operationId}.png") });
            throw;
        }
        var body = operation.Locator(".live-responses-table .response .response-col_description pre").First;
        var text = await body.CountAsync() > 0 ? await body.InnerTextAsync() : "";
        var code = (await status.InnerTextAsync()).Trim();
        await operation.Locator(".opblock-summary").First.ClickAsync(); // close it again, to keep the page small
        return (code, text);
    }
}
