using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Auth;

/// <summary>Authorization policies of the write routes.</summary>
internal static class Policies
{
    /// <summary>Create and revise events: editors and admins.</summary>
    public const string Editor = "editor";

    /// <summary>Retract events, create and revise actors: admins only.</summary>
    public const string Admin = "admin";
}

/// <summary>
/// Reads <c>Authorization: Bearer tl_…</c>, looks the key's hash up among the live keys and signs the
/// request in as the key's name and role. A request without the header stays anonymous (reads are
/// public); a wrong or revoked key fails, which a write turns into a 401. The key is never logged.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    NpgsqlDataSource db, IProblemDetailsService problems, FailedKeyLimiter failedKeys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string KeyIdClaim = "timeline:key-id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }
        // Reads are public: a read that presents a key does not look it up, so it costs no query on the
        // primary (which may be down while standbys serve reads).
        if (HttpMethods.IsGet(Request.Method) || HttpMethods.IsHead(Request.Method))
        {
            if (Context.GetEndpoint()?.Metadata.GetMetadata<IAuthorizeData>() is null)
            {
                return AuthenticateResult.NoResult();
            }
        }
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header must use the Bearer scheme.");
        }
        var key = header["Bearer ".Length..].Trim();
        if (key.Length is 0 or > 200)
        {
            return AuthenticateResult.Fail("The bearer token is not an API key.");
        }
        // Guessing keys: after a few wrong ones from an address, keys from it are refused unread for a minute.
        var address = Limits.ClientAddress(Context);
        if (!failedKeys.MayTry(address))
        {
            return AuthenticateResult.Fail(new TooManyFailedKeysException());
        }
        var found = await ApiKeys.FindLiveAsync(db, key, Context.RequestAborted);
        if (found is null)
        {
            failedKeys.Failed(address);
            return AuthenticateResult.Fail("The API key is unknown or revoked.");
        }
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, found.Name),
                new Claim(ClaimTypes.Role, found.Role),
                new Claim(KeyIdClaim, found.Id.ToString(CultureInfo.InvariantCulture)),
            ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        if (result.Failure is TooManyFailedKeysException)
        {
            await Limits.WriteProblemAsync(Context, StatusCodes.Status429TooManyRequests, "Too many wrong API keys",
                $"This address sent more than {failedKeys.PerMinute} wrong or revoked API keys in a minute; keys from it are not checked until the minute is over.", 60);
            return;
        }
        var presented = !string.IsNullOrEmpty(Request.Headers.Authorization);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = presented
            ? "Bearer realm=\"timeline\", error=\"invalid_token\""
            : "Bearer realm=\"timeline\"";
        await WriteProblemAsync(new ProblemDetails
        {
            Status = StatusCodes.Status401Unauthorized,
            Title = "Authentication required",
            Detail = presented
                ? $"{result.Failure?.Message} Writes need a live editor key: 'Authorization: Bearer tl_…' (see the README, 'Editing: API keys and writes')."
                : "Writes need an API key: send 'Authorization: Bearer tl_…'. Editors get one from an admin (./keys.sh create).",
        });
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var role = Context.User.FindFirstValue(ClaimTypes.Role);
        return WriteProblemAsync(new ProblemDetails
        {
            Status = StatusCodes.Status403Forbidden,
            Title = "Not allowed for this key's role",
            Detail = $"This key's role is '{role}'. Retracting events and creating or revising actors need an 'admin' key.",
        });
    }

    private async Task WriteProblemAsync(ProblemDetails problem) =>
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = problem });
}

/// <summary>The failure of a key refused unread because its address sent too many wrong ones.</summary>
internal sealed class TooManyFailedKeysException() : Exception("Too many wrong API keys from this address.");

internal static class ApiKeyAuthenticationExtensions
{
    private static readonly string[] SafeMethods = [HttpMethods.Get, HttpMethods.Head, HttpMethods.Options];

    public static void AddTimelineAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Editor, p => p.RequireAuthenticatedUser().RequireRole(Roles.Editor, Roles.Admin))
            .AddPolicy(Policies.Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin))
            // Deny by default: a route that declares no policy is open to reads only, so a write route
            // added later without RequireAuthorization is refused instead of silently public. Requests that
            // reach no route (a 404, or routing's 405 for a method the route does not have) run nothing to
            // protect: they get their 404/405, not a 401.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder()
                .RequireAssertion(ctx => ctx.Resource is HttpContext http && (SafeMethods.Contains(http.Request.Method) || http.GetEndpoint() is not RouteEndpoint)
                    || ctx.User.IsInRole(Roles.Editor) || ctx.User.IsInRole(Roles.Admin))
                .Build());
    }

    /// <summary>The key's name, which signs every revision the request writes.</summary>
    public static string EditorName(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.Name) ?? throw new InvalidOperationException("A write route ran without an authenticated key.");

    public static long KeyId(this ClaimsPrincipal user) =>
        long.Parse(user.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim)
            ?? throw new InvalidOperationException("A write route ran without an authenticated key."), CultureInfo.InvariantCulture);
}
