using System.Text.Json;
using NUnit.Framework;

namespace Bgp.Wire.Tests.Corpus;

/// <summary>
/// NetGauze's decodings of the pmacct BGP captures (<c>X-bgp.json</c>): one JSON line per message
/// that NetGauze's pcap decoder read from a connection towards port 179, in capture order. Each line
/// must equal our decoding of the next message of the capture, message for message; where
/// NetGauze left whole connections out, so do we, and the test names them.
/// </summary>
public class NetGauzeTests
{
    public static IEnumerable<TestCaseData> Captures() =>
        CaptureCorpus.Files().Where(f => File.Exists(CaptureCorpus.NetGauzeJsonPath(f.Path)))
            .Select(f => new TestCaseData(f).SetArgDisplayNames(f.Name));

    /// <summary>
    /// Connections towards port 179 of which NetGauze's JSON holds nothing. For bgp_multiple-sessions
    /// this is the only choice of whole connections that gives the JSON's sequence of message types
    /// (checked over all 2^19 subsets); why NetGauze's harness dropped them is not recorded upstream.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string[]> LeftOut = new Dictionary<string, string[]>
    {
        ["netgauze/bgp_multiple-sessions/traffic.pcap"] =
        [
            "192.168.120.33:2686 -> 192.168.120.24:179",
            "192.168.255.14:36390 -> 192.168.255.1:179",
            "192.168.255.15:33391 -> 192.168.255.1:179",
            "192.168.255.15:52335 -> 192.168.255.1:179",
            "[2003:de:2016:120::f02:443]:18004 -> [2003:de:2016:120::24]:179",
        ],
    };

    [TestCaseSource(nameof(Captures))]
    public void NetGauzes_decoding_of_each_message_matches_ours_in_capture_order(CaptureCorpus.CaptureSource file)
    {
        var lines = File.ReadAllLines(CaptureCorpus.NetGauzeJsonPath(file.Path))
            .Select(l => { using var d = JsonDocument.Parse(l); return d.RootElement.Clone(); }).ToList();
        var leftOut = LeftOut.GetValueOrDefault(file.Name) ?? [];
        var towards179 = Enumerable.Range(0, file.Messages.Count).Where(i => file.Captured[i].Direction.Destination.Port == 179).ToList();
        Assert.That(leftOut, Is.SubsetOf(towards179.Select(i => file.Captured[i].Direction.ToString()).Distinct()), "connections in the capture");
        // NetGauze decodes only what flows towards port 179.
        var ours = towards179.Where(i => !leftOut.Contains(file.Captured[i].Direction.ToString())).Select(i => file.Messages[i]).ToList();
        Assert.That(ours, Has.Count.EqualTo(lines.Count), "one JSON line per message");

        Assert.Multiple(() =>
        {
            for (int k = 0; k < lines.Count; k++)
            {
                var theirs = NetGauzeJson.Theirs(lines[k]);
                var mine = Ours(ours[k]);
                Assert.That(mine, Is.EqualTo(theirs), $"{ours[k].Source} against JSON line {k + 1}");
            }
        });
        TestContext.Out.WriteLine($"{file.Name}: {lines.Count} messages matched, {lines.Count(l => NetGauzeJson.Kind(l) == "Update")} of them UPDATEs; "
            + $"{towards179.Count - ours.Count} messages on {leftOut.Length} connections NetGauze left out");
    }

    [Test]
    public void The_comparison_covers_unicast_prefixes_next_hops_paths_communities_and_raw_vpn_families()
    {
        var all = Captures().Select(t => (CaptureCorpus.CaptureSource)t.Arguments[0]!)
            .SelectMany(f => File.ReadAllLines(CaptureCorpus.NetGauzeJsonPath(f.Path)))
            .Select(l => { using var d = JsonDocument.Parse(l); return d.RootElement.Clone(); })
            .SelectMany(NetGauzeJson.Theirs).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(all.Count(l => l.StartsWith("nlri ", StringComparison.Ordinal)), Is.GreaterThan(0), "IPv4 unicast NLRI");
            Assert.That(all.Count(l => l.Contains("mp-reach ipv6-unicast via", StringComparison.Ordinal)), Is.GreaterThan(0), "IPv6 unicast MP_REACH");
            Assert.That(all.Count(l => l.Contains("mp-reach ipv4-vpn raw", StringComparison.Ordinal)), Is.GreaterThan(0), "VPNv4 kept raw");
            Assert.That(all.Count(l => l.Contains("mp-reach ipv6-vpn raw", StringComparison.Ordinal)), Is.GreaterThan(0), "VPNv6 kept raw");
            foreach (var kind in new[] { " as-path ", " communities ", " large-communities ", " ext-communities ", " med ", " local-pref ", " origin ", " next-hop ", " aggregator ", " atomic-aggregate" })
                Assert.That(all.Any(l => l.Contains(kind, StringComparison.Ordinal)), kind);
        });
    }

    private static List<string>? Ours(CorpusMessage m)
    {
        var r = m.Decode();
        return r.Message is null ? null : NetGauzeJson.Ours(r.Message, m.Context);
    }
}
