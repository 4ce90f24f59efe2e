using System.Net;
using System.Text.Json;

namespace Timeline.Api.Tests.Infrastructure;

/// <summary>An RFC 9457 problem as the API sends it.</summary>
public sealed record Problem(string? Type, string? Title, int? Status, string? Detail, string? Instance,
    Dictionary<string, string[]>? Errors, string? TraceId);

public static class ProblemAssert
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>Asserts the response is a problem+json with this status and returns it.</summary>
    public static async Task<Problem> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<Problem>(body, Web)!;
        Assert.Equal((int)status, problem.Status);
        Assert.False(string.IsNullOrWhiteSpace(problem.Title), "A problem has a title.");
        return problem;
    }
}
