namespace Bgp.Benchmarks.SessionReplay;

/// <summary>
/// Finds the repository's <c>testdata</c> directory (provenance in <c>testdata/SOURCES.md</c>): the walk goes up from
/// the benchmark's directory to the one holding <c>BgpActors.sln</c>. BenchmarkDotNet runs benchmarks from a generated
/// folder under the project's bin, so the walk starts there.
/// </summary>
public static class BenchData
{
    private const string SolutionFile = "BgpActors.sln";

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root(), .. parts]);

    private static string Root()
    {
        string start = AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, SolutionFile)))
                return System.IO.Path.Combine(dir.FullName, "testdata");
        throw new DirectoryNotFoundException($"No {SolutionFile} above {start}.");
    }
}
