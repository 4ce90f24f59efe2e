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
builder.AddProblemsWhateverTheAccept();                           // a problem goes out as problem+json whatever Accept says
builder.AddTimelineAuth();                                        // API keys: Authorization: Bearer tl_…; failed keys throttled
builder.AddTimelineLimits();                                      // rate limits, request timeouts, export slots (Timeline:Limits)
builder.AddTimelineCors();                                        // reads from any origin, writes from Timeline:Cors:EditorOrigins only
builder.AddTimelineShutdown();                                    // SIGTERM: readiness 503, drain, then a timeout chosen for exports
builder.Services.ConfigureHttpJsonOptions(JsonRules.Strict);      // request bodies: strict JSON, text in Unicode NFC
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true); // binding failures become 400 problems
builder.AddTimelineOpenApi();
builder.AddTimelineEditing();
builder.AcceptRawNonAsciiQueries();                               // raw UTF-8 in a query (curl '…?q=Przewodów') read as percent-encoded
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
app.UseNotAcceptableProblems();                                   // 406 problem when Accept allows none of the route's media types
app.UseAuthentication();
app.UseRateLimiter();
app.UseRequestTimeouts();
app.UseAuthorization();
app.UseWriteBodyLimit();
app.UseReadYourWrites();
app.UseReadRetry();
app.UseTimelineOpenApi();
app.MapTimelinePage();

var routes = app.MapGroup("").AnswerHeadLikeGet();               // every GET answers HEAD too
routes.MapHealth();
routes.MapEvents();
routes.MapActors();
routes.MapVocabularies();
routes.MapTimeline();
routes.MapEscalationStats();
routes.MapEventWrites();
routes.MapActorWrites();
routes.MapRevisions();
routes.MapChanges();
routes.MapCitations();
routes.MapCuratedData();

app.Run();
return 0;

public partial class Program;
