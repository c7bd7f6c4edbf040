using System.Security.Cryptography;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Bgp.Wire.Tests.Support.CapturesTests;

public class TestDataTests
{
    [Test]
    public void The_test_data_directory_is_found_from_the_test_assembly()
    {
        Assert.That(Path.IsPathFullyQualified(TestData.Root), Is.True);
        Assert.That(Directory.Exists(TestData.Path("pcap", "tcpdump")), Is.True);
        Assert.That(File.Exists(TestData.Path("SOURCES.md")), Is.True);
    }

    [Test]
    public void Path_joins_its_parts_under_the_root()
    {
        Assert.That(TestData.Path("pcap", "packetlife", "EBGP_adjacency.cap"),
            Is.EqualTo(Path.Combine(TestData.Root, "pcap", "packetlife", "EBGP_adjacency.cap")));
        Assert.That(TestData.Path(), Is.EqualTo(TestData.Root));
    }

    /// <summary>
    /// Provenance is kept: every third-party file (the TOML suite aside, which SOURCES.md names by its commit) is listed
    /// in SOURCES.md's table with the size and sha256 it had when it was taken, and nothing listed is missing.
    /// </summary>
    [Test]
    public void Every_file_is_listed_in_SOURCES_with_its_size_and_sha256()
    {
        var listed = new Dictionary<string, (long Bytes, string Sha)>();
        foreach (Match m in Regex.Matches(File.ReadAllText(TestData.Path("SOURCES.md")),
                     @"^\| `(?<path>[^`]+)` \| (?<bytes>\d+) \| `(?<sha>[0-9a-f]{64})` \|", RegexOptions.Multiline))
            listed[m.Groups["path"].Value] = (long.Parse(m.Groups["bytes"].Value), m.Groups["sha"].Value);

        var present = Directory.EnumerateFiles(TestData.Root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(TestData.Root, f).Replace('\\', '/'))
            .Where(f => f != "SOURCES.md" && !f.StartsWith("toml-test/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(present, Is.EquivalentTo(listed.Keys), "files present vs listed in testdata/SOURCES.md");
            foreach (var file in present.Where(listed.ContainsKey))
            {
                var bytes = File.ReadAllBytes(TestData.Path(file.Split('/')));
                Assert.That((bytes.LongLength, Convert.ToHexStringLower(SHA256.HashData(bytes))), Is.EqualTo(listed[file]), file);
            }
        });
    }
}
