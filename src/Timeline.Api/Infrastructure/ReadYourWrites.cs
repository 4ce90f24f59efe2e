using Dapper;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Npgsql;
using NpgsqlTypes;

namespace Timeline.Api.Infrastructure;

/// <summary>
/// Read your writes when reads come from standbys. A successful write answers the primary's WAL position
/// after its commit in the <c>Timeline-Read-After</c> header and a cookie of the same name; a read that
/// presents it (header or cookie) is served only by a node that has replayed that position, or by the
/// primary. Readers who wrote nothing are not slowed down; with one host nothing of this runs.
/// </summary>
internal static class ReadYourWrites
{
    public const string Header = "Timeline-Read-After";
    public const string Cookie = "timeline_read_after";

    public static void UseReadYourWrites(this WebApplication app)
    {
        var nodes = app.Services.GetRequiredService<DatabaseNodes>();
        if (!nodes.HasStandbys)
        {
            return;
        }
        app.Use(async (http, next) =>
        {
            if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
            {
                string? presented = http.Request.Headers[Header];
                presented ??= http.Request.Cookies[Cookie];
                if (presented is not null)
                {
                    if (!NpgsqlLogSequenceNumber.TryParse(presented, out var position))
                    {
                        await RefuseAsync(http, presented);
                        return;
                    }
                    http.RequestServices.GetRequiredService<ReadDatabase>().ReadAfter = position;
                }
            }
            else
            {
                http.Response.OnStarting(() => MarkAsync(http, nodes.Primary));
            }
            await next(http);
        });
    }

    /// <summary>Declares the header on a write's successful responses in OpenAPI.</summary>
    public static Task DescribeHeader(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (status.StartsWith('2') && response is OpenApiResponse r)
            {
                r.Headers ??= new Dictionary<string, IOpenApiHeader>();
                r.Headers[Header] = new OpenApiHeader
                {
                    Description = "Sent when the API reads from PostgreSQL standbys: the primary's WAL position after this write. "
                        + $"Send it back on reads (this header, or the `{Cookie}` cookie set with it) and they are served only by a server that has the write.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    Example = JsonValue.Create("0/16B3748"),
                };
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>After a successful write: the position a later read must find replayed.</summary>
    private static async Task MarkAsync(HttpContext http, NpgsqlDataSource primary)
    {
        if (http.Response.StatusCode is < 200 or >= 300)
        {
            return;
        }
        try
        {
            // The insert position, not the flush position: it is past the commit record even before the
            // WAL writer has flushed it (synchronous_commit=off), and a standby gets there once it has.
            await using var conn = await primary.OpenConnectionAsync(http.RequestAborted);
            var text = await conn.ExecuteScalarAsync<string>(
                new CommandDefinition("select pg_current_wal_insert_lsn()::text", cancellationToken: http.RequestAborted)) ?? "";
            http.Response.Headers[Header] = text;
            http.Response.Cookies.Append(Cookie, text, new CookieOptions
            {
                Path = "/", HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, IsEssential = true,
            });
        }
        catch (Exception ex) when (Problems.IsDatabaseUnavailable(ex) || ex is OperationCanceledException)
        {
            // The write is committed: answer it. Without the position the next read may not see it yet.
            http.RequestServices.GetRequiredService<ILogger<DatabaseNodes>>().LogWarning(ex, "No read-after position for a committed write");
        }
    }

    private static Task RefuseAsync(HttpContext http, string presented)
    {
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        return http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = $"{Header} not valid",
                Detail = $"'{(presented.Length > 40 ? presented[..40] + "…" : presented)}' is not a position this API sent. Send back the {Header} value (e.g. '0/16B3748') a write answered, or nothing.",
            },
        }).AsTask();
    }
}
