using System.Buffers.Binary;

namespace Bgp.Wire;

/// <summary>A standard community (RFC 1997): high 16 bits an AS, low 16 bits a value.</summary>
public readonly record struct Community(uint Value)
{
    public Community(ushort asn, ushort value) : this(((uint)asn << 16) | value) { }

    public ushort Asn => (ushort)(Value >> 16);
    public ushort LocalValue => (ushort)Value;

    public static readonly Community NoExport = new(0xFFFFFF01);          // RFC 1997
    public static readonly Community NoAdvertise = new(0xFFFFFF02);       // RFC 1997
    public static readonly Community NoExportSubconfed = new(0xFFFFFF03); // RFC 1997
    public static readonly Community GracefulShutdown = new(0xFFFF0000);  // RFC 8326
    public static readonly Community LlgrStale = new(0xFFFF0006);         // RFC 9494
    public static readonly Community NoLlgr = new(0xFFFF0007);            // RFC 9494
    public static readonly Community Blackhole = new(0xFFFF029A);         // RFC 7999

    public override string ToString() => $"{Asn}:{LocalValue}";
}

/// <summary>An extended community (RFC 4360): type, subtype and six value octets as one 64-bit value.</summary>
public readonly record struct ExtendedCommunity(ulong Value)
{
    public byte TypeHigh => (byte)(Value >> 56);
    public byte SubType => (byte)(Value >> 48);
    public bool IsTransitive => (TypeHigh & 0x40) == 0;

    /// <summary>Route Target, 2-octet AS specific (RFC 4360 §4: type 0x00, subtype 0x02).</summary>
    public static ExtendedCommunity RouteTarget(ushort asn, uint value) =>
        new(((ulong)0x0002 << 48) | ((ulong)asn << 32) | value);

    public override string ToString()
    {
        byte t = TypeHigh, s = SubType;
        string kind = s switch { 2 => "rt", 3 => "soo", _ => $"0x{t:x2}{s:x2}" };
        return (t & 0x3F) switch
        {
            0x00 => $"{kind}:{(ushort)(Value >> 32)}:{(uint)Value}",
            0x01 => $"{kind}:{IpAddr.V4((uint)(Value >> 16))}:{(ushort)Value}",
            0x02 => $"{kind}:{(uint)(Value >> 16)}:{(ushort)Value}",
            _ => $"0x{Value:x16}",
        };
    }
}

/// <summary>An IPv6 Address Specific Extended Community (RFC 5701 §2): 20 octets.</summary>
public readonly record struct Ipv6ExtendedCommunity(byte TypeHigh, byte SubType, IpAddr GlobalAdministrator, ushort LocalAdministrator)
{
    public const int WireLength = 20;

    public static Ipv6ExtendedCommunity Read(ReadOnlySpan<byte> src) =>
        new(src[0], src[1], IpAddr.ReadV6(src[2..]), BinaryPrimitives.ReadUInt16BigEndian(src[18..]));

    public void WriteTo(Span<byte> dst)
    {
        dst[0] = TypeHigh;
        dst[1] = SubType;
        GlobalAdministrator.WriteTo(dst[2..]);
        BinaryPrimitives.WriteUInt16BigEndian(dst[18..], LocalAdministrator);
    }

    public override string ToString() => $"0x{TypeHigh:x2}{SubType:x2}:{GlobalAdministrator}:{LocalAdministrator}";
}

/// <summary>A large community (RFC 8092): Global Administrator : Local Data 1 : Local Data 2.</summary>
public readonly record struct LargeCommunity(uint GlobalAdministrator, uint LocalData1, uint LocalData2)
{
    public const int WireLength = 12;
    public override string ToString() => $"{GlobalAdministrator}:{LocalData1}:{LocalData2}";
}
