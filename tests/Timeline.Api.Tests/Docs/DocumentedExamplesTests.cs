using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Npgsql;
using Timeline.Api.Auth;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Docs;

/// <summary>
/// The examples a newcomer copies run, against the API on a real port with the curated data set: every
/// shell block of README.md that calls curl is run by bash as it is written (only the address
/// http://127.0.0.1:5080 is replaced by the test server's). Each curl documents its status (`# → 200`);
/// the test compares them in order.
/// </summary>
public sealed class ReadmeExamplesTests(ServedApp app) : IClassFixture<ServedApp>
{
    private const string DocumentedBase = "http://127.0.0.1:5080";

    public static TheoryData<int> ReadmeBlocks()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < CurlBlocks().Count; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(ReadmeBlocks))]
    public async Task EveryCurlExampleOfTheReadmeAnswersTheStatusItDocuments(int block)
    {
        var script = CurlBlocks()[block];
        var expected = ExampleSyntax.Status().Matches(script).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var folder = Directory.CreateTempSubdirectory("timeline-readme-").FullName;
        try
        {
            // ./keys.sh as deployed: the key command of the built API on this test's database (the README's
            // `dotnet Timeline.Api.dll keys …`), instead of the repository script that builds and uses .pg/run.
            var keys = Path.Combine(folder, "keys.sh");
            await File.WriteAllTextAsync(keys, $"#!/bin/sh\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "Timeline.Api.dll")}' keys \"$@\"\n");
            await Tool.RunAsync("/bin/chmod", folder, ["+x", keys]);
            // Every curl also reports its status on stderr, where the test reads it; its output stays as documented.
            var run = "curl() { command curl -w '%{stderr}@@status %{http_code}\\n' \"$@\"; }\n" + script.Replace(DocumentedBase, app.BaseUrl, StringComparison.Ordinal);
            var (exit, stdout, stderr) = await Tool.RunAsync("/bin/bash", folder, ["-c", run],
                new Dictionary<string, string> { ["ConnectionStrings__Timeline"] = app.ConnectionString, ["Logging__LogLevel__Default"] = "Warning" });

            var actual = ExampleSyntax.StatusLine().Matches(stderr).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.True(expected.Count > 0, "A README block with curl documents no status (# → 200).");
            Assert.True(expected.SequenceEqual(actual),
                $"README block {block}: documented {string.Join(", ", expected)}, got {string.Join(", ", actual)} (bash exit {exit})\n{script}\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static List<string> CurlBlocks() =>
        [.. ExampleSyntax.ShellBlock().Matches(File.ReadAllText(Path.Combine(Repo.Root, "README.md"))).Select(m => m.Groups[1].Value).Where(b => b.Contains("curl ", StringComparison.Ordinal))];
}

/// <summary>
/// Every request of the .http files (src/Timeline.Api/Timeline.Api.http, src/Timeline.Api/Editing/Editing.http)
/// sent in order, as VS Code's REST Client would, with their variables and named responses; the keys are
/// fresh ones. Each request documents its status (`# → 200`).
/// </summary>
public sealed class HttpFileExamplesTests(ServedApp app) : IClassFixture<ServedApp>
{
    [Theory]
    [InlineData("src/Timeline.Api/Timeline.Api.http")]
    [InlineData("src/Timeline.Api/Editing/Editing.http")]
    public async Task EveryRequestOfTheHttpFileAnswersTheStatusItDocuments(string file)
    {
        var (editor, admin) = await KeysAsync();
        var variables = new Dictionary<string, string> { ["base"] = app.BaseUrl, ["api"] = app.BaseUrl, ["editorKey"] = editor, ["adminKey"] = admin };
        var named = new Dictionary<string, (HttpResponseMessage Response, string Body)>();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var text = await File.ReadAllTextAsync(Path.Combine(Repo.Root, file));
        var failures = new List<string>();
        var requests = 0;
        foreach (var line in text.Split('\n').TakeWhile(l => !l.StartsWith("###", StringComparison.Ordinal)))
        {
            if (ExampleSyntax.FileVariable().Match(line) is { Success: true } v) variables.TryAdd(v.Groups[1].Value, v.Groups[2].Value.Trim());
        }
        foreach (var block in text.Split("\n###").Skip(1))
        {
            var lines = block.Split('\n').Skip(1).Select(l => l.TrimEnd('\r')).ToList();
            var expected = lines.Where(l => l.StartsWith("# →", StringComparison.Ordinal)).Select(l => ExampleSyntax.Status().Match(l)).FirstOrDefault();
            Assert.True(expected is not null, $"{file}: a request without its status (# → 200):\n{block}");
            var name = lines.Select(l => ExampleSyntax.NameComment().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value;
            var rest = lines.SkipWhile(l => l.Length == 0 || l.StartsWith('#') || l.StartsWith("//", StringComparison.Ordinal)).ToList();
            var requestLine = Substitute(rest[0], variables, named).Split(' ', 2);
            using var request = new HttpRequestMessage(new HttpMethod(requestLine[0]), requestLine[1].Trim());
            var headers = rest.Skip(1).TakeWhile(l => l.Length > 0).Select(l => Substitute(l, variables, named).Split(':', 2)).ToList();
            var body = string.Join('\n', rest.Skip(1 + headers.Count).SkipWhile(l => l.Length == 0)).Trim();
            if (body.Length > 0)
            {
                request.Content = new StringContent(Substitute(body, variables, named), Encoding.UTF8);
                request.Content.Headers.ContentType = null;
            }
            foreach (var header in headers)
            {
                if (header[0].Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) request.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse(header[1].Trim());
                else request.Headers.TryAddWithoutValidation(header[0], header[1].Trim());
            }

            var response = await client.SendAsync(request);
            var responseBody = await response.Content.ReadAsStringAsync();
            requests++;
            if (name is not null) named[name] = (response, responseBody);
            if ((int)response.StatusCode != int.Parse(expected.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            {
                failures.Add($"{requestLine[0]} {requestLine[1]}: documented {expected.Groups[1].Value}, got {(int)response.StatusCode}: {responseBody[..Math.Min(300, responseBody.Length)]}");
            }
        }
        Assert.True(requests > 0, $"{file} has no request.");
        Assert.True(failures.Count == 0, $"{file}:\n" + string.Join("\n", failures));
    }

    /// <summary>The values the REST clients substitute: file variables and named requests' responses.</summary>
    private static string Substitute(string text, Dictionary<string, string> variables, Dictionary<string, (HttpResponseMessage Response, string Body)> named) =>
        ExampleSyntax.Placeholder().Replace(text, m =>
        {
            var key = m.Groups[1].Value;
            if (variables.TryGetValue(key, out var value)) return value;
            var parts = key.Split('.', 4); // name.response.headers.X | name.response.body.$.path
            var (response, body) = named[parts[0]];
            if (parts[2] == "headers")
            {
                return response.Headers.TryGetValues(parts[3], out var h) ? h.First() : response.Content.Headers.GetValues(parts[3]).First();
            }
            var node = JsonNode.Parse(body);
            foreach (var step in parts[3].TrimStart('$', '.').Split('.')) node = node?[step];
            return node?.ToString() ?? "";
        });

    private async Task<(string Editor, string Admin)> KeysAsync()
    {
        await using var db = NpgsqlDataSource.Create(app.ConnectionString);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        return ((await ApiKeys.CreateAsync(db, "http-editor-" + suffix, Roles.Editor, CancellationToken.None)).Key,
                (await ApiKeys.CreateAsync(db, "http-admin-" + suffix, Roles.Admin, CancellationToken.None)).Key);
    }
}

/// <summary>How the README and the .http files write their examples.</summary>
internal static partial class ExampleSyntax
{
    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    public static partial Regex ShellBlock();

    [GeneratedRegex(@"#\s*→\s*(\d{3})")]
    public static partial Regex Status();

    [GeneratedRegex(@"^@@status (\d{3})$", RegexOptions.Multiline)]
    public static partial Regex StatusLine();

    [GeneratedRegex(@"^@(\w+)\s*=\s*(.*)$")]
    public static partial Regex FileVariable();

    [GeneratedRegex(@"^#\s*@name\s+(\w+)")]
    public static partial Regex NameComment();

    [GeneratedRegex(@"\{\{([^}]+)\}\}")]
    public static partial Regex Placeholder();
}
