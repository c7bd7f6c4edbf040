using NUnit.Framework;

namespace Bgp.TestKit;

/// <summary>
/// Locates the shared test data (<c>shared/data</c>), which lives beside the repository rather than in it:
/// the repository root is the directory holding <c>BgpActors.sln</c>, and the data is <c>../shared/data</c> from there.
/// The search walks up from the test assembly directory, so it works from any build output folder.
/// </summary>
public static class SharedData
{
    private const string SolutionFile = "BgpActors.sln";

    private static readonly Lazy<string> LazyRoot = new(Locate);

    /// <summary>The absolute path of the <c>shared/data</c> directory.</summary>
    /// <exception cref="DirectoryNotFoundException">No ancestor of the test directory leads to it.</exception>
    public static string Root => LazyRoot.Value;

    /// <summary>The repository root: the nearest directory above the test assembly holding <c>BgpActors.sln</c>.</summary>
    public static string RepositoryRoot => LazyRepo.Value;

    private static readonly Lazy<string> LazyRepo = new(() =>
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        throw new DirectoryNotFoundException($"No {SolutionFile} above {TestContext.CurrentContext.TestDirectory}");
    });

    /// <summary>An absolute path under <see cref="Root"/>, e.g. <c>SharedData.Path("pcap", "tcpdump", "bgp-role.pcapng")</c>.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string Locate()
    {
        string start = TestContext.CurrentContext.TestDirectory;
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            // Either this directory holds shared/data itself, or it is the repository root and the data sits beside it.
            string direct = System.IO.Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(direct)) return direct;
            if (File.Exists(System.IO.Path.Combine(dir.FullName, SolutionFile)))
            {
                string sibling = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "data"));
                if (Directory.Exists(sibling)) return sibling;
            }
        }
        throw new DirectoryNotFoundException(
            $"No shared/data found above {start} (looked for shared/data, and ../shared/data beside {SolutionFile}).");
    }
}
