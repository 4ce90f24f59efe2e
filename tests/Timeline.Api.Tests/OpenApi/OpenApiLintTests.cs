using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.OpenApi;

/// <summary>
/// The committed OpenAPI document (openapi/v1.json, equal to the served one by OpenApiDocumentTests) linted by
/// two third-party linters, pinned in OpenApi/tools/package-lock.json: no error and no warning from either,
/// and every example validated against its schema as an error (Spectral's oas3-valid-media-example and
/// oas3-valid-schema-example, Redocly's no-invalid-media-type-examples under recommended-strict).
/// </summary>
public sealed class OpenApiLintTests
{
    private static readonly Dictionary<string, string> Quiet = new()
    {
        ["REDOCLY_TELEMETRY"] = "off",
        ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true",
        ["NO_UPDATE_NOTIFIER"] = "1",
    };

    [Fact]
    public async Task SpectralFindsNoErrorAndNoWarning()
    {
        await NodePackage.OpenApiTools.EnsureInstalledAsync();

        var (exit, stdout, stderr) = await Tool.RunAsync(NodePackage.OpenApiTools.Bin("spectral"), Repo.Root,
            ["lint", "openapi/v1.json", "--ruleset", "openapi/.spectral.yaml", "--fail-severity", "hint", "--format", "text"], Quiet);

        // --fail-severity hint: any finding at all, a warning included, fails the run.
        Assert.True(exit == 0, $"spectral lint openapi/v1.json (exit {exit}):\n{stdout}\n{stderr}");
    }

    [Fact]
    public async Task RedoclyRecommendedStrictFindsNoProblem()
    {
        await NodePackage.OpenApiTools.EnsureInstalledAsync();

        var (exit, stdout, stderr) = await Tool.RunAsync(NodePackage.OpenApiTools.Bin("redocly"), Repo.Root,
            ["lint", "--config", "openapi/redocly.yaml", "--format", "stylish", "openapi/v1.json"], Quiet);

        // recommended-strict raises every warning to an error, so a warning fails the run too.
        Assert.True(exit == 0, $"redocly lint openapi/v1.json (exit {exit}):\n{stdout}\n{stderr}");
    }
}
