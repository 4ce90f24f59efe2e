using Timeline.Api.Events;
using Timeline.Api.Exports;
using Timeline.Api.Health;
using Timeline.Api.Infrastructure;

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
if (app.Configuration.GetValue<bool>("Timeline:MigrateOnly"))
{
    return; // scripts/synthetic.sh: migrate a fresh database with the app's own migrator, then stop
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCors();
app.UseTimelineOpenApi();

app.MapHealth();
app.MapEvents();
app.MapTimeline();

app.Run();

public partial class Program;
