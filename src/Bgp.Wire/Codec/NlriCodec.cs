using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Bgp.Wire;

/// <summary>
/// Prefix NLRI encoding (RFC 4271 §4.3, RFC 4760 §5, RFC 7911 §3 with path identifiers).
/// <code>
/// +---------------------------+
/// | Path Identifier (4, opt.) |   present only where add-path is negotiated
/// +---------------------------+
/// | Length (1 octet, in bits) |
/// +---------------------------+
/// | Prefix (ceil(Length/8))   |
/// +---------------------------+
/// </code>
/// </summary>
public static class NlriCodec
{
    /// <summary>
    /// Parses a run of prefixes. Returns false with a reason when a length exceeds the family's
    /// maximum or a prefix overruns the field (RFC 7606 §5.3).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> src, bool v6, bool addPath, out EquatableArray<Nlri> result, out string? error)
    {
        result = default;
        if (src.IsEmpty) { error = null; return true; }
        int count = Count(src, v6 ? 128 : 32, addPath, out error);
        if (count < 0) return false;
        var items = new Nlri[count];
        if (v6) ReadV6(src, addPath, items); else ReadV4(src, addPath, items);
        result = new EquatableArray<Nlri>(items);
        return true;
    }

    /// <summary>Validates and counts; -1 on error.</summary>
    private static int Count(ReadOnlySpan<byte> src, int maxBits, bool addPath, out string? error)
    {
        int i = 0, n = 0;
        int idLen = addPath ? 4 : 0;
        while (i < src.Length)
        {
            if (src.Length - i < idLen + 1)
            {
                error = $"truncated NLRI entry at offset {i}";
                return -1;
            }
            int bits = src[i + idLen];
            if (bits > maxBits)
            {
                error = $"prefix length {bits} exceeds {maxBits} at offset {i}";
                return -1;
            }
            int next = i + idLen + 1 + ((bits + 7) >> 3);
            if (next > src.Length)
            {
                error = $"prefix overruns the NLRI field at offset {i}";
                return -1;
            }
            i = next;
            n++;
        }
        error = null;
        return n;
    }

    private static void ReadV4(ReadOnlySpan<byte> src, bool addPath, Nlri[] items)
    {
        int i = 0;
        for (int k = 0; k < items.Length; k++)
        {
            uint id = 0;
            if (addPath) { id = BinaryPrimitives.ReadUInt32BigEndian(src[i..]); i += 4; }
            int bits = src[i++];
            uint a;
            switch ((bits + 7) >> 3)
            {
                case 0: a = 0; break;
                case 1: a = (uint)src[i] << 24; i += 1; break;
                case 2: a = ((uint)src[i] << 24) | ((uint)src[i + 1] << 16); i += 2; break;
                case 3: a = ((uint)src[i] << 24) | ((uint)src[i + 1] << 16) | ((uint)src[i + 2] << 8); i += 3; break;
                default: a = BinaryPrimitives.ReadUInt32BigEndian(src[i..]); i += 4; break;
            }
            items[k] = new Nlri(Prefix.CreateV4Unchecked(a, bits), id);
        }
    }

    private static void ReadV6(ReadOnlySpan<byte> src, bool addPath, Nlri[] items)
    {
        Span<byte> buf = stackalloc byte[16];
        int i = 0;
        for (int k = 0; k < items.Length; k++)
        {
            uint id = 0;
            if (addPath) { id = BinaryPrimitives.ReadUInt32BigEndian(src[i..]); i += 4; }
            int bits = src[i++];
            int nb = (bits + 7) >> 3;
            buf.Clear();
            src.Slice(i, nb).CopyTo(buf);
            i += nb;
            items[k] = new Nlri(Prefix.CreateV6Unchecked(
                BinaryPrimitives.ReadUInt64BigEndian(buf), BinaryPrimitives.ReadUInt64BigEndian(buf[8..]), bits), id);
        }
    }

    /// <summary>Octets one entry takes on the wire.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int EncodedLength(in Nlri n, bool addPath) => (addPath ? 5 : 1) + n.Prefix.WireBytes;

    /// <summary>Writes one entry and returns the octets written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(Span<byte> dst, in Nlri n, bool addPath)
    {
        int i = 0;
        if (addPath)
        {
            BinaryPrimitives.WriteUInt32BigEndian(dst, n.PathId);
            i = 4;
        }
        var p = n.Prefix;
        dst[i++] = p.Length;
        if (!p.IsV6)
        {
            uint a = p.Address.V4Value;
            switch (p.WireBytes)
            {
                case 0: break;
                case 1: dst[i] = (byte)(a >> 24); break;
                case 2: dst[i] = (byte)(a >> 24); dst[i + 1] = (byte)(a >> 16); break;
                case 3: dst[i] = (byte)(a >> 24); dst[i + 1] = (byte)(a >> 16); dst[i + 2] = (byte)(a >> 8); break;
                default: BinaryPrimitives.WriteUInt32BigEndian(dst[i..], a); break;
            }
            return i + p.WireBytes;
        }
        p.WriteAddressBytes(dst[i..]);
        return i + p.WireBytes;
    }
}
