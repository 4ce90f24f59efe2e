using System.Buffers;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http.Metadata;

namespace Timeline.Api.Infrastructure;

/// <summary>
/// A 200 whose body is JSON that is already written: an event's stored document, a page of stored list
/// items, or JSON that PostgreSQL built. It is sent as it is, without a round trip through objects.
/// <typeparamref name="T"/> is the contract it follows, declared in OpenAPI; tests deserialize bodies into
/// it strictly, so the stored JSON and the declared contract cannot drift apart unnoticed.
/// </summary>
internal sealed class JsonText<T> : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    private readonly byte[] _utf8;
    private readonly int _length;
    private readonly bool _pooled;

    public JsonText(string json) : this(Encoding.UTF8.GetBytes(json))
    {
    }

    /// <summary>UTF-8 JSON as read from the database.</summary>
    public JsonText(byte[] utf8) : this(utf8, utf8.Length, pooled: false)
    {
    }

    private JsonText(byte[] utf8, int length, bool pooled)
    {
        _utf8 = utf8;
        _length = length;
        _pooled = pooled;
    }

    /// <summary>The body as text (tests and the idempotency store read it).</summary>
    public string Json => Encoding.UTF8.GetString(_utf8, 0, _length);

    public int? StatusCode => StatusCodes.Status200OK;

    /// <summary>
    /// <c>prefix</c>, the parts separated by commas, then <c>suffix</c>, in one buffer from the array pool
    /// that goes back to it once sent: a page of stored list items costs no garbage beyond the rows.
    /// </summary>
    public static JsonText<T> Join(ReadOnlySpan<byte> prefix, IReadOnlyList<byte[]> parts, ReadOnlySpan<byte> suffix)
    {
        var length = prefix.Length + suffix.Length + Math.Max(0, parts.Count - 1);
        foreach (var p in parts) length += p.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        var at = 0;
        prefix.CopyTo(buffer);
        at += prefix.Length;
        for (var i = 0; i < parts.Count; i++)
        {
            if (i > 0) buffer[at++] = (byte)',';
            parts[i].CopyTo(buffer, at);
            at += parts[i].Length;
        }
        suffix.CopyTo(buffer.AsSpan(at));
        return new JsonText<T>(buffer, length, pooled: true);
    }

    public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, StatusCodes.Status200OK);

    /// <summary>Writes the JSON as the whole response body with the given status.</summary>
    internal async Task WriteAsync(HttpContext httpContext, int status)
    {
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        httpContext.Response.ContentLength = _length;
        try
        {
            await httpContext.Response.Body.WriteAsync(_utf8.AsMemory(0, _length), httpContext.RequestAborted);
        }
        finally
        {
            if (_pooled) ArrayPool<byte>.Shared.Return(_utf8);
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}
