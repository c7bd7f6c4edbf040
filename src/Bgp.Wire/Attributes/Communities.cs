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

    private static readonly (Community Community, string Name)[] WellKnown =
    [
        (NoExport, "no-export"), (NoAdvertise, "no-advertise"), (NoExportSubconfed, "no-export-subconfed"),
        (GracefulShutdown, "graceful-shutdown"), (LlgrStale, "llgr-stale"), (NoLlgr, "no-llgr"), (Blackhole, "blackhole"),
    ];

    /// <summary>The well-known name ("no-export", "blackhole", ...), or null for any other community.</summary>
    public string? WellKnownName
    {
        get
        {
            foreach (var (community, name) in WellKnown)
                if (community == this) return name;
            return null;
        }
    }

    /// <summary>"ASN:VALUE" (16 bits each, decimal) or, with <paramref name="names"/>, a well-known name.</summary>
    public static bool TryParse(string text, bool names, out Community community)
    {
        community = default;
        if (names)
            foreach (var (known, name) in WellKnown)
                if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
                {
                    community = known;
                    return true;
                }
        int colon = text.IndexOf(':');
        if (colon < 0
            || !ushort.TryParse(text.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var asn)
            || !ushort.TryParse(text.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
            return false;
        community = new Community(asn, value);
        return true;
    }

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

    /// <summary>
    /// The inverse of <see cref="ToString"/> for route targets and origins: "rt:" or "soo:" then
    /// ASN:N (a 2-octet AS with a 32-bit value, else a 4-octet AS with a 16-bit one) or IPv4:N.
    /// </summary>
    public static bool TryParse(string text, out ExtendedCommunity community)
    {
        community = default;
        var parts = text.Split(':');
        if (parts.Length != 3) return false;
        ulong subtype = parts[0].ToLowerInvariant() switch { "rt" => 0x02, "soo" => 0x03, _ => 0 };
        if (subtype == 0) return false;
        const System.Globalization.NumberStyles Digits = System.Globalization.NumberStyles.None;
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        if (parts[1].Contains('.'))
        {
            if (!IpAddr.TryParse(parts[1], out var ip) || !ip.IsV4 || !ushort.TryParse(parts[2], Digits, invariant, out var local16)) return false;
            community = new((0x01UL << 56) | (subtype << 48) | ((ulong)ip.V4Value << 16) | local16);
            return true;
        }
        if (!uint.TryParse(parts[1], Digits, invariant, out var asn)) return false;
        if (asn <= ushort.MaxValue && uint.TryParse(parts[2], Digits, invariant, out var local32))
        {
            community = new((subtype << 48) | ((ulong)asn << 32) | local32);
            return true;
        }
        if (!ushort.TryParse(parts[2], Digits, invariant, out var local)) return false;
        community = new((0x02UL << 56) | (subtype << 48) | ((ulong)asn << 16) | local);
        return true;
    }

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

    /// <summary>"A:B:C", three decimal 32-bit numbers.</summary>
    public static bool TryParse(string text, out LargeCommunity community)
    {
        community = default;
        var parts = text.Split(':');
        if (parts.Length != 3) return false;
        var numbers = new uint[3];
        for (int i = 0; i < 3; i++)
            if (!uint.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out numbers[i])) return false;
        community = new LargeCommunity(numbers[0], numbers[1], numbers[2]);
        return true;
    }

    public override string ToString() => $"{GlobalAdministrator}:{LocalData1}:{LocalData2}";
}
