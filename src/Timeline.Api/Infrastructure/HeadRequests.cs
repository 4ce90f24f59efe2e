using Microsoft.AspNetCore.Routing;

namespace Timeline.Api.Infrastructure;

/// <summary>
/// Every GET route answers HEAD too, as HTTP expects (RFC 9110 §9.3.2): the route runs as for GET, and the
/// server sends the status and headers without the body. Routing then also lists HEAD in a 405's `Allow`.
/// HEAD operations are left out of the OpenAPI document (the document says so): they would repeat every GET.
/// </summary>
internal static class HeadRequests
{
    public static TBuilder AnswerHeadLikeGet<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        // Finally: after the route's own metadata, so the GET it declares is there to extend.
        builder.Finally(endpoint =>
        {
            if (endpoint.Metadata.OfType<IHttpMethodMetadata>().LastOrDefault() is { } methods
                && methods.HttpMethods.Contains(HttpMethods.Get) && !methods.HttpMethods.Contains(HttpMethods.Head))
            {
                endpoint.Metadata.Add(new HttpMethodMetadata([.. methods.HttpMethods, HttpMethods.Head], methods.AcceptCorsPreflight));
            }
        });
        return builder;
    }
}
