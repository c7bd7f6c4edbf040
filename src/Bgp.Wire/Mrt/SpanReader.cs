using System.Buffers.Binary;

namespace Bgp.Wire.Mrt;

/// <summary>A forward-only big-endian reader over one record body; every read reports overrun instead of throwing.</summary>
internal ref struct SpanReader
{
    private readonly ReadOnlySpan<byte> _span;
    private int _pos;

    public SpanReader(ReadOnlySpan<byte> span)
    {
        _span = span;
        _pos = 0;
    }

    public readonly int Position => _pos;
    public readonly int Remaining => _span.Length - _pos;
    public readonly ReadOnlySpan<byte> Rest => _span[_pos..];

    public bool TryU8(out byte value)
    {
        if (Remaining < 1) { value = 0; return false; }
        value = _span[_pos++];
        return true;
    }

    public bool TryU16(out ushort value)
    {
        if (Remaining < 2) { value = 0; return false; }
        value = BinaryPrimitives.ReadUInt16BigEndian(_span[_pos..]);
        _pos += 2;
        return true;
    }

    public bool TryU32(out uint value)
    {
        if (Remaining < 4) { value = 0; return false; }
        value = BinaryPrimitives.ReadUInt32BigEndian(_span[_pos..]);
        _pos += 4;
        return true;
    }

    /// <summary>Reads a 2- or 4-octet AS number.</summary>
    public bool TryAs(bool fourOctet, out uint value)
    {
        if (fourOctet) return TryU32(out value);
        bool ok = TryU16(out ushort v);
        value = v;
        return ok;
    }

    public bool TryAddress(bool v6, out IpAddr value)
    {
        int n = v6 ? 16 : 4;
        if (Remaining < n) { value = default; return false; }
        value = v6 ? IpAddr.ReadV6(_span[_pos..]) : IpAddr.ReadV4(_span[_pos..]);
        _pos += n;
        return true;
    }

    public bool TrySlice(int length, out ReadOnlySpan<byte> value)
    {
        if (length < 0 || Remaining < length) { value = default; return false; }
        value = _span.Slice(_pos, length);
        _pos += length;
        return true;
    }

    /// <summary>
    /// A prefix as NLRI encodes it (RFC 4271 §4.3): a length in bits, then just enough octets.
    /// Host bits past the length are cleared (see <see cref="Prefix"/>).
    /// </summary>
    public bool TryPrefix(bool v6, out Prefix prefix, out string? error)
    {
        prefix = default;
        error = null;
        if (!TryU8(out byte bits)) { error = "truncated before the prefix length"; return false; }
        int max = v6 ? 128 : 32;
        if (bits > max) { error = $"prefix length {bits} exceeds {max}"; return false; }
        int n = (bits + 7) >> 3;
        if (!TrySlice(n, out var bytes)) { error = $"prefix of /{bits} overruns the record"; return false; }
        Span<byte> full = stackalloc byte[16];
        full.Clear();
        bytes.CopyTo(full);
        prefix = v6
            ? Prefix.V6(new UInt128(BinaryPrimitives.ReadUInt64BigEndian(full), BinaryPrimitives.ReadUInt64BigEndian(full[8..])), bits)
            : Prefix.V4(BinaryPrimitives.ReadUInt32BigEndian(full), bits);
        return true;
    }
}
