using System.Buffers;
using System.IO.Compression;
using Bgp.Wire;
using Bgp.Wire.Mrt;

namespace Bgp.ReplayPeer;

/// <summary>How the recorded UPDATEs are rewritten for one tester.</summary>
public sealed record FeedOptions(
    uint LocalAs,
    int TesterIndex,
    IpAddr NextHop,
    IReadOnlySet<uint> DropAs);

/// <summary>
/// The IPv4 unicast UPDATEs of an MRT update file (BGP4MP messages of one recorded peer), rewritten
/// as this tester announces them over an eBGP session, encoded once up front so that sending is
/// nothing but socket writes.
/// </summary>
/// <remarks>
/// Per UPDATE: the tester's AS is prepended to AS_PATH, and once more for the prefixes where
/// <see cref="ExtraPrepend"/> says so (a hash of prefix and tester index, so different testers win
/// different prefixes); NEXT_HOP becomes the tester's; attributes that must not cross an eBGP
/// session (LOCAL_PREF, ORIGINATOR_ID, CLUSTER_LIST) and AS4_PATH/AS4_AGGREGATOR (the session is
/// 4-octet) are left out; other address families are ignored. A route whose recorded AS_PATH holds
/// one of <see cref="FeedOptions.DropAs"/> (the target's, the monitor's or a tester's AS, which
/// the receiver would reject as a loop) is not announced; if the prefix was announced before, it is
/// withdrawn instead, as the recorded peer's replacement would have done.
/// </remarks>
public sealed class Feed
{
    private Feed(byte[] bytes, int[] messageEnds, int updates, int finalPrefixes, long announced, long withdrawn, long dropped)
    {
        Bytes = bytes;
        MessageEnds = messageEnds;
        Updates = updates;
        FinalPrefixes = finalPrefixes;
        Announced = announced;
        Withdrawn = withdrawn;
        Dropped = dropped;
    }

    /// <summary>Every UPDATE, whole messages back to back.</summary>
    public byte[] Bytes { get; }

    /// <summary>The offset just past each message in <see cref="Bytes"/>.</summary>
    public int[] MessageEnds { get; }

    public int Updates { get; }

    /// <summary>Distinct prefixes still announced once the whole feed has been sent.</summary>
    public int FinalPrefixes { get; }

    public long Announced { get; }
    public long Withdrawn { get; }

    /// <summary>Announcements left out because their AS_PATH held an AS of <see cref="FeedOptions.DropAs"/>.</summary>
    public long Dropped { get; }

    /// <summary>True when this tester announces <paramref name="prefix"/> with its AS twice (splitmix64 of prefix and index, odd).</summary>
    public static bool ExtraPrepend(Prefix prefix, int testerIndex)
    {
        ulong x = ((ulong)prefix.Address.V4Value << 8) ^ prefix.Length ^ ((ulong)(uint)testerIndex << 40);
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return (x & 1) == 1;
    }

    public static Feed Load(string path, FeedOptions options)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no such MRT file: {path}", path);
        if (path.EndsWith(".bz2", StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{path}: bzip2 is not supported here; decompress it or use a .gz file");

        using var file = File.OpenRead(path);
        using Stream input = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionMode.Decompress)
            : file;
        using var reader = new MrtReader(input, leaveOpen: true);

        var output = new ArrayBufferWriter<byte>(1 << 20);
        var ctx = CodecContext.Default;
        var state = new HashSet<Prefix>();
        var withdraw = new List<Nlri>();
        var single = new List<Nlri>();
        var twice = new List<Nlri>();
        var attributes = new List<PathAttribute>();
        long announced = 0, withdrawn = 0, dropped = 0;
        int messages = 0;
        IpAddr? peer = null;

        while (reader.TryRead(out var record))
        {
            if (record is MalformedMrtRecord bad)
                throw new InvalidDataException($"{path}: malformed MRT record at offset {bad.Offset}: {bad.Reason}");
            if (record is not Bgp4MpMessageRecord { Message: UpdateMessage update } message) continue;
            if (!message.Errors.IsEmpty)
                throw new InvalidDataException($"{path}: an UPDATE at {message.Timestamp} did not decode cleanly: {message.Errors[0]}");
            if (peer is { } known && !known.Equals(message.PeerAddress))
                throw new InvalidDataException($"{path}: more than one recorded peer ({known}, {message.PeerAddress})");
            peer = message.PeerAddress;

            withdraw.Clear();
            single.Clear();
            twice.Clear();
            foreach (var (family, route) in update.WithdrawnRoutes())
            {
                if (family != AfiSafi.Ipv4Unicast) continue;
                withdraw.Add(route.Prefix);
                if (state.Remove(route.Prefix)) withdrawn++;
            }

            var path0 = update.AsPath;
            bool drop = path0 is { } p && ContainsAny(p, options.DropAs);
            foreach (var (family, route) in update.Announced())
            {
                if (family != AfiSafi.Ipv4Unicast) continue;
                if (drop)
                {
                    dropped++;
                    if (state.Remove(route.Prefix)) withdraw.Add(route.Prefix);
                    continue;
                }
                state.Add(route.Prefix);
                announced++;
                (ExtraPrepend(route.Prefix, options.TesterIndex) ? twice : single).Add(route.Prefix);
            }

            if (withdraw.Count > 0) messages += UpdatePacker.Withdraw(output, AfiSafi.Ipv4Unicast, withdraw.ToArray(), ctx);
            if (single.Count == 0 && twice.Count == 0) continue;
            if (path0 is null)
                throw new InvalidDataException($"{path}: an UPDATE at {message.Timestamp} announces routes without an AS_PATH");

            foreach (var (routes, prepends) in new[] { (single, 1), (twice, 2) })
            {
                if (routes.Count == 0) continue;
                attributes.Clear();
                foreach (var a in update.Attributes)
                {
                    switch (a.Type)
                    {
                        case AttrType.AsPath:
                            attributes.Add(new AsPathAttribute(Prepend(path0.Value, options.LocalAs, prepends)));
                            break;
                        case AttrType.NextHop or AttrType.MpReachNlri or AttrType.MpUnreachNlri or AttrType.LocalPref
                            or AttrType.OriginatorId or AttrType.ClusterList or AttrType.As4Path or AttrType.As4Aggregator:
                            break;
                        default:
                            attributes.Add(a);
                            break;
                    }
                }
                attributes.Sort((x, y) => x.Type.CompareTo(y.Type));
                messages += UpdatePacker.Announce(output, AfiSafi.Ipv4Unicast, new NextHop(options.NextHop),
                    attributes.ToArray(), routes.ToArray(), ctx);
            }
        }
        if (peer is null) throw new InvalidDataException($"{path}: no BGP4MP UPDATE records");

        var bytes = output.WrittenSpan.ToArray();
        var ends = new int[messages];
        int at = 0;
        for (int i = 0; i < messages; i++)
        {
            int length = (bytes[at + 16] << 8) | bytes[at + 17];
            at += length;
            ends[i] = at;
        }
        if (at != bytes.Length) throw new InvalidOperationException("encoded feed does not frame into whole messages");
        return new Feed(bytes, ends, messages, state.Count, announced, withdrawn, dropped);
    }

    private static bool ContainsAny(AsPath path, IReadOnlySet<uint> asns)
    {
        if (asns.Count == 0) return false;
        foreach (var segment in path.Segments)
            foreach (var asn in segment.Asns)
                if (asns.Contains(asn)) return true;
        return false;
    }

    /// <summary>RFC 4271 §5.1.2 b: the AS goes in front of a leading AS_SEQUENCE, or in a new one.</summary>
    public static AsPath Prepend(AsPath path, uint asn, int times)
    {
        var segments = path.Segments.ToList();
        if (segments.Count > 0 && segments[0].SegmentType == AsPathSegmentType.AsSequence && segments[0].Asns.Count + times <= 255)
        {
            var asns = new uint[segments[0].Asns.Count + times];
            asns.AsSpan(0, times).Fill(asn);
            segments[0].Asns.AsSpan().CopyTo(asns.AsSpan(times));
            segments[0] = AsPathSegment.Sequence(asns);
        }
        else
        {
            var asns = new uint[times];
            asns.AsSpan().Fill(asn);
            segments.Insert(0, AsPathSegment.Sequence(asns));
        }
        return new AsPath(segments.ToArray());
    }
}
