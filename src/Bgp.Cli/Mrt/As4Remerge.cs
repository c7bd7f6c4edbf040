using System.Buffers.Binary;
using Bgp.Wire;

namespace Bgp.Cli.Mrt;

/// <summary>
/// bgpdump merges AS4_PATH into a 2-octet AS_PATH even where RFC 6793 §4.2.3 says to ignore it
/// (an AGGREGATOR that is not AS_TRANS). The decoder follows the RFC and flags the message, which
/// keeps its raw bytes; this finds AS4_PATH there again so the printed path matches bgpdump's.
/// </summary>
internal static class As4Remerge
{
    /// <param name="update">An UPDATE: with its 19-octet header when <paramref name="hasHeader"/>, else the body alone.</param>
    public static AsPath? Merge(AsPath? asPath, ReadOnlySpan<byte> update, bool hasHeader)
    {
        if (asPath is not { } path2 || !path2.Contains(BgpLimits.AsTrans)) return null;
        var as4 = FindAttribute(hasHeader ? update[Math.Min(update.Length, BgpLimits.HeaderLength)..] : update, (byte)AttrType.As4Path);
        if (as4.IsEmpty || !AsPathCodec.TryRead(as4, 4, out var path4, out _)) return null;
        return AsPath.Reconstruct(path2, path4);
    }

    /// <summary>The value of the first attribute with <paramref name="code"/> in an UPDATE body, or empty.</summary>
    private static ReadOnlySpan<byte> FindAttribute(ReadOnlySpan<byte> body, byte code)
    {
        if (body.Length < 4) return default;
        int wd = BinaryPrimitives.ReadUInt16BigEndian(body);
        if (body.Length < 4 + wd) return default;
        int total = BinaryPrimitives.ReadUInt16BigEndian(body[(2 + wd)..]);
        var attrs = body.Slice(4 + wd, Math.Min(total, body.Length - 4 - wd));
        for (int i = 0; i < attrs.Length;)
        {
            if (attrs.Length - i < 3) break;
            bool ext = (attrs[i] & (byte)AttrFlags.ExtendedLength) != 0;
            if (ext && attrs.Length - i < 4) break;
            int len = ext ? BinaryPrimitives.ReadUInt16BigEndian(attrs[(i + 2)..]) : attrs[i + 2];
            int hdr = ext ? 4 : 3;
            if (i + hdr + len > attrs.Length) break;
            if (attrs[i + 1] == code) return attrs.Slice(i + hdr, len);
            i += hdr + len;
        }
        return default;
    }
}
