using Timeline.Api.Actors;
using Timeline.Api.Auth;
using Timeline.Api.Changes;
using Timeline.Api.Citations;
using Timeline.Api.CuratedData;
using Timeline.Api.Editing;
using Timeline.Api.Events;
using Timeline.Api.Exports;
using Timeline.Api.Health;
using Timeline.Api.Infrastructure;
using Timeline.Api.Page;
using Timeline.Api.Revisions;
using Timeline.Api.Stats;
using Timeline.Api.Vocabularies;

var builder = WebApplication.CreateBuilder(args);

if (KeysCommand.IsKeysCommand(args))
{
    return await KeysCommand.RunAsync(builder.Configuration, args, Console.Out, Console.Error);
}

builder.AddTimelineDatabase();                                    // PostgreSQL; session timeouts (Timeline:Database)
builder.AddTimelineProblemDetails();                              // every 4xx/5xx is problem+json; database failures 503
builder.AddTimelineAuth();                                        // API keys: Authorization: Bearer tl_…; failed keys throttled
builder.AddTimelineLimits();                                      // rate limits, request timeouts, export slots (Timeline:Limits)
builder.AddTimelineCors();                                        // reads from any origin, writes from Timeline:Cors:EditorOrigins only
builder.AddTimelineShutdown();                                    // SIGTERM: readiness 503, drain, then a timeout chosen for exports
builder.Services.ConfigureHttpJsonOptions(JsonRules.Strict);      // request bodies: strict JSON, text in Unicode NFC
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true); // binding failures become 400 problems
builder.AddTimelineOpenApi();
builder.AddTimelineEditing();
builder.Services.AddTimelineValidators();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<DatasetVersion>();
builder.Services.AddSingleton<KindVocabulary>();

var app = builder.Build();

await app.PrepareDatabaseAsync();
if (app.Configuration.GetValue<bool>("Timeline:MigrateOnly"))
{
    return 0; // scripts/synthetic.sh: migrate a fresh database with the app's own migrator, then stop
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseNoSniff();
app.UseCors();
app.UseAuthentication();
app.UseRateLimiter();
app.UseRequestTimeouts();
app.UseAuthorization();
app.UseWriteBodyLimit();
app.UseReadYourWrites();
app.UseReadRetry();
app.UseTimelineOpenApi();
app.MapTimelinePage();

app.MapHealth();
app.MapEvents();
app.MapActors();
app.MapVocabularies();
app.MapTimeline();
app.MapEscalationStats();
app.MapEventWrites();
app.MapActorWrites();
app.MapRevisions();
app.MapChanges();
app.MapCitations();
app.MapCuratedData();

app.Run();
return 0;

public partial class Program;
