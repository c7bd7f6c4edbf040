using System.Runtime.CompilerServices;

namespace Bgp.Wire;

/// <summary>
/// An IPv4 or IPv6 prefix as a 24-byte value. Host bits past <see cref="Length"/> are always zero:
/// NLRI with trailing bits set (seen in real feeds) is normalised on decode, as bgpdump and BIRD do.
/// </summary>
public readonly struct Prefix : IEquatable<Prefix>, IComparable<Prefix>
{
    private readonly ulong _high;
    private readonly ulong _low;
    public readonly byte Length;
    public readonly bool IsV6;

    private Prefix(ulong high, ulong low, byte length, bool isV6)
    {
        _high = high; _low = low; Length = length; IsV6 = isV6;
    }

    public static Prefix V4(uint address, int length)
    {
        if ((uint)length > 32) throw new ArgumentOutOfRangeException(nameof(length));
        return CreateV4Unchecked(address, length);
    }

    public static Prefix V6(UInt128 address, int length)
    {
        if ((uint)length > 128) throw new ArgumentOutOfRangeException(nameof(length));
        return CreateV6Unchecked((ulong)(address >> 64), (ulong)address, length);
    }

    public static Prefix Create(IpAddr address, int length) =>
        address.IsV6 ? V6(address.V6Value, length) : V4(address.V4Value, length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Prefix CreateV4Unchecked(uint address, int length)
    {
        uint mask = length == 0 ? 0u : uint.MaxValue << (32 - length);
        return new Prefix(0, address & mask, (byte)length, false);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Prefix CreateV6Unchecked(ulong high, ulong low, int length)
    {
        if (length <= 64)
        {
            high &= length == 0 ? 0UL : ulong.MaxValue << (64 - length);
            low = 0;
        }
        else
        {
            low &= length == 128 ? ulong.MaxValue : ~(ulong.MaxValue >> (length - 64));
        }
        return new Prefix(high, low, (byte)length, true);
    }

    public IpAddr Address => IsV6 ? IpAddr.V6(_high, _low) : IpAddr.V4((uint)_low);

    internal ulong HighBits => _high;
    internal ulong LowBits => _low;
    /// <summary>The IPv4 address bits (meaningful only when <see cref="IsV6"/> is false).</summary>
    internal uint V4Bits => (uint)_low;

    internal static Prefix FromParts(ulong high, ulong low, byte length, bool isV6) => new(high, low, length, isV6);
    public Afi Afi => IsV6 ? Afi.Ipv6 : Afi.Ipv4;
    public int MaxLength => IsV6 ? 128 : 32;

    /// <summary>Octets the prefix occupies on the wire after its length byte (RFC 4271 §4.3).</summary>
    public int WireBytes => (Length + 7) >> 3;

    /// <summary>Writes the address octets (no length byte): <see cref="WireBytes"/> of them.</summary>
    public void WriteAddressBytes(Span<byte> dst)
    {
        int n = WireBytes;
        if (IsV6)
        {
            for (int i = 0; i < n; i++)
                dst[i] = (byte)(i < 8 ? _high >> (56 - 8 * i) : _low >> (56 - 8 * (i - 8)));
        }
        else
        {
            uint v = (uint)_low;
            for (int i = 0; i < n; i++) dst[i] = (byte)(v >> (24 - 8 * i));
        }
    }

    public bool Contains(Prefix other)
    {
        if (other.IsV6 != IsV6 || other.Length < Length) return false;
        return (IsV6 ? CreateV6Unchecked(other._high, other._low, Length) : CreateV4Unchecked((uint)other._low, Length)) == this;
    }

    public static Prefix Parse(string s)
    {
        if (!TryParse(s, out var p)) throw new FormatException($"Not a prefix: '{s}'");
        return p;
    }

    public static bool TryParse(string? s, out Prefix prefix)
    {
        prefix = default;
        if (s is null) return false;
        int slash = s.IndexOf('/');
        if (slash < 0 || !IpAddr.TryParse(s[..slash], out var addr)) return false;
        if (!int.TryParse(s.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null, out int len)) return false;
        if (len > (addr.IsV6 ? 128 : 32)) return false;
        prefix = Create(addr, len);
        return true;
    }

    public bool Equals(Prefix other) =>
        _low == other._low && _high == other._high && Length == other.Length && IsV6 == other.IsV6;
    public override bool Equals(object? obj) => obj is Prefix p && Equals(p);
    public override int GetHashCode() => HashCode.Combine(_high, _low, Length, IsV6);
    public static bool operator ==(Prefix a, Prefix b) => a.Equals(b);
    public static bool operator !=(Prefix a, Prefix b) => !a.Equals(b);

    public int CompareTo(Prefix other)
    {
        int c = Address.CompareTo(other.Address);
        return c != 0 ? c : Length.CompareTo(other.Length);
    }

    public override string ToString() => $"{Address}/{Length}";
}

/// <summary>
/// One NLRI entry: a prefix and, where add-path (RFC 7911) is in use, its path identifier.
/// Laid out flat in 24 bytes (a <see cref="Prefix"/> field plus the identifier would pad to 32),
/// since UPDATE decoding allocates one per route.
/// </summary>
public readonly struct Nlri : IEquatable<Nlri>
{
    private readonly ulong _high;
    private readonly ulong _low;
    public readonly uint PathId;
    private readonly byte _length;
    private readonly bool _isV6;

    public Nlri(Prefix prefix, uint pathId = 0)
    {
        _high = prefix.HighBits;
        _low = prefix.LowBits;
        _length = prefix.Length;
        _isV6 = prefix.IsV6;
        PathId = pathId;
    }

    /// <summary>An IPv4 entry from already-masked address bits (the decoder's hot path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Nlri(uint maskedV4, byte length, uint pathId)
    {
        _high = 0;
        _low = maskedV4;
        _length = length;
        _isV6 = false;
        PathId = pathId;
    }

    public Prefix Prefix => Prefix.FromParts(_high, _low, _length, _isV6);

    // Direct field access for the codec's hot loops (no Prefix copy).
    internal byte PrefixLength => _length;
    internal bool IsV6 => _isV6;
    internal uint V4Bits => (uint)_low;
    internal int WireBytes => (_length + 7) >> 3;

    public void Deconstruct(out Prefix prefix, out uint pathId)
    {
        prefix = Prefix;
        pathId = PathId;
    }

    public static implicit operator Nlri(Prefix p) => new(p);

    public bool Equals(Nlri other) =>
        _low == other._low && _high == other._high && PathId == other.PathId && _length == other._length && _isV6 == other._isV6;
    public override bool Equals(object? obj) => obj is Nlri n && Equals(n);
    public override int GetHashCode() => HashCode.Combine(_high, _low, PathId, _length, _isV6);
    public static bool operator ==(Nlri a, Nlri b) => a.Equals(b);
    public static bool operator !=(Nlri a, Nlri b) => !a.Equals(b);

    public override string ToString() => PathId == 0 ? Prefix.ToString() : $"{Prefix} path-id {PathId}";
}
