namespace Timeline.Api.Health;

/// <summary>Settings under "Timeline:Shutdown".</summary>
internal sealed class ShutdownOptions
{
    /// <summary>
    /// After SIGTERM, how long the instance keeps serving while /health/ready answers 503, so that a load
    /// balancer takes it out of rotation before it stops accepting connections.
    /// </summary>
    public int DrainSeconds { get; set; } = 5;

    /// <summary>
    /// Then, how long requests in flight (a long export above all) may take to finish before they are cut
    /// off. Chosen above the time the largest export takes at full speed on one core; an export cut off
    /// is aborted, so its client sees an incomplete download, never a short one that looks whole.
    /// </summary>
    public int TimeoutSeconds { get; set; } = 60;
}

/// <summary>
/// The graceful stop: SIGTERM → readiness 503 at once (<see cref="HealthEndpoints"/> watches
/// ApplicationStopping) → <see cref="ShutdownOptions.DrainSeconds"/> of serving as usual → Kestrel stops
/// accepting and waits up to <see cref="ShutdownOptions.TimeoutSeconds"/> for requests in flight.
/// The host runs every <see cref="IHostedLifecycleService.StoppingAsync"/> before it stops any hosted
/// service, the web server included, so the drain happens here.
/// </summary>
internal sealed class ShutdownDrain(Microsoft.Extensions.Options.IOptions<ShutdownOptions> options, ILogger<ShutdownDrain> log) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var drain = TimeSpan.FromSeconds(options.Value.DrainSeconds);
        if (drain <= TimeSpan.Zero) return;
        log.LogInformation("Stopping: readiness answers 503; serving for {Drain} s more before refusing connections", drain.TotalSeconds);
        try
        {
            await Task.Delay(drain, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's own shutdown timeout ran out first.
        }
    }
}

internal static class ShutdownSetup
{
    public static void AddTimelineShutdown(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Timeline:Shutdown");
        var options = section.Get<ShutdownOptions>() ?? new ShutdownOptions();
        builder.Services.Configure<ShutdownOptions>(section);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(options.DrainSeconds + options.TimeoutSeconds));
        builder.Services.AddHostedService<ShutdownDrain>();
    }
}
