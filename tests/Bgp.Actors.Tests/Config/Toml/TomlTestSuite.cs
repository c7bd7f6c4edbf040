using NUnit.Framework;

namespace Bgp.Actors.Tests.Config.Toml;

/// <summary>
/// The official toml-test suite in testdata/toml-test (beside the repository: walk up to the
/// directory holding BgpActors.sln, then ../testdata/toml-test). Only the files listed in
/// tests/files-toml-1.0.0 count: the rest of the tree also holds TOML 1.1 cases.
/// </summary>
public static class TomlTestSuite
{
    private static readonly Lazy<string> LazyRoot = new(Locate);

    public static string Root => LazyRoot.Value;

    public static string TestsDirectory => Path.Combine(Root, "tests");

    /// <summary>Paths relative to <see cref="TestsDirectory"/>, like <c>valid/array/array.toml</c>.</summary>
    public static IReadOnlyList<string> Listed(string kind) =>
        File.ReadAllLines(Path.Combine(TestsDirectory, "files-toml-1.0.0"))
            .Select(line => line.Trim())
            .Where(line => line.StartsWith(kind + "/", StringComparison.Ordinal) && line.EndsWith(".toml", StringComparison.Ordinal))
            .ToList();

    public static IEnumerable<TestCaseData> ValidCases() =>
        Listed("valid").Select(file => new TestCaseData(file).SetArgDisplayNames(file));

    public static IEnumerable<TestCaseData> InvalidCases() =>
        Listed("invalid").Select(file => new TestCaseData(file).SetArgDisplayNames(file));

    public static byte[] Read(string relative) => File.ReadAllBytes(Path.Combine(TestsDirectory, relative));

    private static string Locate() => TestData.Path("toml-test");
}
