using System.Buffers;
using BenchmarkDotNet.Attributes;
using Bgp.Wire;

namespace Bgp.Benchmarks;

/// <summary>
/// The wire codec's hot paths, sized like rustbgpd's published codec figures: a 500-prefix IPv4
/// UPDATE with a typical attribute set (ORIGIN, a 5-AS AS_PATH, NEXT_HOP, MED, LOCAL_PREF and
/// three COMMUNITIES), and that attribute set alone.
/// </summary>
[MemoryDiagnoser]
public class UpdateCodecBenchmarks
{
    private const int Prefixes = 500;
    private byte[] _update500 = [];
    private byte[] _attrsOnlyBody = [];
    private UpdateMessage _message = null!;
    private PathAttribute[] _attrs = [];
    private PathAttribute[] _attrsWithoutNextHop = [];
    private Nlri[] _routes = [];
    private readonly byte[] _out = new byte[4096];
    private readonly ArrayBufferWriter<byte> _writer = new(8192);
    private static readonly NextHop NextHop = new(IpAddr.Parse("192.0.2.1"));

    public static PathAttribute[] TypicalAttributes() =>
    [
        OriginAttribute.Igp,
        new AsPathAttribute(AsPath.FromSequence(65001, 174, 3356, 2914, 64512)),
        new NextHopAttribute(IpAddr.Parse("192.0.2.1")),
        new MedAttribute(100),
        new LocalPrefAttribute(200),
        new CommunitiesAttribute(new[] { new Community(65001, 100), new Community(65001, 200), new Community(174, 21000) }),
    ];

    [GlobalSetup]
    public void Setup()
    {
        _attrs = TypicalAttributes();
        _attrsWithoutNextHop = _attrs.Where(a => a is not NextHopAttribute).ToArray();
        _routes = Enumerable.Range(0, Prefixes).Select(i => (Nlri)Prefix.V4(0x0A000000u + ((uint)i << 8), 24)).ToArray();
        _message = new UpdateMessage(default, _attrs, _routes);
        _update500 = MessageEncoder.Encode(_message);
        _attrsOnlyBody = MessageEncoder.Encode(new UpdateMessage(default, _attrs, default)).AsSpan(19).ToArray();
    }

    /// <summary>Decodes the whole 500-prefix UPDATE (header checks, attributes, NLRI, RFC 7606 checks).</summary>
    [Benchmark]
    public UpdateMessage? ParseUpdate500() => (UpdateMessage?)MessageDecoder.Decode(_update500, CodecContext.Default).Message;

    /// <summary>Builds the same UPDATE from the decoded model into a reused buffer.</summary>
    [Benchmark]
    public int BuildUpdate500() => MessageEncoder.Write(_out, _message, CodecContext.Default);

    /// <summary>Packs 500 routes sharing the attribute set into UPDATEs (the route-server send path).</summary>
    [Benchmark]
    public int PackUpdate500()
    {
        _writer.ResetWrittenCount();
        return UpdatePacker.Announce(_writer, AfiSafi.Ipv4Unicast, NextHop, _attrsWithoutNextHop, _routes, CodecContext.Default);
    }

    /// <summary>The NLRI field alone: 500 IPv4 /24 prefixes.</summary>
    [Benchmark]
    public int ReadNlri500()
    {
        NlriCodec.TryRead(_update500.AsSpan(_update500.Length - Prefixes * 4), false, false, out var r, out _);
        return r.Count;
    }

    /// <summary>Decodes the typical attribute set: the Path Attributes field alone.</summary>
    [Benchmark]
    public EquatableArray<PathAttribute>? DecodeTypicalAttributes() => UpdateDecoder.DecodeAttributes(_attrsOnlyBody.AsSpan(4), CodecContext.Default, out _);

    /// <summary>The same attributes as a whole UPDATE body without NLRI (adds the message object and the mandatory check).</summary>
    [Benchmark]
    public UpdateMessage? DecodeUpdateWithoutNlri() => UpdateDecoder.Decode(_attrsOnlyBody, CodecContext.Default, out _);
}
