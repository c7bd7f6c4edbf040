namespace Bgp.Wire;

/// <summary>Address Family Identifiers (IANA "Address Family Numbers").</summary>
public enum Afi : ushort
{
    Ipv4 = 1,
    Ipv6 = 2,
    L2vpn = 25,      // RFC 4761, RFC 7432
    BgpLs = 16388,   // RFC 7752
}

/// <summary>Subsequent Address Family Identifiers (IANA "SAFI Values").</summary>
public enum Safi : byte
{
    Unicast = 1,          // RFC 4760
    Multicast = 2,        // RFC 4760
    MplsLabel = 4,        // RFC 8277
    Mvpn = 5,             // RFC 6514
    Vpls = 65,            // RFC 4761
    Evpn = 70,            // RFC 7432
    BgpLs = 71,           // RFC 7752
    BgpLsVpn = 72,        // RFC 7752
    SrPolicy = 73,        // RFC 9830
    Mup = 85,             // draft-mpmz-bess-mup-safi
    MplsVpn = 128,        // RFC 4364
    MulticastVpn = 129,   // RFC 6514
    RouteTarget = 132,    // RFC 4684
    FlowSpec = 133,       // RFC 8955
    FlowSpecVpn = 134,    // RFC 8955
}

/// <summary>An (AFI, SAFI) pair: the unit that capabilities, End-of-RIB and add-path are negotiated for.</summary>
public readonly record struct AfiSafi(Afi Afi, Safi Safi)
{
    public static readonly AfiSafi Ipv4Unicast = new(Afi.Ipv4, Safi.Unicast);
    public static readonly AfiSafi Ipv6Unicast = new(Afi.Ipv6, Safi.Unicast);
    public static readonly AfiSafi Ipv4Multicast = new(Afi.Ipv4, Safi.Multicast);
    public static readonly AfiSafi Ipv6Multicast = new(Afi.Ipv6, Safi.Multicast);

    /// <summary>Families whose NLRI this codec types as plain prefixes (RFC 4760 unicast/multicast).</summary>
    public bool IsPrefixFamily =>
        (Afi == Afi.Ipv4 || Afi == Afi.Ipv6) && (Safi == Safi.Unicast || Safi == Safi.Multicast);

    public override string ToString() => $"{AfiName(Afi)}-{SafiName(Safi)}";

    private static string AfiName(Afi a) => a switch
    {
        Afi.Ipv4 => "ipv4", Afi.Ipv6 => "ipv6", Afi.L2vpn => "l2vpn", Afi.BgpLs => "bgp-ls",
        _ => "afi" + (ushort)a,
    };

    private static string SafiName(Safi s) => s switch
    {
        Safi.Unicast => "unicast", Safi.Multicast => "multicast", Safi.MplsLabel => "labeled-unicast",
        Safi.MplsVpn => "vpn", Safi.FlowSpec => "flowspec", Safi.FlowSpecVpn => "flowspec-vpn",
        Safi.Evpn => "evpn", Safi.Vpls => "vpls", Safi.BgpLs => "bgp-ls", Safi.RouteTarget => "rtc",
        _ => "safi" + (byte)s,
    };
}
