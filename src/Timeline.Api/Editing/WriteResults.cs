using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;
using Npgsql;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Editing;

/// <summary>
/// A 201 whose body is an already written JSON document, with its Location and ETag; declares T in OpenAPI.
/// <see cref="Saved"/> is the same response as an Idempotency-Key saves it.
/// </summary>
internal sealed class CreatedJsonText<T>(string json, string location, int version) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    public const string ContentType = "application/json; charset=utf-8";

    public string Json { get; } = json;
    public string Location { get; } = location;
    public int? StatusCode => StatusCodes.Status201Created;

    public SavedResponse Saved => new(StatusCodes.Status201Created, ContentType, Location, ETags.Of(version), Json);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.Location = Location;
        httpContext.Response.Headers.ETag = ETags.Of(version);
        return new JsonText<T>(Json).WriteAsync(httpContext, StatusCodes.Status201Created);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status201Created, typeof(T), ["application/json"]));
}

/// <summary>
/// A write refused for a reason the request could not show by itself: the id is taken (409), a
/// referenced actor, source or event does not exist (422), the version moved on (412). The handler
/// turns it into a problem; the transaction it was thrown in rolls back, so nothing was written.
/// </summary>
internal sealed class WriteRejectedException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;

    public ProblemHttpResult ToProblem() => TypedResults.Problem(statusCode: Status, title: Title, detail: Message);

    public static WriteRejectedException NotFound(string what, string id, string list) =>
        new(StatusCodes.Status404NotFound, $"{what} not found", $"There is no {what.ToLowerInvariant()} with id '{id}'; list them at {list}.");

    public static WriteRejectedException Stale(string id, int current) =>
        new(StatusCodes.Status412PreconditionFailed, "The resource changed since you read it",
            $"'{id}' is at version {current.ToString(CultureInfo.InvariantCulture)} (ETag \"{current.ToString(CultureInfo.InvariantCulture)}\"), not the version in If-Match. GET it again, re-apply your change to the current version and send that ETag.");

    public static WriteRejectedException Unknown(string what, IEnumerable<string> ids, string list) =>
        new(StatusCodes.Status422UnprocessableEntity, $"Unknown {what}",
            $"No {what} with id {Vocabulary.List(ids)} exists; see {list}.");

    /// <summary>A constraint the validators did not foresee: a 409 or 422 that names it, never a 500.</summary>
    public static WriteRejectedException? FromDatabase(PostgresException e) => e.SqlState switch
    {
        PostgresErrorCodes.UniqueViolation => new(StatusCodes.Status409Conflict, "Conflicts with existing data",
            $"The write would duplicate existing data ({e.ConstraintName ?? e.TableName}). Nothing was changed."),
        PostgresErrorCodes.ForeignKeyViolation => new(StatusCodes.Status422UnprocessableEntity, "Refers to something that does not exist",
            $"The write refers to a record that does not exist ({e.ConstraintName}). Nothing was changed."),
        PostgresErrorCodes.CheckViolation or PostgresErrorCodes.NotNullViolation => new(StatusCodes.Status422UnprocessableEntity, "Breaks a data rule",
            $"The write breaks the rule '{e.ConstraintName ?? e.ColumnName}' of the table '{e.TableName}'. Nothing was changed."),
        _ when e.SqlState.StartsWith("22", StringComparison.Ordinal) => new(StatusCodes.Status422UnprocessableEntity, "Value not accepted",
            $"The database refused a value: {e.MessageText}. Nothing was changed."),
        _ => null,
    };
}

/// <summary>The If-Match precondition of revisions and retractions: the event's ETag is <c>"&lt;version&gt;"</c>.</summary>
internal static class Preconditions
{
    /// <summary>
    /// The versions named by If-Match, or a problem: 428 when the header is missing or is <c>*</c>
    /// (which would not protect against lost updates). Weak or malformed tags match no version (412).
    /// </summary>
    public static bool TryGetExpectedVersions(HttpRequest request, string id, out int[] versions, out WriteRejectedException? problem)
    {
        versions = [];
        problem = null;
        var header = request.Headers.IfMatch;
        if (header.Count == 0 || header.All(string.IsNullOrWhiteSpace))
        {
            problem = new WriteRejectedException(StatusCodes.Status428PreconditionRequired, "If-Match required",
                $"Send the ETag you last read, e.g. 'If-Match: \"3\"' (GET /v1/events/{id} answers it), so that a change made by someone else in between is not overwritten.");
            return false;
        }
        if (!EntityTagHeaderValue.TryParseList(header, out var tags))
        {
            versions = [];
            return true;
        }
        if (tags.Any(t => t.Equals(EntityTagHeaderValue.Any)))
        {
            problem = new WriteRejectedException(StatusCodes.Status428PreconditionRequired, "If-Match must name a version",
                "'If-Match: *' would overwrite whatever is there now. Send the ETag you last read, e.g. 'If-Match: \"3\"'.");
            return false;
        }
        versions = [.. tags.Where(t => !t.IsWeak)
            .Select(t => int.TryParse(t.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0)
            .Where(v => v > 0)];
        return true;
    }

    public static void SetETag(this HttpResponse response, int version) => response.Headers.ETag = ETags.Of(version);
}

/// <summary>A resource's ETag is its version in quotes: <c>"3"</c>.</summary>
internal static class ETags
{
    public static string Of(int version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";
}
