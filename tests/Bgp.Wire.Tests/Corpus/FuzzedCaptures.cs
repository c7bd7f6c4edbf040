using System.Buffers.Binary;
using Bgp.TestKit;
using Bgp.Wire.Tests.Support.Captures;

namespace Bgp.Wire.Tests.Corpus;

/// <summary>
/// tcpdump's deliberately malformed captures: fuzzer finds ("oobr", out-of-bounds read) and
/// hand-made bad messages. Their frames are often cut by the capture's snap length and their TCP
/// streams join mid-flight, so the capture reader frames few or none of their messages. Here every
/// position in a stream that starts with the 16-octet marker is a candidate message: as many octets
/// as its length field asks for, or as many as the capture holds. A candidate cut short therefore
/// meets the decoder with a length field that disagrees with what it was given.
/// </summary>
public static class FuzzedCaptures
{
    /// <summary>The captures tcpdump's TESTLIST marks as malformed input (and the synthetic add-path one).</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "tcpdump/bgp-addpath.pcap",
        "tcpdump/bgp-bgp_capabilities_print-oobr-1.pcap",
        "tcpdump/bgp-bgp_capabilities_print-oobr-2.pcap",
        "tcpdump/bgp-infinite-loop.pcap",
        "tcpdump/bgp-malformed-hard-reset.pcap",
        "tcpdump/bgp-ub.pcap",
        "tcpdump/bgp_mp_reach_nlri-oobr.pcap",
        "tcpdump/bgp_mvpn_6_and_7_oobr.pcap",
        "tcpdump/bgp_pmsi_tunnel-oobr.pcap",
        "tcpdump/bgp_vpn_rt-oobr.pcap",
        "tcpdump/bgpsec_invalid_signature_block_length.pcap",
    ];

    public static bool IsFuzzed(string name) => Names.Contains(name);

    /// <summary>Every marker-led candidate message of a capture, with the capture's session context.</summary>
    public static List<CorpusMessage> Candidates(string name)
    {
        var ctx = CaptureCorpus.Sessions.TryGetValue(name, out var s) ? s.Context : CodecContext.Default;
        var list = new List<CorpusMessage>();
        foreach (var stream in CaptureFile.ReadTcpStreams(TestData.Path("pcap", name)).Items)
        {
            var data = stream.Data.Span;
            for (int at = data.IndexOf(Marker); at >= 0 && data.Length - at >= 19; at = Next(data, at))
            {
                int declared = BinaryPrimitives.ReadUInt16BigEndian(data[(at + 16)..]);
                int take = Math.Min(Math.Max(declared, 19), data.Length - at);
                string cut = take < declared ? $", cut at {take} of {declared}" : "";
                list.Add(new CorpusMessage($"{name} @{stream.Direction} +{at}{cut}", data.Slice(at, take).ToArray(), ctx));
            }
        }
        return list;
    }

    private static int Next(ReadOnlySpan<byte> data, int at)
    {
        int i = data[(at + 1)..].IndexOf(Marker);
        return i < 0 ? -1 : at + 1 + i;
    }

    private static ReadOnlySpan<byte> Marker => [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

    /// <summary>Other session contexts each candidate is also decoded under, for robustness only.</summary>
    public static readonly CodecContext[] OtherContexts =
    [
        CodecContext.Default,
        CodecContext.TwoOctetAs,
        CodecContext.Default with { ReceiveAddPath = new FamilySet(AfiSafi.Ipv4Unicast, AfiSafi.Ipv6Unicast), PeerKind = PeerKind.Internal },
        CodecContext.TwoOctetAs with { ExtendedMessages = true, PeerKind = PeerKind.External },
    ];
}
