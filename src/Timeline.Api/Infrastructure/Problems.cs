using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
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
        // Several hosts: none of the kind asked for (the primary, for a write) answers, or is known to be up.
        NpgsqlException { InnerException: AggregateException all } => all.InnerExceptions.Any(IsDatabaseUnavailable),
        NpgsqlException { InnerException: null } n when n is not PostgresException && n.Message.StartsWith("No suitable host", StringComparison.Ordinal) => true,
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
            if (exception is BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } unbound
                && BindingFailure.Explain(unbound.Message) is { } explained)
            {
                problem = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [explained.Parameter] = [explained.Detail] })
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "The request is not valid",
                    Detail = explained.Detail,
                };
            }
            else if (exception is BadHttpRequestException bad)
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

/// <summary>
/// Rewrites the framework's binding failures ("Failed to bind parameter \"Nullable&lt;DateOnly&gt; From\" from
/// \"2025-02-30\".") into what a user of the API needs: which query parameter, what shape it takes, an example.
/// </summary>
internal static partial class BindingFailure
{
    public static (string Parameter, string Detail)? Explain(string message)
    {
        var match = FailedToBind().Match(message);
        if (!match.Success)
        {
            return null;
        }
        var type = match.Groups["type"].Value;
        if (type.StartsWith("Nullable<", StringComparison.Ordinal))
        {
            type = type["Nullable<".Length..^1];
        }
        // Query parameter names are the camel-cased property names (see the [AsParameters] records).
        var name = match.Groups["name"].Value;
        name = char.ToLower(name[0], CultureInfo.InvariantCulture) + name[1..];
        var value = match.Groups["value"].Value;
        value = value.Length > 60 ? value[..60] + "…" : value;
        var detail = type switch
        {
            "DateOnly" => $"'{name}' must be a calendar date written YYYY-MM-DD, e.g. 2022-11-15; '{value}' is not a valid date.",
            "int" or "long" or "short" or "Int32" or "Int64" or "Int16" => $"'{name}' must be a whole number; '{value}' is not.",
            "DateTimeOffset" or "DateTime" => $"'{name}' must be an ISO 8601 date and time with its offset, e.g. 2025-01-01T00:00:00Z; '{value}' is not.",
            "bool" or "Boolean" => $"'{name}' must be true or false; '{value}' is not.",
            _ => $"'{name}' cannot be read from '{value}'.",
        };
        return (name, detail);
    }

    [GeneratedRegex("""^Failed to bind parameter "(?<type>\S+) (?<name>\w+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex FailedToBind();
}
