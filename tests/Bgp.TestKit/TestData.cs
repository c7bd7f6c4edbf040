using NUnit.Framework;

namespace Bgp.TestKit;

/// <summary>
/// Locates the repository and its third-party test data (<c>testdata/</c>, provenance in <c>testdata/SOURCES.md</c>).
/// The repository root is the nearest directory above the test assembly holding <c>BgpActors.sln</c>, so this works
/// from any build output folder and needs nothing outside the clone.
/// </summary>
public static class TestData
{
    private const string SolutionFile = "BgpActors.sln";

    /// <summary>The repository root: the nearest directory above the test assembly holding <c>BgpActors.sln</c>.</summary>
    public static string RepositoryRoot => LazyRepo.Value;

    /// <summary>The absolute path of the <c>testdata</c> directory.</summary>
    public static string Root => System.IO.Path.Combine(RepositoryRoot, "testdata");

    private static readonly Lazy<string> LazyRepo = new(() =>
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        throw new DirectoryNotFoundException($"No {SolutionFile} above {TestContext.CurrentContext.TestDirectory}");
    });

    /// <summary>An absolute path under <see cref="Root"/>, e.g. <c>TestData.Path("pcap", "tcpdump", "bgp-role.pcapng")</c>.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);
}
