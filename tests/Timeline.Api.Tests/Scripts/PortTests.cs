using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Scripts;

/// <summary>
/// ./run.sh and ./test.sh on a machine where their default port is taken: they stop at once with a message
/// that names the variable to set and a free port, rather than hanging or failing later (scripts/ports.sh).
/// </summary>
public sealed class PortTests
{
    [Theory]
    [InlineData("PostgreSQL for ./test.sh", "TIMELINE_TEST_PG_PORT=%s ./test.sh", "TIMELINE_TEST_PG_PORT=")]
    [InlineData("PostgreSQL for ./run.sh", "TIMELINE_PG_PORT=%s ./run.sh", "TIMELINE_PG_PORT=")]
    [InlineData("the API", "ASPNETCORE_URLS=http://127.0.0.1:%s ./run.sh", "ASPNETCORE_URLS=http://127.0.0.1:")]
    public async Task ATakenPortStopsTheScriptWithTheVariableToSet(string what, string hint, string variable)
    {
        using var taken = Listen(out var port);

        var (exit, stdout, stderr) = await Tool.RunAsync("/bin/bash", Repo.Root,
            ["-c", $". scripts/ports.sh; require_free_port {port} '{what}' '{hint}'; echo went on"]);

        Assert.Equal(1, exit);
        Assert.DoesNotContain("went on", stdout, StringComparison.Ordinal);
        Assert.Contains($"Port {port} ({what}) is already in use by another program. Choose another: {variable}", stderr, StringComparison.Ordinal);
        var suggested = int.Parse(stderr.Split(variable)[1].TakeWhile(char.IsAsciiDigit).ToArray(), CultureInfo.InvariantCulture);
        Assert.True(suggested > port, stderr);
    }

    [Fact]
    public async Task AFreePortLetsTheScriptGoOn()
    {
        int port;
        using (Listen(out port)) { } // a port that was just free

        var (exit, stdout, _) = await Tool.RunAsync("/bin/bash", Repo.Root, ["-c", $". scripts/ports.sh; require_free_port {port} 'the API' '%s'; echo went on"]);

        Assert.Equal(0, exit);
        Assert.Equal("went on", stdout.Trim());
    }

    [Fact]
    public async Task PostgresOnATakenPortStopsBeforeCreatingAnything()
    {
        using var taken = Listen(out var port);
        var name = "porttest-" + Guid.NewGuid().ToString("N")[..8];

        var (exit, _, stderr) = await Tool.RunAsync("/bin/bash", Repo.Root, ["scripts/postgres.sh", "start", name, port.ToString(CultureInfo.InvariantCulture)]);

        Assert.Equal(1, exit);
        Assert.Contains($"Port {port} (PostgreSQL) is already in use", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Repo.Root, ".pg", name)));
    }

    private static TcpListener Listen(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }
}
