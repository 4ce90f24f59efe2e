using System.Globalization;
using System.Data;
using System.Reflection;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Npgsql;
using Timeline.Api.Events;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Exports;

/// <summary>
/// The streamed export: rows come from an NpgsqlDataReader in sequential access and go straight into the
/// response's PipeWriter, which is flushed to the socket every <see cref="FlushThreshold"/> bytes; a
/// flush waits while the client is slower than us, so memory stays flat however many events match.
///
/// Failures: until the first byte is sent (the connection, the query's start) an exception reaches the
/// exception handler, so a database outage is a 503 problem. After it the status line is gone; the
/// export then aborts the connection, so the client sees a truncated response (no final chunk) instead
/// of a body that looks complete. A client that goes away cancels the query on the server.
/// </summary>
internal sealed class TimelineExport(EventFilter filter, ExportFormat format, TimelineJsGroups groups, ReadDatabase db, TimeProvider clock, ILogger log)
    : IResult, IEndpointMetadataProvider
{
    public const int FlushThreshold = 32 * 1024;
    public const string Title = "Timeline of escalation events: the war in Ukraine and the Russia–NATO confrontation";

    // Each row's stored document goes out as it is (JSON, NDJSON, GeoJSON) or is read by the writer
    // of the formats that rearrange it (CSV, TimelineJS, iCalendar).
    private const string Sql = "select e.document_json, e.slug, e.longitude, e.latitude from events e where true";

    public async Task ExecuteAsync(HttpContext http)
    {
        // Bounded: an export streams for ExportMaxSeconds at most, and a client reading slower than
        // ExportMinBytesPerSecond (after a grace period) is disconnected, so a slow reader cannot hold a
        // connection and a snapshot for hours.
        var limits = http.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        deadline.CancelAfter(TimeSpan.FromSeconds(limits.ExportMaxSeconds));
        var ct = deadline.Token;
        if (http.Features.Get<IHttpMinResponseDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = new MinDataRate(limits.ExportMinBytesPerSecond, TimeSpan.FromSeconds(limits.ExportMinRateGraceSeconds));
        }
        var (sql, args) = BuildQuery();

        var conn = await db.ConnectionAsync(ct);
        // One snapshot for the version stamp and the rows, so the stamp says exactly what was exported.
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        // JIT would compile at the first row, delaying the first byte, for a query that only reads rows.
        // enable_sort off: the rows must leave in date order as they are read (the date index), not after
        // the whole table was sorted, which the planner would pick as cheaper in total (a first byte after
        // seconds at 1M events).
        // The app's statement timeout is for requests; an export's one statement runs as long as it streams.
        var version = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
            $"set local jit = off; set local enable_sort = off; set local statement_timeout = '{limits.ExportMaxSeconds + 5}s'; select version from dataset_version",
            transaction: tx, cancellationToken: ct));

        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = format.ContentType;
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue(format.Inline ? "inline" : "attachment")
        {
            FileName = FileName(filter, format),
        }.ToString();
        if (HttpMethods.IsHead(http.Request.Method))
        {
            return; // the headers are the answer: no rows to read for a body nobody receives
        }

        await using var cmd = args.ToCommand(sql, conn, tx);
        await using var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);

        var header = new ExportHeader(Title, clock.GetUtcNow(), TimelineFilters.Of(filter), version,
            $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}");
        var writer = ExportWriter.For(format, response.BodyWriter, groups);
        var finished = false;
        try
        {
            writer.Start(header);
            if (!await FlushAsync(response, writer, ct)) return;

            var count = 0;
            while (await reader.ReadAsync(ct))
            {
                var row = new ExportRow(
                    reader.GetFieldValue<byte[]>(0),
                    reader.GetString(1),
                    await reader.IsDBNullAsync(2, ct) ? null : reader.GetDouble(2),
                    await reader.IsDBNullAsync(3, ct) ? null : reader.GetDouble(3));
                writer.Event(row);
                count++;
                if (writer.Unflushed >= FlushThreshold && !await FlushAsync(response, writer, ct)) return;
            }
            writer.End(count);
            finished = await FlushAsync(response, writer, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away (the finally block stops the query), or the export ran out of time:
            // then the connection is aborted, so the cut-off download never looks complete.
            if (!http.RequestAborted.IsCancellationRequested)
            {
                log.LogWarning("Timeline export ({Format}) stopped after {Seconds} s (Timeline:Limits:ExportMaxSeconds); aborting the connection", format.Name, limits.ExportMaxSeconds);
                http.Abort();
            }
        }
        catch (Exception ex) when (response.HasStarted)
        {
            log.LogWarning(ex, "Timeline export ({Format}) failed after the response had started; aborting the connection", format.Name);
            http.Abort();
        }
        finally
        {
            if (!finished)
            {
                // Otherwise disposing the reader would read the remaining rows to the end.
                try { cmd.Cancel(); } catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException) { }
            }
        }
    }

    /// <summary>Hands what the writer produced to the socket; false when the client is gone.</summary>
    private static async ValueTask<bool> FlushAsync(HttpResponse response, ExportWriter writer, CancellationToken ct)
    {
        var result = await response.BodyWriter.FlushAsync(ct);
        writer.MarkFlushed();
        return !result.IsCanceled && !result.IsCompleted;
    }

    private (string Sql, DynamicParameters Args) BuildQuery()
    {
        var sql = new StringBuilder(Sql);
        var args = new DynamicParameters();
        filter.AppendPredicates(sql, args);
        if (format == ExportFormat.GeoJson)
        {
            sql.Append(" and e.latitude is not null");
        }
        return (sql.Append(" order by e.occurred_on, e.id").ToString(), args);
    }

    /// <summary>timeline.csv, timeline-2025-08-01-to-2025-08-31.ics, timeline-from-2024-01-01.geojson …</summary>
    internal static string FileName(EventFilter filter, ExportFormat format)
    {
        var name = new StringBuilder("timeline");
        if (filter.From is { } from && filter.To is { } to) name.Append(CultureInfo.InvariantCulture, $"-{from:yyyy-MM-dd}-to-{to:yyyy-MM-dd}");
        else if (filter.From is { } f) name.Append(CultureInfo.InvariantCulture, $"-from-{f:yyyy-MM-dd}");
        else if (filter.To is { } t) name.Append(CultureInfo.InvariantCulture, $"-to-{t:yyyy-MM-dd}");
        return name.Append('.').Append(format.Extension).ToString();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(TimelineDocument),
            [.. ExportFormat.All.Select(f => f.MediaType).Distinct()]));
}
