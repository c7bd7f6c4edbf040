using NUnit.Framework;

namespace Bgp.Cli.Tests;

/// <summary>
/// Finds <c>shared/data</c>, which sits beside the repository: walk up from the test directory to
/// the one holding BgpActors.sln, then <c>../shared/data</c>.
/// </summary>
internal static class SharedData
{
    private static readonly Lazy<string> RootPath = new(Find);

    public static string Root => RootPath.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(System.IO.Path.Combine(dir.FullName, "BgpActors.sln"))) continue;
            string data = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "data"));
            if (Directory.Exists(data)) return data;
            Assert.Fail($"shared data not found at {data} (beside the repository holding BgpActors.sln)");
        }
        Assert.Fail($"no BgpActors.sln above {TestContext.CurrentContext.TestDirectory}");
        return null!;
    }
}
