namespace Bgp.Benchmarks.SessionReplay;

/// <summary>
/// Finds the shared data directory the way the test kit does: <c>shared/data</c> in an ancestor of
/// the benchmark's directory, or <c>../shared/data</c> beside the repository root (the directory
/// holding <c>BgpActors.sln</c>). BenchmarkDotNet runs benchmarks from a generated folder under
/// the project's bin, so the walk starts there.
/// </summary>
public static class BenchData
{
    private const string SolutionFile = "BgpActors.sln";

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root(), .. parts]);

    private static string Root()
    {
        string start = AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            string direct = System.IO.Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(direct)) return direct;
            if (File.Exists(System.IO.Path.Combine(dir.FullName, SolutionFile)))
            {
                string sibling = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "data"));
                if (Directory.Exists(sibling)) return sibling;
            }
        }
        throw new DirectoryNotFoundException($"No shared/data found above {start}.");
    }
}
