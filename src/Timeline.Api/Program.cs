using System.Text.Json.Serialization;
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

builder.AddTimelineDatabase();
builder.AddTimelineProblemDetails();
builder.AddProblemsWhateverTheAccept();
builder.AddTimelineOpenApi();
builder.AddTimelineEditing();
builder.AcceptRawNonAsciiQueries();
builder.Services.AddTimelineValidators();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<DatasetVersion>();
builder.Services.AddSingleton<KindVocabulary>();
// Numbers are numbers: no quoted numbers accepted, and OpenAPI types integers as `integer`, not `integer|string`.
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddCors(o => o.AddDefaultPolicy(p => p.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod()
    .WithExposedHeaders("ETag", "Link", "Last-Modified", "Location")));

var app = builder.Build();

await app.PrepareDatabaseAsync();
if (app.Configuration.GetValue<bool>("Timeline:MigrateOnly"))
{
    return 0; // scripts/synthetic.sh: migrate a fresh database with the app's own migrator, then stop
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCors();
app.UseNotAcceptableProblems();
app.UseTimelineOpenApi();
app.MapTimelinePage();
app.UseTimelineEditing();

var routes = app.MapGroup("").AnswerHeadLikeGet();
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
