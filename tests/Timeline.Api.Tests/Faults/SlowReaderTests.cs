using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Timeline.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Timeline.Api.Tests.Faults;

/// <summary>
/// The API on a real port (Kestrel: the minimum data rate is Kestrel's) with a pool of 10 connections,
/// 2 export slots, and about 5,000 events, so that an export is far bigger than what socket buffers hold.
/// </summary>
public sealed class BigExportApp : TimelineApp
{
    public string BaseUrl { get; private set; } = "";

    public int Port => new Uri(BaseUrl).Port;

    public long PublishedEvents { get; private set; }

    protected override string TestConnectionString => ConnectionString + ";Maximum Pool Size=10";

    protected override IEnumerable<(string Name, string Value)> Settings =>
    [
        ("Timeline:Limits:ConcurrentExports", "2"),
        ("Timeline:Limits:ExportMinBytesPerSecond", "16384"),
        ("Timeline:Limits:ExportMinRateGraceSeconds", "2"),
        ("Timeline:Limits:ExportMaxSeconds", "6"),
    ];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using (var conn = await OpenDatabaseAsync())
        {
            PublishedEvents = await BigData.InflateAsync(conn, copies: 40);
        }
        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).GetLeftPart(UriPartial.Authority);
    }
}

internal static class BigData
{
    /// <summary>Adds copies of every published event (ids suffixed "-copy-N", stored JSON as it is); returns how many are published then.</summary>
    public static async Task<long> InflateAsync(Npgsql.NpgsqlConnection conn, int copies)
    {
        await conn.ExecuteAsync("""
            insert into events (slug, title, summary, kind, occurred_on, occurred_until, date_precision, approximate, place_name, country_code,
                                latitude, longitude, tags, escalation_level, escalation_rationale, item_json, document_json)
            select e.slug || '-copy-' || g, e.title, e.summary, e.kind, e.occurred_on, e.occurred_until, e.date_precision, e.approximate,
                   e.place_name, e.country_code, e.latitude, e.longitude, e.tags, e.escalation_level, e.escalation_rationale, e.item_json, e.document_json
            from events e cross join generate_series(1, @copies) g
            where e.status = 'published'
            """, new { copies }, commandTimeout: 120);
        return await conn.ExecuteScalarAsync<long>("select count(*) from events where status = 'published'");
    }
}

/// <summary>
/// An HTTP/1.1 client on a raw socket with a small receive buffer, that reads as slowly as it is told:
/// the slow reader of a slow network, or a hostile one.
/// </summary>
internal sealed class SlowReader : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
    private readonly byte[] _tail = new byte[5];
    private int _tailLength;

    public string Head { get; private set; } = "";
    public long BodyBytes { get; private set; }

    public static async Task<SlowReader> OpenAsync(int port, string path)
    {
        var reader = new SlowReader();
        await reader._socket.ConnectAsync(IPAddress.Loopback, port);
        await reader._socket.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"));
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await reader._socket.ReceiveAsync(one) == 1)
        {
            head.Append((char)one[0]);
        }
        reader.Head = head.ToString();
        return reader;
    }

    public int Status => Head.Length > 12 ? int.Parse(Head.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture) : 0;

    /// <summary>Reads about bytesPerSecond until the server closes or resets the connection (or the time is up).</summary>
    public async Task<(bool ClosedByServer, bool Complete, TimeSpan After)> TrickleAsync(int bytesPerSecond, TimeSpan atMost)
    {
        var clock = Stopwatch.StartNew();
        var buffer = new byte[Math.Max(1, bytesPerSecond / 4)];
        while (clock.Elapsed < atMost)
        {
            int n;
            try
            {
                n = await _socket.ReceiveAsync(buffer);
            }
            catch (SocketException)
            {
                return (true, false, clock.Elapsed); // reset
            }
            if (n == 0)
            {
                return (true, EndsWithLastChunk(), clock.Elapsed);
            }
            Remember(buffer.AsSpan(0, n));
            await Task.Delay(250);
        }
        return (false, false, clock.Elapsed);
    }

    private void Remember(ReadOnlySpan<byte> data)
    {
        BodyBytes += data.Length;
        var all = new byte[_tailLength + data.Length];
        _tail.AsSpan(0, _tailLength).CopyTo(all);
        data.CopyTo(all.AsSpan(_tailLength));
        _tailLength = Math.Min(5, all.Length);
        all.AsSpan(all.Length - _tailLength).CopyTo(_tail);
    }

    /// <summary>A chunked body that ended properly ends with the zero-length chunk.</summary>
    private bool EndsWithLastChunk() => _tailLength == 5 && Encoding.ASCII.GetString(_tail) == "0\r\n\r\n";

    public void Dispose() => _socket.Dispose();
}

/// <summary>
/// Slow readers hold an export slot at most, never the pool, and not for long. (Kestrel's minimum data
/// rate also applies, but what the socket buffers take at the start earns a slow reader minutes of
/// credit, so the maximum duration is what this test meets.)
/// </summary>
public sealed class SlowReaderTests(BigExportApp app, ITestOutputHelper output) : IClassFixture<BigExportApp>
{
    [Fact]
    public async Task TwelveSlowReadersGetTwoExportSlotsAnd503s_OtherRequestsStayServed_AndTheSlowOnesAreCutOff()
    {
        var readers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => SlowReader.OpenAsync(app.Port, "/v1/timeline?format=ndjson")));
        try
        {
            var streaming = readers.Where(r => r.Status == 200).ToList();
            var busy = readers.Where(r => r.Status == 503).ToList();
            Assert.Equal(2, streaming.Count);
            Assert.Equal(10, busy.Count);
            Assert.All(busy, r => Assert.Contains("Retry-After: 10", r.Head, StringComparison.Ordinal));

            // While the two slow downloads hold their connections, everything else is served.
            using var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
            var urls = new[] { "/v1/events", "/v1/events/2022-11-15-przewodow-missile", "/v1/kinds", "/health/ready", "/v1/events?q=missile" };
            var clock = Stopwatch.StartNew();
            var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
            {
                var started = clock.Elapsed;
                using var response = await client.GetAsync(urls[i % urls.Length]);
                return (response.StatusCode, Took: clock.Elapsed - started);
            }));
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
            output.WriteLine($"40 other requests during 2 slow exports: all 200, slowest {answers.Max(a => a.Took).TotalMilliseconds:0} ms");

            // Reading 2 KB/s, they cannot finish within the export's 6 s: the server aborts them, so they cannot look complete.
            var trickles = await Task.WhenAll(streaming.Select(r => r.TrickleAsync(2048, TimeSpan.FromSeconds(60))));
            Assert.All(trickles, t => Assert.True(t.ClosedByServer && !t.Complete, $"closed by server: {t.ClosedByServer}, complete: {t.Complete}"));
            output.WriteLine($"Slow readers (2 KB/s) disconnected after {string.Join(", ", trickles.Select(t => $"{t.After.TotalSeconds:0.0} s"))}, incomplete");
        }
        finally
        {
            foreach (var r in readers) r.Dispose();
        }

        // The slots are free again: a reader at full speed gets the whole export.
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var body = await http.GetStringAsync("/v1/timeline?format=ndjson");
        Assert.Equal(app.PublishedEvents, body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        output.WriteLine($"Full export afterwards: {app.PublishedEvents} events, {body.Length / 1024 / 1024} MB");
    }
}
