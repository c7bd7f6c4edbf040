using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Bgp.Wire;

/// <summary>An IPv4 or IPv6 address as a value (no heap allocation, unlike <see cref="IPAddress"/>).</summary>
/// <remarks>IPv4 lives in the low 32 bits of <see cref="Low"/>; IPv6 is big-endian across High:Low.</remarks>
public readonly struct IpAddr : IEquatable<IpAddr>, IComparable<IpAddr>
{
    public readonly ulong High;
    public readonly ulong Low;
    public readonly bool IsV6;

    private IpAddr(ulong high, ulong low, bool isV6) { High = high; Low = low; IsV6 = isV6; }

    public static IpAddr V4(uint address) => new(0, address, false);
    public static IpAddr V6(ulong high, ulong low) => new(high, low, true);
    public static IpAddr V6(UInt128 value) => new((ulong)(value >> 64), (ulong)value, true);

    public static readonly IpAddr V4Any = V4(0);
    public static readonly IpAddr V6Any = V6(0, 0);

    public bool IsV4 => !IsV6;
    public Afi Afi => IsV6 ? Afi.Ipv6 : Afi.Ipv4;
    public uint V4Value => (uint)Low;
    public UInt128 V6Value => new(High, Low);
    public int ByteLength => IsV6 ? 16 : 4;

    /// <summary>fe80::/10 (RFC 4291 §2.5.6).</summary>
    public bool IsV6LinkLocal => IsV6 && (High >> 54) == 0x3FA;

    public static IpAddr ReadV4(ReadOnlySpan<byte> src) => V4(BinaryPrimitives.ReadUInt32BigEndian(src));
    public static IpAddr ReadV6(ReadOnlySpan<byte> src) =>
        V6(BinaryPrimitives.ReadUInt64BigEndian(src), BinaryPrimitives.ReadUInt64BigEndian(src[8..]));

    /// <summary>Writes 4 or 16 bytes in network order and returns the count.</summary>
    public int WriteTo(Span<byte> dst)
    {
        if (IsV6)
        {
            BinaryPrimitives.WriteUInt64BigEndian(dst, High);
            BinaryPrimitives.WriteUInt64BigEndian(dst[8..], Low);
            return 16;
        }
        BinaryPrimitives.WriteUInt32BigEndian(dst, (uint)Low);
        return 4;
    }

    public IPAddress ToIPAddress()
    {
        Span<byte> b = stackalloc byte[16];
        int n = WriteTo(b);
        return new IPAddress(b[..n]);
    }

    public static IpAddr FromIPAddress(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        if (!address.TryWriteBytes(b, out int n)) throw new ArgumentException("Unsupported address", nameof(address));
        return address.AddressFamily == AddressFamily.InterNetworkV6 ? ReadV6(b) : ReadV4(b[..n]);
    }

    public static IpAddr Parse(string s) => FromIPAddress(IPAddress.Parse(s));

    public static bool TryParse(string? s, out IpAddr value)
    {
        if (s is not null && IPAddress.TryParse(s, out var ip)
            && ip.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
        {
            value = FromIPAddress(ip);
            return true;
        }
        value = default;
        return false;
    }

    public bool Equals(IpAddr other) => High == other.High && Low == other.Low && IsV6 == other.IsV6;
    public override bool Equals(object? obj) => obj is IpAddr o && Equals(o);
    public override int GetHashCode() => HashCode.Combine(High, Low, IsV6);
    public static bool operator ==(IpAddr a, IpAddr b) => a.Equals(b);
    public static bool operator !=(IpAddr a, IpAddr b) => !a.Equals(b);

    public int CompareTo(IpAddr other)
    {
        if (IsV6 != other.IsV6) return IsV6 ? 1 : -1;
        int c = High.CompareTo(other.High);
        return c != 0 ? c : Low.CompareTo(other.Low);
    }

    public override string ToString()
    {
        if (!IsV6)
        {
            uint v = (uint)Low;
            return $"{v >> 24}.{(v >> 16) & 0xFF}.{(v >> 8) & 0xFF}.{v & 0xFF}";
        }
        return ToIPAddress().ToString();
    }
}
