using System.Text.Json;
using Bgp.Wire.Tests.Support.Captures;
using NUnit.Framework;

namespace Bgp.Wire.Tests.Support.CapturesTests;

/// <summary>
/// NetGauze's decodings (<c>X-bgp.json</c>, <c>X-bmp.json</c>) hold one JSON line per message in capture order: a
/// second, independent check that framing and ordering are right, message type by message type.
/// </summary>
public class NetGauzeJsonTests
{
    private static readonly Dictionary<string, byte> BgpTypes = new()
    {
        ["Open"] = 1, ["Update"] = 2, ["Notification"] = 3, ["KeepAlive"] = 4, ["RouteRefresh"] = 5,
    };

    private static readonly Dictionary<string, byte> BmpTypes = new()
    {
        ["RouteMonitoring"] = 0, ["StatisticsReport"] = 1, ["PeerDownNotification"] = 2, ["PeerUpNotification"] = 3,
        ["Initiation"] = 4, ["Termination"] = 5, ["RouteMirroring"] = 6,
    };

    // Not bgp_multiple-sessions: its JSON holds 106 of the capture's 291 messages (8 OPEN, 36 UPDATE, 62 KEEPALIVE).
    [TestCase("netgauze/pmacct-tests_300-BGP-IPv6-CISCO-extNH_enc/traffic-00")]
    [TestCase("netgauze/pmacct-tests_301-BGP-CISCO-pretag/traffic-00")]
    [TestCase("netgauze/pmacct-tests_302-BGP-IPv6-multiple-sources/traffic-00")]
    [TestCase("netgauze/pmacct-tests_302-BGP-IPv6-multiple-sources/traffic-01")]
    [TestCase("netgauze/pmacct-tests_305-BGP-mem-leak-test/bgp-multi-sources-open")]
    [TestCase("netgauze/pmacct-tests_305-BGP-mem-leak-test/bgp-multi-sources-update-keepalive")]
    public void BGP_message_types_follow_the_NetGauze_decoding_line_by_line(string capture)
    {
        var expected = File.ReadLines(CaptureCountTests.Pcap(capture + "-bgp.json")).Select(BgpType).ToList();

        var actual = CaptureFile.ReadBgpMessages(CaptureCountTests.Pcap(capture + ".pcap")).Items.Select(m => m.Type);

        Assert.That(actual, Is.EqualTo(expected));
    }

    [TestCase("netgauze/bmp_evpn/evpn")]
    [TestCase("netgauze/bmp_path-status/ipv4_unicast_path_marking")]
    [TestCase("netgauze/bmp_peers-with-different-caps/example")]
    [TestCase("netgauze/bmp_stateless-with-add-path/ipv4_unicast_all")]
    [TestCase("netgauze/bmp_unreachable-prefix-announcement/upa")]
    [TestCase("netgauze/bmp_vpnv4-stateless-with-withdraw/vpnv4-stateless-with-withdraw")]
    [TestCase("netgauze/pmacct-tests_200-BMP-HUAWEI-locrib_instance/traffic-00")]
    [TestCase("netgauze/pmacct-tests_201-BMP-CISCO-rd_instance/traffic-00")]
    [TestCase("netgauze/pmacct-tests_204-BMP-CISCO-peer_down/traffic-00")]
    [TestCase("netgauze/pmacct-tests_205-BMP-6wind-FRR-peer_down/traffic-00")]
    [TestCase("netgauze/pmacct-tests_206-BMP-high-availability/traffic-00")]
    public void BMP_message_types_follow_the_NetGauze_decoding_line_by_line(string capture)
    {
        var expected = File.ReadLines(CaptureCountTests.Pcap(capture + "-bmp.json")).Select(BmpType).ToList();

        var actual = CaptureFile.ReadBmpMessages(CaptureCountTests.Pcap(capture + ".pcap")).Items.Select(m => m.Type);

        Assert.That(actual, Is.EqualTo(expected));
    }

    /// <summary><c>"KeepAlive"</c>, or an object keyed by the message kind: <c>{"Update":{...}}</c>.</summary>
    private static byte BgpType(string line)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        string kind = root.ValueKind == JsonValueKind.String ? root.GetString()! : root.EnumerateObject().First().Name;
        return BgpTypes[kind];
    }

    /// <summary>
    /// <c>{"V3":{"PeerUpNotification":{...}}}</c>, or for a message NetGauze framed but could not decode,
    /// <c>{"BmpMessageParsingError":{"BmpV3MessageValueError":{"PeerUpNotificationMessageError":{...}}}}</c>.
    /// </summary>
    private static byte BmpType(string line)
    {
        using var json = JsonDocument.Parse(line);
        var level = json.RootElement.EnumerateObject().First();
        if (level.Name == "BmpMessageParsingError") level = level.Value.EnumerateObject().First();
        string kind = level.Value.EnumerateObject().First().Name;
        return BmpTypes[kind.EndsWith("MessageError", StringComparison.Ordinal) ? kind[..^"MessageError".Length] : kind];
    }
}
