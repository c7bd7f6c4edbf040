using NUnit.Framework;

namespace Bgp.Wire.Tests.Support.CapturesTests;

public class SharedDataTests
{
    [Test]
    public void The_shared_data_directory_is_found_from_the_test_assembly()
    {
        Assert.That(Path.IsPathFullyQualified(SharedData.Root), Is.True);
        Assert.That(Directory.Exists(SharedData.Path("pcap", "tcpdump")), Is.True);
        Assert.That(File.Exists(SharedData.Path("SOURCES.md")), Is.True);
    }

    [Test]
    public void Path_joins_its_parts_under_the_root()
    {
        Assert.That(SharedData.Path("pcap", "packetlife", "EBGP_adjacency.cap"),
            Is.EqualTo(Path.Combine(SharedData.Root, "pcap", "packetlife", "EBGP_adjacency.cap")));
        Assert.That(SharedData.Path(), Is.EqualTo(SharedData.Root));
    }
}
