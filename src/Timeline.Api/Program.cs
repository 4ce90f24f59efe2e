using System.Text.Json.Serialization;
using Timeline.Api.Actors;
using Timeline.Api.Events;
using Timeline.Api.Health;
using Timeline.Api.Infrastructure;
using Timeline.Api.Vocabularies;

var builder = WebApplication.CreateBuilder(args);

builder.AddTimelineDatabase();
builder.AddTimelineProblemDetails();
builder.AddTimelineOpenApi();
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

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCors();
app.UseTimelineOpenApi();

app.MapHealth();
app.MapEvents();
app.MapActors();
app.MapVocabularies();

app.Run();

public partial class Program;
