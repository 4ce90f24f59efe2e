using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http.Metadata;

namespace Timeline.Api.Infrastructure;

/// <summary>
/// A 200 whose body is JSON that PostgreSQL already built (see db/migrations/0002_event_documents.sql and 0006):
/// it is written as it is, without a round trip through objects. <typeparamref name="T"/> is the
/// contract it follows, declared in OpenAPI; tests deserialize bodies into it strictly, so the SQL
/// and the declared contract cannot drift apart unnoticed.
/// </summary>
internal sealed class JsonText<T>(string json) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    public string Json { get; } = json;

    public int? StatusCode => StatusCodes.Status200OK;

    public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, StatusCodes.Status200OK, Json);

    /// <summary>Writes JSON text as the whole response body with the given status.</summary>
    internal static Task WriteAsync(HttpContext httpContext, int status, string json)
    {
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        var bytes = Encoding.UTF8.GetBytes(json);
        httpContext.Response.ContentLength = bytes.Length;
        return httpContext.Response.Body.WriteAsync(bytes, httpContext.RequestAborted).AsTask();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}
