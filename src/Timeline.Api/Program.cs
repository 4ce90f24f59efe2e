using Timeline.Api.Events;
using Timeline.Api.Health;
using Timeline.Api.Infrastructure;
using Timeline.Api.Page;
using Timeline.Api.Stats;

var builder = WebApplication.CreateBuilder(args);

builder.AddTimelineDatabase();
builder.AddTimelineProblemDetails();
builder.AddTimelineOpenApi();
builder.Services.AddTimelineValidators();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<DatasetVersion>();
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddCors(o => o.AddDefaultPolicy(p => p.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod()
    .WithExposedHeaders("ETag", "Link", "Last-Modified", "Location")));

var app = builder.Build();

await app.PrepareDatabaseAsync();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCors();
app.UseTimelineOpenApi();
app.MapTimelinePage();

app.MapHealth();
app.MapEvents();
app.MapEscalationStats();

app.Run();

public partial class Program;
