using System.Net;
using System.Net.Sockets;

namespace Timeline.Api.Tests.Infrastructure;

internal static class Ports
{
    /// <summary>A port on 127.0.0.1 the OS just handed out and that nothing listens on any more.</summary>
    public static int Free()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
