using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace Timeline.Api.Infrastructure;

/// <summary>
/// Kestrel refuses a request line whose query holds raw (not percent-encoded) non-ASCII bytes, such as
/// `?q=Przewodów` typed into curl, with an empty 400 before any middleware runs. Browsers and HTTP
/// libraries percent-encode; curl and hand-written requests send what they are given. This connection
/// middleware percent-encodes the raw bytes of a connection's first request line (UTF-8, as a browser
/// would), so such a request is served as if it had been encoded. Only the first line is touched: finding
/// later request lines would mean parsing message bodies, so a later request with raw bytes on the same
/// kept-alive connection still gets Kestrel's 400. A connection whose first line is plain ASCII (every
/// ordinary client) is handed on untouched.
/// </summary>
internal static class RawRequestTarget
{
    /// <summary>Kestrel's default limit for a request line; a longer one is left for Kestrel to refuse.</summary>
    private const int MaxLine = 8 * 1024;

    public static void AcceptRawNonAsciiQueries(this WebApplicationBuilder builder) =>
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(l => l.Use(next => connection => EncodeFirstLineAsync(connection, next))));

    private static async Task EncodeFirstLineAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var input = connection.Transport.Input;
        ReadResult read;
        SequencePosition? end;
        while (true)
        {
            try
            {
                read = await input.ReadAsync(connection.ConnectionClosed);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ConnectionResetException)
            {
                return; // the client left (closed or reset) before it finished its first line: nothing to serve
            }
            end = read.Buffer.PositionOf((byte)'\n');
            if (end is not null || read.IsCompleted || read.Buffer.Length > MaxLine) break;
            input.AdvanceTo(read.Buffer.Start, read.Buffer.End); // wait for the rest of the line
        }
        var line = end is { } eol ? read.Buffer.Slice(0, eol) : ReadOnlySequence<byte>.Empty;
        if (line.IsEmpty || !HasRawBytes(line))
        {
            input.AdvanceTo(read.Buffer.Start); // nothing consumed: Kestrel reads it all as it came
            await next(connection);
            return;
        }

        var encoded = new Pipe();
        Encode(line, encoded.Writer);
        await encoded.Writer.FlushAsync();
        input.AdvanceTo(line.End);
        _ = CopyRestAsync(input, encoded.Writer);
        connection.Transport = new DuplexPipe(encoded.Reader, connection.Transport.Output);
        await next(connection);
    }

    private static bool HasRawBytes(ReadOnlySequence<byte> line)
    {
        foreach (var segment in line)
        {
            if (segment.Span.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0) return true;
        }
        return false;
    }

    private static void Encode(ReadOnlySequence<byte> line, PipeWriter writer)
    {
        foreach (var segment in line)
        {
            foreach (var b in segment.Span)
            {
                if (b < 0x80)
                {
                    writer.Write([b]);
                }
                else
                {
                    writer.Write([(byte)'%', (byte)"0123456789ABCDEF"[b >> 4], (byte)"0123456789ABCDEF"[b & 0xF]]);
                }
            }
        }
    }

    private static async Task CopyRestAsync(PipeReader from, PipeWriter to)
    {
        try
        {
            await from.CopyToAsync(to);
            await to.CompleteAsync();
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or OperationCanceledException or InvalidOperationException)
        {
            await to.CompleteAsync(ex);
        }
        await from.CompleteAsync();
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
