using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
        if (!v6) return TryReadV4(src, addPath, out result, out error);
        int count = Count(src, 128, addPath, out error);
        if (count < 0) return false;
        // Every element is written below, so skip the zeroing (Nlri holds no references).
        var items = GC.AllocateUninitializedArray<Nlri>(count);
        ReadV6(src, addPath, items);
        result = new EquatableArray<Nlri>(items);
        return true;
    }

    /// <summary>
    /// IPv4 in one pass: validating and decoding together halves the serial chain of dependent
    /// length loads (each prefix's position depends on the previous length). The array is sized
    /// from the field length (an average entry of 4 octets, 8 with path identifiers) and grown if
    /// that was short; the result views the filled part, so there is no trimming copy.
    /// </summary>
    private static bool TryReadV4(ReadOnlySpan<byte> src, bool addPath, out EquatableArray<Nlri> result, out string? error)
    {
        result = default;
        ref byte s = ref MemoryMarshal.GetReference(src);
        int n = src.Length;
        int idLen = addPath ? 4 : 0;
        // Every slot up to k is written before it is read, so skip the zeroing (Nlri holds no references).
        var buf = GC.AllocateUninitializedArray<Nlri>(n / (addPath ? 8 : 4) + 4);
        int i = 0, k = 0;
        while (i < n)
        {
            if (n - i < idLen + 1) { error = $"truncated NLRI entry at offset {i}"; return false; }
            uint id = addPath ? BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref s, i))) : 0;
            int bits = Unsafe.Add(ref s, i + idLen);
            if (bits > 32) { error = $"prefix length {bits} exceeds 32 at offset {i}"; return false; }
            int at = i + idLen + 1;
            int next = at + ((bits + 7) >> 3);
            if (next > n) { error = $"prefix overruns the NLRI field at offset {i}"; return false; }
            uint a;
            if (at + 4 <= n)
            {
                // One unaligned load; octets past the prefix fall under the mask.
                a = BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref s, at)));
            }
            else
            {
                a = 0;
                for (int b = at; b < next; b++) a |= (uint)Unsafe.Add(ref s, b) << (24 - 8 * (b - at));
            }
            if (k == buf.Length)
            {
                var bigger = GC.AllocateUninitializedArray<Nlri>(buf.Length * 2);
                buf.AsSpan().CopyTo(bigger);
                buf = bigger;
            }
            uint mask = (uint)((ulong)uint.MaxValue << (32 - bits)); // 0 for /0, all ones for /32
            buf[k++] = new Nlri(a & mask, (byte)bits, id);
            i = next;
        }
        result = new EquatableArray<Nlri>(buf, k);
        error = null;
        return true;
    }

    /// <summary>Validates and counts; -1 on error.</summary>
    private static int Count(ReadOnlySpan<byte> src, int maxBits, bool addPath, out string? error)
    {
        ref byte s = ref MemoryMarshal.GetReference(src);
        int len = src.Length;
        int i = 0, n = 0;
        int idLen = addPath ? 4 : 0;
        while (i < len)
        {
            if (len - i < idLen + 1)
            {
                error = $"truncated NLRI entry at offset {i}";
                return -1;
            }
            int bits = Unsafe.Add(ref s, i + idLen);
            if (bits > maxBits)
            {
                error = $"prefix length {bits} exceeds {maxBits} at offset {i}";
                return -1;
            }
            int next = i + idLen + 1 + ((bits + 7) >> 3);
            if (next > len)
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
    public static int EncodedLength(in Nlri n, bool addPath) => (addPath ? 5 : 1) + n.WireBytes;

    /// <summary>
    /// Writes a run of entries into <paramref name="dst"/> and returns the octets written; nothing
    /// past the last entry is touched. Throws when <paramref name="dst"/> is too short.
    /// </summary>
    public static int WriteAll(Span<byte> dst, ReadOnlySpan<Nlri> nlri, bool addPath)
    {
        if (addPath)
        {
            int j = 0;
            foreach (ref readonly var x in nlri) j += Write(dst[j..], x, true);
            return j;
        }
        ref byte d = ref MemoryMarshal.GetReference(dst);
        int end = dst.Length;
        int i = 0;
        foreach (ref readonly var x in nlri)
        {
            if (x.IsV6)
            {
                i += Write(dst[i..], x, false);
                continue;
            }
            int nb = x.WireBytes;
            if (i + 1 + nb > end) ThrowTooShort();
            Unsafe.Add(ref d, i) = x.PrefixLength;
            uint a = x.V4Bits;
            ref byte o = ref Unsafe.Add(ref d, i + 1);
            // Exact stores: the octets after the prefix belong to whatever follows.
            switch (nb)
            {
                case 1: o = (byte)(a >> 24); break;
                case 2: Unsafe.WriteUnaligned(ref o, BinaryPrimitives.ReverseEndianness((ushort)(a >> 16))); break;
                case 3:
                    Unsafe.WriteUnaligned(ref o, BinaryPrimitives.ReverseEndianness((ushort)(a >> 16)));
                    Unsafe.Add(ref o, 2) = (byte)(a >> 8);
                    break;
                case 4: Unsafe.WriteUnaligned(ref o, BinaryPrimitives.ReverseEndianness(a)); break;
            }
            i += 1 + nb;
        }
        return i;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowTooShort() => throw new ArgumentException("destination is too short for the NLRI");

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
