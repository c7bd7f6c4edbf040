using Bgp.Wire.Tests.Support.Captures;
using NUnit.Framework;

namespace Bgp.Wire.Tests.Support.CapturesTests;

/// <summary>
/// Message counts per capture in testdata/pcap, checked against tshark 4.0.17:
/// <c>tshark -r F [-d tcp.port==1179,bgp] -Y bgp -T fields -e bgp.type | tr ',' '\n' | grep -c .</c> for BGP and
/// <c>tshark -r F -d tcp.port==1790,bmp -d tcp.port==10000,bmp -Y bmp -T fields -e bmp.type | tr ',' '\n' | grep -c .</c> for BMP.
/// Where the counts agree, the (frame, type, length) sequences agree too.
/// </summary>
public class CaptureCountTests
{
    [TestCase("netgauze/bgp_multiple-sessions/traffic.pcap", 291)]
    [TestCase("netgauze/pmacct-tests_300-BGP-IPv6-CISCO-extNH_enc/traffic-00.pcap", 47)]
    [TestCase("netgauze/pmacct-tests_305-BGP-mem-leak-test/bgp-multi-sources-open.pcap", 8)]
    [TestCase("netgauze/pmacct-tests_305-BGP-mem-leak-test/bgp-multi-sources-update-keepalive.pcap", 448)]
    [TestCase("packetlife/16-bit-asn.cap", 24)]
    [TestCase("packetlife/4-byte_AS_numbers_Full_Support.cap", 16)] // Cisco HDLC
    [TestCase("packetlife/4-byte_AS_numbers_Mixed_Scenario.cap", 4)] // Cisco HDLC
    [TestCase("packetlife/BGP_AS_set.cap", 10)]
    [TestCase("packetlife/BGP_MD5.cap", 10)]
    [TestCase("packetlife/BGP_MP_NLRI.cap", 24)]
    [TestCase("packetlife/BGP_flowspec_dscp.cap", 1)]
    [TestCase("packetlife/BGP_flowspec_redirect.cap", 12)]
    [TestCase("packetlife/BGP_flowspec_v6.cap", 4)]
    [TestCase("packetlife/BGP_hard_reset.cap", 26)]
    [TestCase("packetlife/BGP_notification.cap", 2)]
    [TestCase("packetlife/BGP_redist.cap", 2)] // Cisco HDLC
    [TestCase("packetlife/BGP_soft_reset.cap", 21)]
    [TestCase("packetlife/EBGP_adjacency.cap", 26)]
    [TestCase("packetlife/IBGP_adjacency.cap", 24)]
    [TestCase("packetlife/bgp-add-path.cap", 12)]
    [TestCase("packetlife/bgp_orf_prefix_advertisement.pcapng.cap", 2)]
    [TestCase("packetlife/bgplu.cap", 9)]
    [TestCase("tcpdump/bgp-4byte-asn.pcap", 35)]
    [TestCase("tcpdump/bgp-addpath.pcap", 1)] // raw IP (101)
    [TestCase("tcpdump/bgp-aigp-2.pcap", 1)]
    [TestCase("tcpdump/bgp-aigp.pcap", 2)] // Juniper Ethernet (178)
    [TestCase("tcpdump/bgp-bfd-cease.pcap", 1)]
    [TestCase("tcpdump/bgp-bgpsec.pcap", 32)]
    [TestCase("tcpdump/bgp-encap.pcap", 1)]
    [TestCase("tcpdump/bgp-enhanced-route-refresh-subtype.pcapng", 8)] // Linux cooked
    [TestCase("tcpdump/bgp-enhanced-route-refresh.pcapng", 1)]
    [TestCase("tcpdump/bgp-evpn.pcap", 1)]
    [TestCase("tcpdump/bgp-extended-msg.pcapng", 1)] // RFC 8654: longer than 4096
    [TestCase("tcpdump/bgp-extended-optional-parameters-length.pcapng", 1)]
    [TestCase("tcpdump/bgp-extended-shutdown-msg.pcapng", 1)]
    [TestCase("tcpdump/bgp-large-community.pcap", 5)]
    [TestCase("tcpdump/bgp-link-bw-extcommunity.pcapng", 6)]
    [TestCase("tcpdump/bgp-lu-multiple-labels.pcap", 20)]
    [TestCase("tcpdump/bgp-malformed-hard-reset.pcap", 1)]
    [TestCase("tcpdump/bgp-orf.pcapng", 2)]
    [TestCase("tcpdump/bgp-ovs.pcapng", 4)]
    [TestCase("tcpdump/bgp-rt-prefix.pcap", 8)]
    [TestCase("tcpdump/bgp-shutdown-communication.pcapng", 1)]
    [TestCase("tcpdump/bgp-shutdown-msg-variations.pcap", 1)]
    [TestCase("tcpdump/bgp_notification_rr_msg_error.pcap", 1)]
    [TestCase("tcpdump/bgp_vpn_attrset.pcap", 1)] // PPP
    [TestCase("tcpdump/bgpsec_invalid_signature_block_length.pcap", 1)]
    [TestCase("tcpdump/mpbgp-linklocal-nexthop.pcap", 1)]
    public void A_clean_capture_yields_as_many_BGP_messages_as_tshark_and_no_warnings(string file, int expected)
    {
        var result = CaptureFile.ReadBgpMessages(Pcap(file));

        Assert.That(result.Items, Has.Count.EqualTo(expected));
        Assert.That(result.Warnings, Is.Empty);
    }

    [TestCase("packetlife/BGP_flowspec_v4.cap", 1, null)] // BSD loopback
    [TestCase("packetlife/BGP_notification_msg.cap", 3, null)]
    [TestCase("packetlife/bgp_withdraw.cap", 2, "bytes missing")] // a segment was cut out; the next one starts a message
    public void Captures_on_port_1179_yield_as_many_BGP_messages_as_tshark_told_to_decode_1179(string file, int expected, string? warning)
    {
        var result = CaptureFile.ReadBgpMessages(Pcap(file), 1179);

        Assert.That(result.Items, Has.Count.EqualTo(expected));
        Assert.That(result.Warnings.Select(w => w.Text), warning is null ? Is.Empty : Has.Some.Contains(warning));
        Assert.That(CaptureFile.ReadBgpMessages(Pcap(file)).Items, Is.Empty, "not BGP's port, so not read by default");
    }

    [TestCase("netgauze/pmacct-tests_301-BGP-CISCO-pretag/traffic-00.pcap", 22, "truncated: 111 of 149 bytes")] // the capture ends mid-message
    [TestCase("netgauze/pmacct-tests_302-BGP-IPv6-multiple-sources/traffic-00.pcap", 26, "truncated: 43 of 328 bytes")]
    [TestCase("netgauze/pmacct-tests_302-BGP-IPv6-multiple-sources/traffic-01.pcap", 28, "truncated: 119 of 142 bytes")]
    [TestCase("tcpdump/bgp-cease-hard-reset.pcap", 3, "61 bytes missing")] // segments cut out of the test capture
    [TestCase("tcpdump/bgp-role.pcapng", 12, "38 bytes missing")]
    [TestCase("tcpdump/bgp-infinite-loop.pcap", 4, "header truncated")] // four SYNs, each a KEEPALIVE and 15 stray bytes
    [TestCase("tcpdump/bgp-bgp_capabilities_print-oobr-1.pcap", 1, "marker is not all ones")] // fuzzed
    [TestCase("tcpdump/bgp-bgp_capabilities_print-oobr-2.pcap", 1, "marker is not all ones")] // fuzzed
    [TestCase("tcpdump/bgp_pmsi_tunnel-oobr.pcap", 1, "frame truncated by the capture")] // fuzzed
    [TestCase("tcpdump/rpki-rtr-oobr.pcap", 0, "frame truncated by the capture")] // RPKI-RTR on 49600, not BGP
    public void A_damaged_capture_yields_as_many_BGP_messages_as_tshark_and_says_what_is_wrong(string file, int expected, string warning)
    {
        var result = CaptureFile.ReadBgpMessages(Pcap(file));

        Assert.That(result.Items, Has.Count.EqualTo(expected));
        Assert.That(result.Warnings.Select(w => w.Text), Has.Some.Contains(warning));
    }

    // tshark 5. One fuzzed 4708-byte SYN segment. Both find the same first four UPDATEs. tshark then reads the next
    // 19 bytes as a header (marker not all ones, type 0, length 3609), counts it, and gives up on the segment.
    // We resynchronise at boundaries confirmed by the next header, and find 13 more well-framed UPDATEs.
    // (tcpdump, which tries every marker, prints 22.)
    [TestCase("tcpdump/bgp-ub.pcap", 17)]
    // tshark 1. A single fuzzed frame, cut by the capture, joined mid-flight (no SYN). tshark counts a 45-byte UPDATE
    // and then a bogus header. No UPDATE in it is followed by a valid header, so no boundary is confirmed.
    [TestCase("tcpdump/bgp_mp_reach_nlri-oobr.pcap", 0)]
    // tshark 2: a 45-byte UPDATE followed by garbage, then a "type 20" whose marker is not all ones. Same reason.
    [TestCase("tcpdump/bgp_mvpn_6_and_7_oobr.pcap", 0)]
    // tshark 1: as bgp_mp_reach_nlri-oobr. Frames 2..8 have a captured length of 0.
    [TestCase("tcpdump/bgp_vpn_rt-oobr.pcap", 0)]
    public void Where_tshark_counts_differently_the_reason_is_written_beside_the_case(string file, int expected)
    {
        var result = CaptureFile.ReadBgpMessages(Pcap(file));

        Assert.That(result.Items, Has.Count.EqualTo(expected));
        Assert.That(result.Warnings, Is.Not.Empty);
    }

    [TestCase("netgauze/bmp_evpn/evpn.pcap", 156)]
    [TestCase("netgauze/bmp_path-status/ipv4_unicast_path_marking.pcap", 5)] // BMPv4, joined mid-flight
    [TestCase("netgauze/bmp_peers-with-different-caps/example.pcap", 192)]
    [TestCase("netgauze/bmp_unreachable-prefix-announcement/upa.pcap", 44)]
    [TestCase("netgauze/bmp_vpnv4-stateless-with-withdraw/vpnv4-stateless-with-withdraw.pcap", 15)]
    [TestCase("netgauze/pmacct-tests_200-BMP-HUAWEI-locrib_instance/traffic-00.pcap", 103)]
    [TestCase("netgauze/pmacct-tests_201-BMP-CISCO-rd_instance/traffic-00.pcap", 336)]
    [TestCase("netgauze/pmacct-tests_204-BMP-CISCO-peer_down/traffic-00.pcap", 343)]
    [TestCase("netgauze/pmacct-tests_205-BMP-6wind-FRR-peer_down/traffic-00.pcap", 509)]
    [TestCase("netgauze/pmacct-tests_206-BMP-high-availability/traffic-00.pcap", 295)]
    [TestCase("netgauze/pmacct-tests_208-BMP-mem-leak-test/bmp-multi-sources-init.pcap", 15)]
    [TestCase("netgauze/pmacct-tests_208-BMP-mem-leak-test/bmp-multi-sources-peer-up.pcap", 289)]
    [TestCase("netgauze/pmacct-tests_208-BMP-mem-leak-test/bmp-multi-sources-route-monitoring.pcap", 6955)]
    [TestCase("netgauze/pmacct-tests_208-BMP-mem-leak-test/bmp-multi-sources-stats.pcap", 3626)]
    // tshark 7. tshark 4.0's BMP dissector hits a bounds error in frame 2 on a BMPv4 Peer Up and loses the stream
    // after that. We read 30, as do NetGauze's 30 JSON lines (NetGauzeJsonTests checks the types one by one).
    [TestCase("netgauze/bmp_stateless-with-add-path/ipv4_unicast_all.pcap", 30)]
    public void A_BMP_capture_yields_as_many_messages_as_tshark_and_no_warnings(string file, int expected)
    {
        var result = CaptureFile.ReadBmpMessages(Pcap(file), 1790, 10000);

        Assert.That(result.Items, Has.Count.EqualTo(expected));
        Assert.That(result.Warnings, Is.Empty);
        Assert.That(CaptureFile.ReadBmpMessages(Pcap(file)).Items, Has.Count.EqualTo(expected), "every port when none is given");
    }

    internal static string Pcap(string relative) => TestData.Path(["pcap", .. relative.Split('/')]);
}
