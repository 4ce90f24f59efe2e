using System.Diagnostics;

namespace Timeline.Api.Tests.Infrastructure;

/// <summary>
/// A folder of the test project with a committed package.json and package-lock.json: the npm tools a test
/// runs (pinned by the lock file). They are installed with `npm ci` the first time a test needs them, in a
/// copy of the folder outside the source tree (TIMELINE_TEST_NODE_CACHE, else ~/.cache/timeline-tests),
/// named by the lock file's hash: third-party code never lands among the project's sources, and a changed
/// lock file gets a fresh install. The folder's own files are copied over on every run.
/// </summary>
internal sealed class NodePackage(string relativeFolder, string installedMarker)
{
    private readonly SemaphoreSlim _installLock = new(1, 1);

    /// <summary>The Node tools for the OpenAPI document: Spectral, Redocly, Prism, openapi-typescript, tsc.</summary>
    public static NodePackage OpenApiTools { get; } = new(Path.Combine("OpenApi", "tools"), Path.Combine("node_modules", ".bin", "prism"));

    /// <summary>TimelineJS 3, served to the browser by the TimelineJS tests.</summary>
    public static NodePackage TimelineJs { get; } = new(Path.Combine("Browser", "timelinejs"), Path.Combine("node_modules", "@knight-lab", "timelinejs", "dist", "js", "timeline.js"));

    private string Source { get; } = Path.Combine(Repo.Root, "tests", "Timeline.Api.Tests", relativeFolder);

    /// <summary>Where the package is installed and its tools run: the copy outside the source tree.</summary>
    public string Folder { get; } = InstallFolder(relativeFolder);

    private static string InstallFolder(string relativeFolder)
    {
        var lockFile = Path.Combine(Repo.Root, "tests", "Timeline.Api.Tests", relativeFolder, "package-lock.json");
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(lockFile)))[..12];
        var cache = Environment.GetEnvironmentVariable("TIMELINE_TEST_NODE_CACHE")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "timeline-tests");
        return Path.Combine(cache, relativeFolder.Replace(Path.DirectorySeparatorChar, '-') + "-" + hash);
    }

    /// <summary>Copies the folder's files over and runs `npm ci` there unless the package is installed already.</summary>
    public async Task EnsureInstalledAsync()
    {
        await _installLock.WaitAsync();
        try
        {
            CopySources(Source, Folder);
            if (File.Exists(Path.Combine(Folder, installedMarker))) return;
            var npm = Tool.Find("npm") ?? throw new InvalidOperationException(
                $"npm is not on PATH: the tests install their npm tools with 'npm ci' (from {Source}). Install Node.js 20.19+ with npm.");
            var (exit, stdout, stderr) = await Tool.RunAsync(npm, Folder, ["ci", "--no-audit", "--no-fund", "--ignore-scripts"]);
            if (exit != 0 || !File.Exists(Path.Combine(Folder, installedMarker)))
            {
                throw new InvalidOperationException($"'npm ci' in {Folder} failed (exit {exit}):\n{stdout}\n{stderr}");
            }
        }
        finally
        {
            _installLock.Release();
        }
    }

    /// <summary>A command the package installs (node_modules/.bin).</summary>
    public string Bin(string name) => Path.Combine(Folder, "node_modules", ".bin", name);

    private static void CopySources(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }
        foreach (var dir in Directory.EnumerateDirectories(from).Where(d => Path.GetFileName(d) is not ("node_modules" or "generated")))
        {
            CopySources(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }
}

/// <summary>Runs command-line tools the tests use, and finds them.</summary>
internal static class Tool
{
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Append("/usr/local/bin")
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    /// <summary>Runs a tool to its end and returns its exit code and output.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string file, string workingDirectory, IEnumerable<string> args,
        IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A guard against a hung download or process, not a speed check.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within 5 minutes:\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>The repository the tests run in.</summary>
internal static class Repo
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Timeline.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"Timeline.sln not found above {AppContext.BaseDirectory}.");
    }
}
