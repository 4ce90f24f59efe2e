namespace Timeline.Api.Infrastructure;

/// <summary>
/// Browsers on any site may read (GET, HEAD): the timeline is public and made to be embedded. Writes
/// are refused to every other origin unless an operator lists the origins of an editing front end in
/// <c>Timeline:Cors:EditorOrigins</c> (e.g. env <c>Timeline__Cors__EditorOrigins__0=https://desk.example.org</c>).
/// </summary>
internal static class Cors
{
    public const string EditorsPolicy = "editors";

    private static readonly string[] Exposed = ["ETag", "Link", "Last-Modified", "Location", "Retry-After", "Idempotent-Replayed", "Content-Disposition"];

    public static void AddTimelineCors(this WebApplicationBuilder builder)
    {
        var editorOrigins = builder.Configuration.GetSection("Timeline:Cors:EditorOrigins").Get<string[]>() ?? [];
        builder.Services.AddCors(o =>
        {
            o.AddDefaultPolicy(p => p.AllowAnyOrigin().WithMethods(HttpMethods.Get, HttpMethods.Head).AllowAnyHeader().WithExposedHeaders(Exposed));
            o.AddPolicy(EditorsPolicy, p => p.WithOrigins(editorOrigins).WithMethods(HttpMethods.Post, HttpMethods.Put)
                .WithHeaders("Authorization", "Content-Type", "If-Match", "Idempotency-Key").WithExposedHeaders(Exposed));
        });
    }

    /// <summary><c>X-Content-Type-Options: nosniff</c> on every response, problems and static files included.</summary>
    public static void UseNoSniff(this WebApplication app) => app.Use((http, next) =>
    {
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return next(http);
    });
}
