using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Timeline.Api.Auth;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Editing;

/// <summary>What the write routes add to the host: their OpenAPI, their 415 detail, their body limit.</summary>
internal static class EditingSetup
{
    /// <summary>The largest request body a write accepts.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public static void AddTimelineEditing(this WebApplicationBuilder builder)
    {
        builder.AddEditingOpenApi();
        // Routing answers a body of another media type itself (415, before any middleware of ours sees the
        // route), through the status-code pages: give that problem a detail that says what to send.
        builder.Services.Configure<ProblemDetailsOptions>(o =>
        {
            var customize = o.CustomizeProblemDetails;
            o.CustomizeProblemDetails = ctx =>
            {
                customize?.Invoke(ctx);
                if (ctx.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType && ctx.ProblemDetails.Detail is null)
                {
                    ctx.ProblemDetails.Detail = $"Send the body as JSON with 'Content-Type: application/json' (got '{ctx.HttpContext.Request.ContentType ?? "no Content-Type"}').";
                }
            };
        });
    }

    /// <summary>Write routes: 64 KB bodies of JSON at most (413, 415).</summary>
    public static void UseWriteBodyLimit(this WebApplication app) => app.Use(LimitBody);

    /// <summary>
    /// Write routes carry <see cref="BodyLimit"/>: a body that is not JSON is refused with 415, one announced
    /// larger than the limit at once with 413, and one that grows past it while streaming (chunked) fails
    /// the read with the same 413.
    /// </summary>
    private static Task LimitBody(HttpContext http, RequestDelegate next)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>() is not { } limit)
        {
            return next(http);
        }
        if (http.Request.ContentLength > limit.Bytes)
        {
            return Refuse(http, StatusCodes.Status413PayloadTooLarge, "Request body too large",
                $"A write's body may be at most {limit.Bytes / 1024} KB. Split large material over several events or sources.");
        }
        if (!http.Request.HasJsonContentType())
        {
            return Refuse(http, StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Send the body as JSON with 'Content-Type: application/json' (got '{http.Request.ContentType ?? "no Content-Type"}').");
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit.Bytes;
        }
        http.Request.Body = new LimitedStream(http.Request.Body, limit.Bytes);
        return next(http);
    }

    private static Task Refuse(HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        return http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }

    /// <summary>Reads at most the limit, then fails the way Kestrel does, as a 413 bad request.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int n)
        {
            _read += n;
            if (_read > limit)
            {
                throw new BadHttpRequestException($"The request body is larger than {limit / 1024} KB.", StatusCodes.Status413PayloadTooLarge);
            }
            return n;
        }
    }
}

/// <summary>Endpoint metadata: the largest body this route accepts.</summary>
internal sealed record BodyLimit(long Bytes);

internal static class WriteRouteExtensions
{
    /// <summary>
    /// The conventions of every write route: the policy, a 64 KB body limit, and the problems any write
    /// can answer (400 bad JSON, 401, 413, 415, 429 over the write limit, 503 database failure, 504 timed out)
    /// and the read-after header declared in OpenAPI; 403 only where an editor's key is not enough (every key
    /// is an editor's or an admin's); the editors' CORS policy; the per-key write rate.
    /// </summary>
    public static RouteHandlerBuilder AsWrite(this RouteHandlerBuilder builder, string policy)
    {
        builder.RequireAuthorization(policy)
            .RequireCors(Cors.EditorsPolicy)
            .WithWriteRateLimit()
            .WithMetadata(new BodyLimit(EditingSetup.MaxBodyBytes))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout)
            .AddOpenApiOperationTransformer(Infrastructure.ReadYourWrites.DescribeHeader);
        return policy == Policies.Admin ? builder.ProducesProblem(StatusCodes.Status403Forbidden) : builder;
    }

    /// <summary>An example body for Swagger UI and the OpenAPI document.</summary>
    public static RouteHandlerBuilder WithRequestExample(this RouteHandlerBuilder builder, object example) =>
        builder.WithMetadata(new RequestExample(example));
}

/// <summary>Endpoint metadata: an example request body, serialized into the OpenAPI document.</summary>
internal sealed record RequestExample(object Value);

/// <summary>Helpers for reading JSON problems raised while binding a body.</summary>
internal static class JsonBodyErrors
{
    /// <summary>The JSON reader's complaint, without .NET type names, for a 400's detail.</summary>
    public static string? Describe(Exception? exception) => exception switch
    {
        JsonException j => System.Text.RegularExpressions.Regex.Replace(j.Message,
                @" ?(contained in type|on type|of type|to) '?(System|Timeline)\.[\w.`\[\]]*[\w\]]'?", "", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1))
            .Replace("could not be mapped to any .NET member", "is not a property of this request", StringComparison.Ordinal),
        null => null,
        _ => Describe(exception.InnerException),
    };
}
