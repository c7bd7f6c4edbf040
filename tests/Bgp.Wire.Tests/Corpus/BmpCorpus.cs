using System.Buffers.Binary;
using Bgp.TestKit;
using Bgp.Wire.Tests.Support.Captures;

namespace Bgp.Wire.Tests.Corpus;

/// <summary>
/// The BGP messages the NetGauze/pmacct BMP captures carry (RFC 7854, RFC 9069 Loc-RIB, and the
/// BMPv4 TLV draft): the UPDATE of each Route Monitoring, the two OPENs of each Peer Up and the
/// NOTIFICATION of a Peer Down. Each UPDATE is decoded with the context its peer's Peer Up OPENs
/// negotiated; the per-peer A flag overrides the AS number width (RFC 7854 §4.2).
/// <code>
/// common header:   version(1) length(4) type(1)
/// per-peer header: type(1) flags(1) distinguisher(8) address(16) AS(4) BGP ID(4) seconds(4) microseconds(4)
/// Peer Up:         local address(16) local port(2) remote port(2) sent OPEN, received OPEN, TLVs
/// Peer Down:       reason(1), then a NOTIFICATION for reasons 1 and 3
/// BMPv4 TLV:       type(2) length(2) index(2) value   (type 4: the BGP PDU; type 1: a capability)
/// </code>
/// </summary>
public static class BmpCorpus
{
    /// <summary>BMP has no assigned port; these collectors listen on 1790 and 10000.</summary>
    public static readonly int[] Ports = [1790, 10000];

    /// <summary>One BMP message and the BGP messages it carries.</summary>
    public sealed class BmpMessage(string source, int version, byte type, IReadOnlyList<CorpusMessage> bgp)
    {
        public string Source { get; } = source;
        public int Version { get; } = version;
        public byte Type { get; } = type;
        public IReadOnlyList<CorpusMessage> Bgp { get; } = bgp;
    }

    public sealed class BmpSource(string name, string path, IReadOnlyList<BmpMessage> messages)
    {
        public string Name { get; } = name;
        public string Path { get; } = path;
        public IReadOnlyList<BmpMessage> Messages { get; } = messages;
        public override string ToString() => Name;
    }

    /// <summary>A one-type capture whose Peer Ups sit in a companion capture of the same replay.</summary>
    private static readonly IReadOnlyDictionary<string, string> PeerUpCompanions = new Dictionary<string, string>
    {
        ["netgauze/pmacct-tests_208-BMP-mem-leak-test/bmp-multi-sources-route-monitoring.pcap"] =
            "netgauze/pmacct-tests_208-BMP-mem-leak-test/bmp-multi-sources-peer-up.pcap",
    };

    private const byte RouteMonitoring = 0, PeerDown = 2, PeerUp = 3;
    private const byte LocRibPeer = 3;          // RFC 9069 §4.1
    private const byte FlagAdjRibOut = 0x10;    // RFC 8671 §4: O
    private const byte FlagTwoOctetAs = 0x20;   // RFC 7854 §4.2: A
    private const int PerPeerEnd = 48;

    private static readonly Lazy<IReadOnlyList<BmpSource>> LazyFiles = new(Load);

    public static IReadOnlyList<BmpSource> Files() => LazyFiles.Value;

    private static IReadOnlyList<BmpSource> Load()
    {
        var list = new List<BmpSource>();
        var paths = Directory.EnumerateFiles(TestData.Path("pcap", "netgauze"), "*.pcap", SearchOption.AllDirectories)
            .Where(p => !File.Exists(CaptureCorpus.NetGauzeJsonPath(p))).Order(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            string name = Path.GetRelativePath(TestData.Path("pcap"), path).Replace('\\', '/');
            var peers = new Dictionary<string, (OpenMessage Sent, OpenMessage Received)>();
            if (PeerUpCompanions.TryGetValue(name, out var companion))
                Read(companion, CaptureFile.ReadBmpMessages(TestData.Path("pcap", companion), Ports).Items, peers);
            list.Add(new BmpSource(name, path, Read(name, CaptureFile.ReadBmpMessages(path, Ports).Items, peers)));
        }
        return list;
    }

    private static List<BmpMessage> Read(string name, IReadOnlyList<CapturedMessage> items, Dictionary<string, (OpenMessage, OpenMessage)> peers)
    {
        var result = new List<BmpMessage>(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            var b = items[i].Bytes;
            string source = $"{name}#{i + 1} (frame {items[i].FrameNumber})";
            byte type = b[5];
            bool perPeer = type is RouteMonitoring or 1 or PeerDown or PeerUp or 6;
            byte flags = perPeer ? b[7] : (byte)0;
            string key = perPeer ? $"{items[i].Direction}|{Convert.ToHexString(b.AsSpan(6, 1))}|{Convert.ToHexString(b.AsSpan(8, 24))}" : "";
            var bgp = new List<CorpusMessage>();
            switch (type)
            {
                case PeerUp:
                    int at = PerPeerEnd + 20;
                    var sent = Pdu(b, at);
                    var received = Pdu(b, at + sent.Length);
                    bgp.Add(new CorpusMessage(source + " sent OPEN", sent, CodecContext.Default));
                    bgp.Add(new CorpusMessage(source + " received OPEN", received, CodecContext.Default));
                    if (MessageDecoder.Decode(sent, CodecContext.Default).Message is OpenMessage s
                        && MessageDecoder.Decode(received, CodecContext.Default).Message is OpenMessage r)
                        peers[key] = (s, r);
                    break;
                case RouteMonitoring:
                    var (pdu, stateless) = b[0] == 4 ? FromTlvs(b) : (Pdu(b, PerPeerEnd), null);
                    if (pdu is not null) bgp.Add(new CorpusMessage(source + " UPDATE", pdu, UpdateContext(b[6], flags, peers.GetValueOrDefault(key), stateless)));
                    break;
                case PeerDown when b[PerPeerEnd] is 1 or 3: // RFC 7854 §4.9: a NOTIFICATION PDU follows
                    bgp.Add(new CorpusMessage(source + " NOTIFICATION", Pdu(b, PerPeerEnd + 1), CodecContext.Default));
                    break;
            }
            result.Add(new BmpMessage(source, b[0], type, bgp));
        }
        return result;
    }

    /// <summary>The BGP message at <paramref name="at"/>, as long as its header says (or what remains).</summary>
    private static byte[] Pdu(byte[] b, int at)
    {
        int len = b.Length - at >= 19 ? BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(at + 16)) : b.Length - at;
        return b.AsSpan(at, Math.Clamp(len, 0, b.Length - at)).ToArray();
    }

    /// <summary>BMPv4 Route Monitoring: the BGP PDU TLV (type 4) and any stateless-parsing capability TLV (type 1).</summary>
    private static (byte[]? Pdu, Capability? Stateless) FromTlvs(byte[] b)
    {
        byte[]? pdu = null;
        Capability? cap = null;
        for (int i = PerPeerEnd; i + 6 <= b.Length;)
        {
            int t = BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(i)), len = BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(i + 2));
            var value = b.AsSpan(i + 6, Math.Min(len, b.Length - i - 6));
            if (t == 4) pdu = value.ToArray();
            if (t == 1 && value.Length >= 2) cap = CapabilityCodec.Read(value[0], value.Slice(2, Math.Min(value[1], value.Length - 2)), out _);
            i += 6 + len;
        }
        return (pdu, cap);
    }

    /// <summary>
    /// Adj-RIB-In UPDATEs are what the peer sent the monitored router: negotiated from the router's
    /// sent OPEN (local) and the peer's (remote); Adj-RIB-Out (O flag) the other way round.
    /// </summary>
    private static CodecContext UpdateContext(byte peerType, byte flags, (OpenMessage Sent, OpenMessage Received) opens, Capability? stateless)
    {
        var ctx = opens.Sent is null ? CodecContext.Default
            : peerType != LocRibPeer && (flags & FlagAdjRibOut) != 0 ? CodecContext.Negotiate(opens.Received, opens.Sent)
            : CodecContext.Negotiate(opens.Sent, opens.Received);
        // RFC 7854 §4.2: the A flag says which AS_PATH format the message uses; Loc-RIB is always 4-octet (RFC 9069 §4.1).
        ctx = ctx with { FourOctetAs = peerType == LocRibPeer || (flags & FlagTwoOctetAs) == 0 };
        if (stateless is AddPathCapability a)
            ctx = ctx with { ReceiveAddPath = new FamilySet([.. ctx.ReceiveAddPath.Items, .. a.Families.Where(f => (f.Mode & AddPathMode.Send) != 0).Select(f => f.Family)]) };
        return ctx;
    }
}
