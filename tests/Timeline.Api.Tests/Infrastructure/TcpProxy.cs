using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Timeline.Api.Tests.Infrastructure;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of PostgreSQL, for faults a real network has: <see cref="CutAll"/>
/// resets every connection through it at once (the app sees a broken connection, the server a client
/// that vanished), while new connections still go through.
/// </summary>
public sealed class TcpProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly ConcurrentDictionary<int, (TcpClient Client, TcpClient Server)> _pairs = new();
    private readonly CancellationTokenSource _stop = new();
    private int _next;

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Resets (RST) every connection now open through the proxy.</summary>
    public int CutAll()
    {
        var cut = 0;
        foreach (var id in _pairs.Keys)
        {
            if (_pairs.TryRemove(id, out var pair))
            {
                Reset(pair.Client);
                Reset(pair.Server);
                cut++;
            }
        }
        return cut;
    }

    private static void Reset(TcpClient c)
    {
        try
        {
            c.Client.LingerState = new LingerOption(true, 0);
            c.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var server = new TcpClient();
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                Reset(client);
                server.Dispose();
                continue;
            }
            var id = Interlocked.Increment(ref _next);
            _pairs[id] = (client, server);
            _ = PumpAsync(id, client, server);
            _ = PumpAsync(id, server, client);
        }
    }

    private async Task PumpAsync(int id, TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), _stop.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
        }
        if (_pairs.TryRemove(id, out var pair))
        {
            pair.Client.Dispose();
            pair.Server.Dispose();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        CutAll();
        _stop.Dispose();
    }
}
