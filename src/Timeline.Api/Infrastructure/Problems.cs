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

    /// <summary>True when the exception is a failure of the database (see <see cref="DatabaseFailure"/>), not of the request.</summary>
    public static bool IsDatabaseUnavailable(Exception ex) => DatabaseFailure.Of(ex) is not null;

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
            else if (exception is OperationCanceledException && http.RequestAborted.IsCancellationRequested)
            {
                return true; // the client went away: nobody to answer
            }
            else if (DatabaseFailure.Of(exception) is { } failure)
            {
                log.LogWarning(exception, "Database failure: {Failure}", failure.Title);
                http.Response.Headers.RetryAfter = failure.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                problem = new ProblemDetails { Status = StatusCodes.Status503ServiceUnavailable, Title = failure.Title, Detail = failure.Detail };
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
/// A failure of the database rather than of the request, as the client is told it: every class is a 503
/// with Retry-After (the request was fine; the same request later can succeed), never a 500, and the
/// detail says truthfully whether anything may have been saved.
/// </summary>
internal sealed record DatabaseFailure(string Title, string Detail, int RetryAfterSeconds)
{
    private const string NothingChanged = "Nothing was changed; try again shortly.";

    public static readonly DatabaseFailure Unavailable = new("Database unavailable",
        "The timeline database cannot be reached or is not accepting work right now. " + NothingChanged, 5);

    public static readonly DatabaseFailure TimedOut = new("Database timed out",
        "The database did not finish the request in time (a statement or lock timeout). " + NothingChanged, 5);

    public static readonly DatabaseFailure ReadOnly = new("Database is read-only",
        "The database accepts no writes right now (it is a standby, or a failover is under way). " + NothingChanged, 5);

    public static readonly DatabaseFailure Conflict = new("Concurrent write conflict",
        "Another write to the same data ran at the same time and the database stopped this one (serialization failure or deadlock). " + NothingChanged, 1);

    public static readonly DatabaseFailure InDoubt = new("Write outcome unknown",
        "The connection to the database broke while the change was being committed, so it may have been saved. Send the same request again: a POST with the same Idempotency-Key returns the saved response, or saves it once if it was not; for a PUT, GET the resource first and compare its ETag.", 1);

    /// <summary>The failure this exception means, or null when it is not the database's.</summary>
    public static DatabaseFailure? Of(Exception ex) => ex switch
    {
        CommitInDoubtException => InDoubt,
        PostgresException p => p.SqlState switch
        {
            PostgresErrorCodes.ReadOnlySqlTransaction => ReadOnly,
            PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected => Conflict,
            PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.LockNotAvailable
                or "25P03" /* idle_in_transaction_session_timeout */ => TimedOut,
            // Class 08 connection exceptions, 53 insufficient resources, 57P operator intervention
            // (admin or crash shutdown, cannot connect now), 3D000 the database does not exist (yet).
            _ when p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState.StartsWith("53", StringComparison.Ordinal)
                || p.SqlState.StartsWith("57P", StringComparison.Ordinal) || p.SqlState == PostgresErrorCodes.InvalidCatalogName => Unavailable,
            _ => null,
        },
        NpgsqlException { InnerException: TimeoutException } => TimedOut, // command timeout, or no pooled connection in time
        NpgsqlException { InnerException: SocketException or IOException or EndOfStreamException } => Unavailable,
        // Several hosts, and none of the kind asked for (the primary, for a write) is known to be up.
        NpgsqlException { InnerException: null } n when n is not PostgresException
            && n.Message.StartsWith("No suitable host", StringComparison.Ordinal) => Unavailable,
        NpgsqlException n when n.IsTransient => Unavailable,
        SocketException => Unavailable,
        TimeoutException => TimedOut,
        _ when ex.InnerException is not null => Of(ex.InnerException),
        _ => null,
    };

    /// <summary>
    /// A pooled connection found broken on first use (the server restarted, or a proxy dropped it while
    /// idle): nothing reached the database, so a read may safely run again on a new connection.
    /// </summary>
    public static bool IsBrokenConnection(Exception ex) => ex switch
    {
        PostgresException p => p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown,
        NpgsqlException { InnerException: SocketException or IOException or EndOfStreamException } => true,
        _ when ex.InnerException is not null => IsBrokenConnection(ex.InnerException),
        _ => false,
    };
}

/// <summary>COMMIT was sent and no answer came back: the change may or may not be saved.</summary>
internal sealed class CommitInDoubtException(Exception inner) : Exception("The connection broke during COMMIT.", inner);

internal static class Transactions
{
    /// <summary>
    /// Commits, and never lets a failure of the commit itself pass for "nothing was changed": an ERROR the
    /// server answered means it rolled back (the <see cref="PostgresException"/> goes on as it is); no
    /// answer (the connection broke) or a FATAL (the session was terminated, which can happen just after
    /// the commit was made durable) means nobody knows, which the client is told. Not cancellable: a
    /// client leaving must not interrupt a commit half-way.
    /// </summary>
    public static async Task CommitOrReportAsync(this NpgsqlTransaction tx)
    {
        try
        {
            await tx.CommitAsync(CancellationToken.None);
        }
        catch (NpgsqlException e) when (e is not PostgresException || e is PostgresException { InvariantSeverity: "FATAL" or "PANIC" })
        {
            throw new CommitInDoubtException(e);
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
