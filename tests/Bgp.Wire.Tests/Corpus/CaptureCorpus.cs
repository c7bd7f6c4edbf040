using Bgp.TestKit;
using Bgp.Wire.Tests.Support.Captures;

namespace Bgp.Wire.Tests.Corpus;

/// <summary>
/// The BGP messages of every capture under testdata/pcap, each with the context its receiver
/// would decode it under. Messages are taken per TCP direction in order; the OPENs of both
/// directions of a connection are tracked and <see cref="CodecContext.Negotiate"/> gives the
/// context once both are seen (RFC 6793 4-octet AS, RFC 7911 add-path, RFC 8654 extended messages).
/// </summary>
public static class CaptureCorpus
{
    /// <summary>Ports BGP runs on in these captures: 179, and 1179 in three PacketLife captures.</summary>
    public static readonly int[] Ports = [179, 1179];

    /// <summary>A capture's BGP messages; <see cref="Captured"/> is the reader's view of the same messages, index for index.</summary>
    public sealed class CaptureSource(string name, string path, IReadOnlyList<CorpusMessage> messages,
        IReadOnlyList<CapturedMessage> captured, IReadOnlyList<CaptureWarning> warnings)
    {
        public string Name { get; } = name;
        public string Path { get; } = path;
        public IReadOnlyList<CorpusMessage> Messages { get; } = messages;
        public IReadOnlyList<CapturedMessage> Captured { get; } = captured;
        public IReadOnlyList<CaptureWarning> Warnings { get; } = warnings;
        public override string ToString() => Name;
    }

    /// <summary>
    /// Sessions whose OPENs the capture does not hold (it starts mid-session), with the context the
    /// rest of the capture, or tcpdump's expected output (<c>.out</c>), shows the session used.
    /// Captures not listed and without OPENs are read as a modern 4-octet session without add-path.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (CodecContext Context, string Why)> Sessions =
        new Dictionary<string, (CodecContext, string)>
        {
            ["packetlife/4-byte_AS_numbers_Mixed_Scenario.cap"] = (CodecContext.TwoOctetAs,
                "the updates carry AS4_PATH, which a 4-octet speaker sends only to a 2-octet one (RFC 6793 §4.2.2)"),
            ["packetlife/BGP_soft_reset.cap"] = (CodecContext.TwoOctetAs,
                "the same two routers (1.1.1.1, 2.2.2.2, port 19252) open without the 4-octet AS capability in BGP_hard_reset.cap"),
            ["tcpdump/bgp-aigp-2.pcap"] = (CodecContext.TwoOctetAs, "bgp-aigp-2.out: AS Path length 4 holding one AS"),
            ["tcpdump/bgp-rt-prefix.pcap"] = (CodecContext.TwoOctetAs, "bgp-rt-prefix.out: AS Path length 4 holding one AS"),
            ["tcpdump/mpbgp-linklocal-nexthop.pcap"] = (CodecContext.TwoOctetAs, "mpbgp-linklocal-nexthop.out: AS Path length 4 holding one AS"),
            ["tcpdump/bgp-addpath.pcap"] = (CodecContext.TwoOctetAs with { ReceiveAddPath = new FamilySet(AfiSafi.Ipv4Unicast, AfiSafi.Ipv6Unicast) },
                "bgp-addpath.out: Path Id on IPv4 and IPv6 unicast routes (RFC 7911), AS Path length 6 holding two ASes"),
        };

    /// <summary>One-direction captures whose OPENs sit in a companion capture of the same replay.</summary>
    private static readonly IReadOnlyDictionary<string, string> OpenCompanions = new Dictionary<string, string>
    {
        ["netgauze/pmacct-tests_305-BGP-mem-leak-test/bgp-multi-sources-update-keepalive.pcap"] =
            "netgauze/pmacct-tests_305-BGP-mem-leak-test/bgp-multi-sources-open.pcap",
    };

    /// <summary>Not BGP: tcpdump's RPKI-RTR (RFC 8210) fuzz case on TCP 49600.</summary>
    public static readonly IReadOnlySet<string> NotBgp = new HashSet<string> { "tcpdump/rpki-rtr-oobr.pcap" };

    private static readonly Lazy<IReadOnlyList<CaptureSource>> LazyFiles = new(Load);

    public static IReadOnlyList<CaptureSource> Files() => LazyFiles.Value;

    public static CaptureSource File(string name) => Files().Single(f => f.Name == name);

    private static IReadOnlyList<CaptureSource> Load()
    {
        var list = new List<CaptureSource>();
        foreach (var path in CapturePaths())
        {
            string name = System.IO.Path.GetRelativePath(TestData.Path("pcap"), path).Replace('\\', '/');
            if (NotBgp.Contains(name)) continue;
            var opens = new Dictionary<TcpDirection, OpenMessage>();
            if (OpenCompanions.TryGetValue(name, out var companion))
                TrackOpens(CaptureFile.ReadBgpMessages(TestData.Path("pcap", companion), Ports).Items, opens);
            var read = CaptureFile.ReadBgpMessages(path, Ports);
            list.Add(new CaptureSource(name, path, Contexts(name, read.Items, opens), read.Items, read.Warnings));
        }
        return list;
    }

    /// <summary>
    /// Every tcpdump and PacketLife capture, and the NetGauze captures of BGP sessions (those with an
    /// <c>X-bgp.json</c>; the others carry BMP on ports 1790/10000, not a BGP session).
    /// </summary>
    private static IEnumerable<string> CapturePaths() =>
        new[] { "tcpdump", "packetlife", "netgauze" }
            .SelectMany(d => Directory.EnumerateFiles(TestData.Path("pcap", d), "*", SearchOption.AllDirectories))
            .Where(p => p.EndsWith(".pcap", StringComparison.Ordinal) || p.EndsWith(".pcapng", StringComparison.Ordinal)
                || p.EndsWith(".cap", StringComparison.Ordinal))
            .Where(p => !p.Contains("/netgauze/", StringComparison.Ordinal) || System.IO.File.Exists(NetGauzeJsonPath(p)))
            .Order(StringComparer.Ordinal);

    /// <summary>NetGauze's decoding beside a capture: <c>X.pcap</c> → <c>X-bgp.json</c>.</summary>
    public static string NetGauzeJsonPath(string capturePath) =>
        System.IO.Path.ChangeExtension(capturePath, null) + "-bgp.json";

    /// <summary>Pairs each message with the context of its direction at the moment it was sent.</summary>
    private static List<CorpusMessage> Contexts(string name, IReadOnlyList<CapturedMessage> items, Dictionary<TcpDirection, OpenMessage> opens)
    {
        var fallback = Sessions.TryGetValue(name, out var s) ? s.Context : CodecContext.Default;
        var result = new List<CorpusMessage>(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            var c = items[i];
            var ctx = ContextFor(c.Direction, opens) ?? fallback;
            result.Add(new CorpusMessage($"{name}#{i + 1} (frame {c.FrameNumber}, {c.Direction})", c.Bytes, ctx));
            if (c.Type == (byte)MessageType.Open && MessageDecoder.Decode(c.Bytes, ctx).Message is OpenMessage o)
                opens[c.Direction] = o;
        }
        return result;
    }

    private static void TrackOpens(IEnumerable<CapturedMessage> items, Dictionary<TcpDirection, OpenMessage> opens)
    {
        foreach (var c in items)
            if (c.Type == (byte)MessageType.Open && MessageDecoder.Decode(c.Bytes, CodecContext.Default).Message is OpenMessage o)
                opens[c.Direction] = o;
    }

    /// <summary>
    /// The receiver's context for what <paramref name="d"/> carries: negotiated from the receiver's
    /// OPEN (ours) and the sender's (theirs). With only one of them in the capture, the other side
    /// is taken to offer the same, as a collector such as pmacct does; with neither, null.
    /// </summary>
    private static CodecContext? ContextFor(TcpDirection d, Dictionary<TcpDirection, OpenMessage> opens)
    {
        bool haveSender = opens.TryGetValue(d, out var sender), haveReceiver = opens.TryGetValue(d.Reverse, out var receiver);
        if (!haveSender && !haveReceiver) return null;
        return CodecContext.Negotiate(receiver ?? Mirror(sender!), sender ?? Mirror(receiver!));
    }

    /// <summary>
    /// The OPEN a missing side is taken to have sent: the same capabilities, except add-path, which
    /// needs each side's own Send/Receive (RFC 7911 §5) and so is never assumed.
    /// </summary>
    private static OpenMessage Mirror(OpenMessage o) => o with
    {
        Capabilities = o.Capabilities.Where(c => c is not AddPathCapability).ToArray(),
    };
}
