using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Timeline.Api.Infrastructure;

/// <summary>Every 4xx and 5xx leaves as application/problem+json (RFC 9457).</summary>
internal static class Problems
{
    public static void AddTimelineProblemDetails(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Instance ??= ctx.HttpContext.Request.Path;
            ctx.ProblemDetails.Extensions.TryAdd("traceId", ctx.HttpContext.TraceIdentifier);
        });
        builder.Services.AddExceptionHandler<TimelineExceptionHandler>();
    }

    /// <summary>True when the exception means PostgreSQL could not be reached or is not accepting work.</summary>
    public static bool IsDatabaseUnavailable(Exception ex) => ex switch
    {
        NpgsqlException { InnerException: SocketException or TimeoutException or IOException } => true,
        NpgsqlException n when n.IsTransient => true,
        PostgresException p => p.SqlState is PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown
            or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.InvalidCatalogName,
        SocketException => true,
        TimeoutException => true,
        _ when ex.InnerException is not null => IsDatabaseUnavailable(ex.InnerException),
        _ => false,
    };

    private sealed class TimelineExceptionHandler(IProblemDetailsService problems, ILogger<TimelineExceptionHandler> log) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
        {
            ProblemDetails problem;
            if (exception is BadHttpRequestException bad)
            {
                problem = new ProblemDetails
                {
                    Status = bad.StatusCode,
                    Title = bad.StatusCode switch
                    {
                        StatusCodes.Status413PayloadTooLarge => "Request body too large",
                        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
                        _ => "Bad request",
                    },
                    Detail = Editing.JsonBodyErrors.Describe(bad.InnerException) is { } json
                        ? $"The body is not valid JSON for this request: {json}"
                        : bad.Message,
                };
            }
            else if (IsDatabaseUnavailable(exception))
            {
                log.LogWarning(exception, "Database unavailable");
                http.Response.Headers.RetryAfter = "5";
                problem = new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "Database unavailable",
                    Detail = "The timeline database cannot be reached right now. Nothing was changed; try again shortly.",
                };
            }
            else if (exception is OperationCanceledException && http.RequestAborted.IsCancellationRequested)
            {
                return true; // the client went away: nobody to answer
            }
            else
            {
                log.LogError(exception, "Unhandled exception");
                problem = new ProblemDetails
                {
                    Status = StatusCodes.Status500InternalServerError,
                    Title = "Internal server error",
                    Detail = "An unexpected error occurred. It has been logged.",
                };
            }

            http.Response.StatusCode = problem.Status!.Value;
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
        }
    }
}
