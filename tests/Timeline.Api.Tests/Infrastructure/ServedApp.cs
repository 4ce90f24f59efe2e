using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Timeline.Api.Tests.Infrastructure;

/// <summary>
/// The API on a real port (Kestrel, not the in-memory test server), with its own database: for browsers,
/// curl, Prism and raw sockets, which need an address to connect to. One per test class.
/// </summary>
public class ServedApp : TimelineApp
{
    private string? _baseUrl;

    /// <summary>http://127.0.0.1:{port}, without a trailing slash.</summary>
    public string BaseUrl => _baseUrl ?? throw new InvalidOperationException("Not initialised.");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        UseKestrel(0);
        StartServer();
        await SetBaseUrlAsync();
    }

    /// <summary>Reads the port Kestrel was given.</summary>
    protected Task SetBaseUrlAsync()
    {
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _baseUrl = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal))
            .GetLeftPart(UriPartial.Authority);
        return Task.CompletedTask;
    }
}
