using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.OpenApi;

/// <summary>
/// A front-end team's client: TypeScript types generated from openapi/v1.json by openapi-typescript, and a
/// usage file (OpenApi/tools/client/usage.ts) that lists, reads, exports and creates events with openapi-fetch,
/// compiled by tsc with --strict. A property marked required that the server leaves out, or one missing
/// from a request body's optional fields, fails the compile.
/// </summary>
public sealed class TypeScriptClientTests
{
    [Fact]
    public async Task AClientGeneratedFromTheDocumentCompilesUnderStrictTypeScript()
    {
        await NodePackage.OpenApiTools.EnsureInstalledAsync();
        var tools = NodePackage.OpenApiTools;

        var generate = await Tool.RunAsync(tools.Bin("openapi-typescript"), tools.Folder,
            [Path.Combine(Repo.Root, "openapi", "v1.json"), "-o", Path.Combine("client", "generated", "timeline.d.ts")]);
        Assert.True(generate.Exit == 0, $"openapi-typescript failed (exit {generate.Exit}):\n{generate.Stdout}\n{generate.Stderr}");

        var compile = await Tool.RunAsync(tools.Bin("tsc"), tools.Folder, ["-p", Path.Combine("client", "tsconfig.json"), "--strict", "--noEmit"]);
        Assert.True(compile.Exit == 0, $"tsc --strict --noEmit on client/usage.ts failed (exit {compile.Exit}):\n{compile.Stdout}\n{compile.Stderr}");
    }
}
