using System.Buffers.Binary;

namespace Bgp.Wire;

/// <summary>
/// AS_PATH / AS4_PATH segments (RFC 4271 §4.3, RFC 6793 §3).
/// <code>
/// +--------------+---------------+--------------------------------+
/// | Type (1)     | Count (1)     | Count x AS (2 or 4 octets)     |
/// +--------------+---------------+--------------------------------+
/// </code>
/// </summary>
public static class AsPathCodec
{
    /// <summary>Parses segments with 2- or 4-octet ASNs; the malformations are RFC 7606 §7.2's.</summary>
    public static bool TryRead(ReadOnlySpan<byte> v, int asSize, out AsPath path, out string? error)
    {
        path = AsPath.Empty;
        error = null;
        if (v.IsEmpty) return true;

        // The common case, one well-formed segment filling the attribute: a single pass.
        if (v.Length >= 2 && v[0] is >= 1 and <= 4 && v[1] != 0 && 2 + v[1] * asSize == v.Length)
        {
            var one = new uint[v[1]];
            var src = v[2..];
            if (asSize == 4)
                for (int k = 0; k < one.Length; k++) one[k] = BinaryPrimitives.ReadUInt32BigEndian(src[(k * 4)..]);
            else
                for (int k = 0; k < one.Length; k++) one[k] = BinaryPrimitives.ReadUInt16BigEndian(src[(k * 2)..]);
            path = v[0] == (byte)AsPathSegmentType.AsSequence
                ? AsPath.FromSequence(one)
                : new AsPath(new EquatableArray<AsPathSegment>([new AsPathSegment((AsPathSegmentType)v[0], one)]));
            return true;
        }

        int segments = 0;
        for (int i = 0; i < v.Length;)
        {
            if (v.Length - i < 2) { error = "a single octet remains after the last segment"; return false; }
            byte type = v[i];
            int count = v[i + 1];
            if (type is < 1 or > 4) { error = $"unrecognised segment type {type}"; return false; }
            if (count == 0) { error = "segment of length zero"; return false; }
            int next = i + 2 + count * asSize;
            if (next > v.Length) { error = "segment overruns the attribute"; return false; }
            i = next;
            segments++;
        }

        var segs = new AsPathSegment[segments];
        for (int i = 0, s = 0; s < segments; s++)
        {
            var type = (AsPathSegmentType)v[i];
            int count = v[i + 1];
            i += 2;
            var asns = new uint[count];
            if (asSize == 4)
                for (int k = 0; k < count; k++, i += 4) asns[k] = BinaryPrimitives.ReadUInt32BigEndian(v[i..]);
            else
                for (int k = 0; k < count; k++, i += 2) asns[k] = BinaryPrimitives.ReadUInt16BigEndian(v[i..]);
            segs[s] = new AsPathSegment(type, asns);
        }
        path = new AsPath(new EquatableArray<AsPathSegment>(segs));
        return true;
    }

    /// <summary>Octets needed; segments over 255 ASNs are split (RFC 4271 §5.1.2 allows that).</summary>
    public static int EncodedLength(AsPath path, int asSize, bool skipConfed = false)
    {
        int n = 0;
        foreach (var seg in path.Segments)
        {
            if (skipConfed && seg.IsConfederation) continue;
            int count = seg.Asns.Count;
            int chunks = (count + 254) / 255;
            n += chunks * 2 + count * asSize;
        }
        return n;
    }

    /// <summary>
    /// Writes the path. With <paramref name="asSize"/> 2, ASNs above 65535 become AS_TRANS (RFC 6793 §4.2.2).
    /// </summary>
    public static int Write(Span<byte> dst, AsPath path, int asSize, bool skipConfed = false)
    {
        int i = 0;
        foreach (var seg in path.Segments)
        {
            if (skipConfed && seg.IsConfederation) continue;
            var asns = seg.Asns.AsSpan();
            while (!asns.IsEmpty)
            {
                int take = Math.Min(asns.Length, 255);
                dst[i++] = (byte)seg.SegmentType;
                dst[i++] = (byte)take;
                foreach (uint a in asns[..take])
                {
                    if (asSize == 4) { BinaryPrimitives.WriteUInt32BigEndian(dst[i..], a); i += 4; }
                    else { BinaryPrimitives.WriteUInt16BigEndian(dst[i..], a > ushort.MaxValue ? BgpLimits.AsTrans : (ushort)a); i += 2; }
                }
                asns = asns[take..];
            }
        }
        return i;
    }
}
