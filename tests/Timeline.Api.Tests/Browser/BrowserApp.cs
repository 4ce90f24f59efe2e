using Microsoft.Playwright;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Browser;

/// <summary>
/// The API on a real port (<see cref="ServedApp"/>, so a browser can reach it) with its own database, and a
/// headless Chromium driven by Playwright. Chromium is Debian's (/usr/bin/chromium, or TIMELINE_CHROMIUM);
/// ./test.sh installs it when it is missing. One per test class.
/// </summary>
public sealed class BrowserApp : ServedApp
{
    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        // Without these Chromium keeps calling home, and there is no network here.
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Not initialised.");

    /// <summary>Where screenshots and measurements go: bin/{configuration}/net10.0/artifacts under the test project.</summary>
    public static string ArtifactsFolder { get; } = Directory.CreateDirectory(
        Environment.GetEnvironmentVariable("TIMELINE_TEST_ARTIFACTS") ?? Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

    public static string ChromiumPath => Environment.GetEnvironmentVariable("TIMELINE_CHROMIUM") ?? "/usr/bin/chromium";

    public override async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {ChromiumPath}: the browser tests need it. Run ./test.sh as root (it installs it), " +
                "or 'sudo apt-get install -y chromium', or set TIMELINE_CHROMIUM to a Chromium binary.");
        }
        await base.InitializeAsync();

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>A fresh browser context (no shared storage) and page at the given viewport.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            BaseURL = BaseUrl,
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        await base.DisposeAsync();
    }
}
