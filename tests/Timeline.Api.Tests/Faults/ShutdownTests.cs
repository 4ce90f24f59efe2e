using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Timeline.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Timeline.Api.Tests.Faults;

/// <summary>
/// The API as a process of its own (the published entry point, `dotnet Timeline.Api.dll`, production
/// settings and logs), so that it can be sent a real SIGTERM and its production log read.
/// </summary>
public sealed class ShutdownTests(ITestOutputHelper output) : IAsyncLifetime
{
    private string _database = "";

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.Shared.CreateAsync();
        await using var conn = new Npgsql.NpgsqlConnection(TestDatabase.Shared.ConnectionStringFor(_database));
        await conn.OpenAsync();
        await BigData.InflateAsync(conn, copies: 40);
    }

    public Task DisposeAsync() => TestDatabase.Shared.DropAsync(_database);

    [Fact]
    public Task OnSigtermReadinessSays503AtOnce_RequestsAreServedThroughTheDrain_AndAnExportInFlightFinishes() =>
        WithApiAsync(async (api, port, client, stdout) =>
        {
            // An export in flight: its headers and first bytes read, the rest not yet.
            using var export = await client.GetAsync("/v1/timeline?format=ndjson", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            var body = await export.Content.ReadAsStreamAsync();
            var first = new byte[64 * 1024];
            await body.ReadExactlyAsync(first);

            var clock = Stopwatch.StartNew();
            await FaultServer.RunAsync("kill", "-TERM", api.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

            // Readiness turns 503 at once, while the instance still serves everything else through the drain.
            HttpResponseMessage ready;
            while (true)
            {
                ready = await client.GetAsync("/health/ready");
                if (ready.StatusCode == HttpStatusCode.ServiceUnavailable) break;
                ready.Dispose();
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), "Readiness still answered 200 at the end of the drain.");
            }
            var readyAfter = clock.Elapsed;
            Assert.Equal("stopping", (string?)JsonNode.Parse(await ready.Content.ReadAsStringAsync())!["readiness"]);
            ready.Dispose();
            using (var during = await client.GetAsync("/v1/events/2022-11-15-przewodow-missile"))
            {
                Assert.Equal(HttpStatusCode.OK, during.StatusCode);
            }

            // Wait out the drain (the server then stops accepting), then read the rest of the export: it is whole.
            await Task.Delay(TimeSpan.FromSeconds(4));
            Assert.False(api.HasExited, "The API stopped before the export in flight was read.");
            using var rest = new StreamReader(body);
            var text = System.Text.Encoding.UTF8.GetString(first) + await rest.ReadToEndAsync();
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.All(lines, l => JsonDocument.Parse(l).Dispose());
            await using (var conn = new Npgsql.NpgsqlConnection(TestDatabase.Shared.ConnectionStringFor(_database)))
            {
                await conn.OpenAsync();
                await using var count = new Npgsql.NpgsqlCommand("select count(*) from events where status = 'published'", conn);
                Assert.Equal((long)(await count.ExecuteScalarAsync())!, lines.Length);
            }
            var exportDone = clock.Elapsed;

            await api.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, api.ExitCode);
            output.WriteLine($"SIGTERM: readiness 503 after {readyAfter.TotalMilliseconds:0} ms; reads 200 during the 3 s drain; the export in flight finished whole ({lines.Length} events) at {exportDone.TotalSeconds:0.0} s; exit code 0 at {clock.Elapsed.TotalSeconds:0.0} s");

            // Production logs are JSON, one object a line.
            lock (stdout)
            {
                Assert.NotEmpty(stdout);
                Assert.All(stdout, line => Assert.NotNull(JsonNode.Parse(line)!["LogLevel"]));
                Assert.Contains(stdout, line => line.Contains("readiness answers 503", StringComparison.Ordinal));
            }
        });

    // A load generator's connections when it stops, a port scanner, a health checker that only connects:
    // none of them is an error of the server's, so none may put an Error line in the production log.
    [Fact]
    public Task ClientsThatLeaveBeforeFinishingTheirFirstRequestLineLeaveNoErrorInTheLog() =>
        WithApiAsync(async (api, port, client, stdout) =>
        {
            // Closing (FIN) or resetting (RST, as a killed process's connections are), at once or after a
            // pause, before a byte or halfway through the request line.
            foreach (var sent in new[] { "", "GET /v1/eve" })
            {
                foreach (var reset in new[] { false, true })
                {
                    foreach (var pause in new[] { 0, 200 })
                    {
                        using var tcp = new System.Net.Sockets.TcpClient();
                        await tcp.ConnectAsync("127.0.0.1", port);
                        if (sent.Length > 0) await tcp.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes(sent));
                        await Task.Delay(pause);
                        if (reset) tcp.Client.LingerState = new System.Net.Sockets.LingerOption(true, 0);
                    }
                }
            }
            using (var after = await client.GetAsync("/v1/kinds"))
            {
                Assert.Equal(HttpStatusCode.OK, after.StatusCode);
            }
            await Task.Delay(500);

            lock (stdout)
            {
                var errors = stdout.Where(line => (string?)JsonNode.Parse(line)!["LogLevel"] is "Error" or "Critical").ToList();
                Assert.True(errors.Count == 0, $"{errors.Count} error lines, the first: {errors.FirstOrDefault()}");
            }
        });

    /// <summary>
    /// Runs `dotnet Timeline.Api.dll` on this class's database and a free port, in production settings, and
    /// the test once it is ready: with the process, its port, a client and its stdout lines so far. Kills it
    /// if it is still running afterwards, and shows its stderr.
    /// </summary>
    private async Task WithApiAsync(Func<Process, int, HttpClient, List<string>, Task> test)
    {
        var port = Ports.Free();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Timeline.Api.dll"));
        start.Environment["ConnectionStrings__Timeline"] = TestDatabase.Shared.ConnectionStringFor(_database);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Timeline__Shutdown__DrainSeconds"] = "3";
        start.Environment["Timeline__MigrateOnStart"] = "false";
        using var api = Process.Start(start)!;
        var stdout = new List<string>();
        api.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.Add(e.Data); };
        api.BeginOutputReadLine();
        var stderr = api.StandardError.ReadToEndAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            await UntilReadyAsync(client, api);
            await test(api, port, client, stdout);
        }
        finally
        {
            if (!api.HasExited) api.Kill(entireProcessTree: true);
            output.WriteLine(await stderr);
        }
    }

    private static async Task UntilReadyAsync(HttpClient client, Process api)
    {
        for (var i = 0; i < 600; i++)
        {
            Assert.False(api.HasExited, "The API exited at start-up.");
            try
            {
                using var ready = await client.GetAsync("/health/ready");
                if (ready.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The API never became ready.");
    }

}
