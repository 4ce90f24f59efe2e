using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace Timeline.Api.Infrastructure;

/// <summary>
/// One rule for the Accept header on every route: a request whose Accept header allows none of the media
/// types the route's success response has is answered 406 with a problem naming them, before any other work.
/// No Accept header, or one with a wildcard that covers them, is served as usual. Routes that choose among
/// several formats (the export, the citation) declare their own 406 and apply the rule themselves, with
/// `format=` taking precedence over Accept.
/// </summary>
internal static class NotAcceptable
{
    /// <summary>
    /// The framework's problem writer stays silent when Accept excludes JSON (and status-code pages then
    /// fail with a 500). An error's body need not match Accept (RFC 9110 §12.1), so a problem always goes
    /// out as application/problem+json: this writer takes over when the framework's declines.
    /// </summary>
    public static void AddProblemsWhateverTheAccept(this WebApplicationBuilder builder) =>
        builder.Services.AddSingleton<IProblemDetailsWriter, ProblemWriterWhateverTheAccept>();

    private sealed class ProblemWriterWhateverTheAccept(IOptions<ProblemDetailsOptions> options, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IProblemDetailsWriter
    {
        public bool CanWrite(ProblemDetailsContext context) => true;

        public ValueTask WriteAsync(ProblemDetailsContext context)
        {
            var problem = TypedResults.Problem(context.ProblemDetails).ProblemDetails; // fills type and title from the status
            options.Value.CustomizeProblemDetails?.Invoke(context);
            return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(problem, problem.GetType(), json.Value.SerializerOptions, "application/problem+json"));
        }
    }

    public static void UseNotAcceptableProblems(this WebApplication app) => app.Use((http, next) =>
    {
        var metadata = http.GetEndpoint()?.Metadata;
        if (metadata is null || http.Request.Headers.Accept.Count == 0 || DeclaresOwn406(metadata))
        {
            return next(http);
        }
        var produced = Produced(metadata);
        if (produced.Length == 0 || Acceptable(http.Request, produced))
        {
            return next(http);
        }
        http.Response.StatusCode = StatusCodes.Status406NotAcceptable;
        return http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status406NotAcceptable,
                Title = "Media type not available",
                Detail = Detail(http.Request.Headers.Accept.ToString(), produced),
            },
        }).AsTask();
    });

    private static string Detail(string accept, string[] produced) =>
        $"This route answers {string.Join(" or ", produced)}, which the Accept header '{accept}' does not allow. Accept one of them (or */*), or leave the header out.";

    private static bool DeclaresOwn406(EndpointMetadataCollection metadata) =>
        metadata.OfType<IProducesResponseTypeMetadata>().Any(m => m.StatusCode == StatusCodes.Status406NotAcceptable);

    private static string[] Produced(EndpointMetadataCollection metadata) =>
        [.. metadata.OfType<IProducesResponseTypeMetadata>().Where(m => m.StatusCode is >= 200 and < 300)
            .SelectMany(m => m.ContentTypes).Distinct(StringComparer.OrdinalIgnoreCase)];

    private static bool Acceptable(HttpRequest request, string[] produced) =>
        !MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var ranges) // unreadable: serve as if absent
        || ranges.Where(r => (r.Quality ?? 1) > 0).Any(range => produced.Any(p => new MediaTypeHeaderValue(p).IsSubsetOf(range)));

    /// <summary>Declares the 406 on every operation that answers with a body and does not declare its own.</summary>
    public static Task Document(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = new EndpointMetadataCollection(context.Description.ActionDescriptor.EndpointMetadata);
        var produced = Produced(metadata);
        if (produced.Length == 0 || DeclaresOwn406(metadata) || operation.Responses is null)
        {
            return Task.CompletedTask;
        }
        var path = "/" + (context.Description.RelativePath ?? "").TrimEnd('/');
        operation.Responses["406"] = new OpenApiResponse
        {
            Description = "The Accept header allows none of the media types this operation answers with.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new()
                {
                    Schema = new OpenApiSchemaReference("ProblemDetails", context.Document),
                    Example = new JsonObject
                    {
                        ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.7",
                        ["title"] = "Media type not available",
                        ["status"] = 406,
                        ["detail"] = Detail("application/xml", produced),
                        ["instance"] = path.Replace("{id}", "2022-11-15-przewodow-missile", StringComparison.Ordinal).Replace("{version}", "1", StringComparison.Ordinal),
                        ["traceId"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
                    },
                },
            },
        };
        return Task.CompletedTask;
    }
}
