namespace Bgp.Wire;

/// <summary>An OPEN capability (RFC 5492): one sealed record per code this codec types; others stay raw.</summary>
public abstract record Capability
{
    private protected Capability() { }
    public abstract CapabilityCode Code { get; }
}

/// <summary>Multiprotocol Extensions (RFC 4760 §8): AFI(2) Reserved(1) SAFI(1).</summary>
public sealed record MultiprotocolCapability(AfiSafi Family) : Capability
{
    public override CapabilityCode Code => CapabilityCode.Multiprotocol;
}

/// <summary>Route Refresh (RFC 2918): no value.</summary>
public sealed record RouteRefreshCapability : Capability
{
    public static readonly RouteRefreshCapability Instance = new();
    public override CapabilityCode Code => CapabilityCode.RouteRefresh;
}

/// <summary>Extended Next Hop Encoding (RFC 8950 §3): NLRI AFI(2) NLRI SAFI(2) Next Hop AFI(2), repeated.</summary>
public sealed record ExtendedNextHopCapability(EquatableArray<ExtendedNextHopEntry> Entries) : Capability
{
    public override CapabilityCode Code => CapabilityCode.ExtendedNextHop;
}

public readonly record struct ExtendedNextHopEntry(Afi NlriAfi, ushort NlriSafi, Afi NextHopAfi);

/// <summary>Extended Message (RFC 8654): no value.</summary>
public sealed record ExtendedMessageCapability : Capability
{
    public static readonly ExtendedMessageCapability Instance = new();
    public override CapabilityCode Code => CapabilityCode.ExtendedMessage;
}

/// <summary>BGP Role (RFC 9234 §4.1): one octet.</summary>
public sealed record BgpRoleCapability(BgpRole Role) : Capability
{
    public override CapabilityCode Code => CapabilityCode.BgpRole;
}

/// <summary>
/// Graceful Restart (RFC 4724 §3, RFC 8538 N bit):
/// Restart Flags(4 bits: R, N) Restart Time(12 bits), then AFI(2) SAFI(1) Flags(1: F) per family.
/// </summary>
public sealed record GracefulRestartCapability(
    bool RestartState, bool NotificationSupport, ushort RestartTime,
    EquatableArray<GracefulRestartFamily> Families) : Capability
{
    public override CapabilityCode Code => CapabilityCode.GracefulRestart;
}

public readonly record struct GracefulRestartFamily(AfiSafi Family, bool ForwardingPreserved);

/// <summary>4-octet AS Number (RFC 6793 §3): the speaker's AS in four octets.</summary>
public sealed record FourOctetAsCapability(uint Asn) : Capability
{
    public override CapabilityCode Code => CapabilityCode.FourOctetAs;
}

/// <summary>ADD-PATH (RFC 7911 §4): AFI(2) SAFI(1) Send/Receive(1) per family.</summary>
public sealed record AddPathCapability(EquatableArray<AddPathFamily> Families) : Capability
{
    public override CapabilityCode Code => CapabilityCode.AddPath;
}

public readonly record struct AddPathFamily(AfiSafi Family, AddPathMode Mode);

/// <summary>Enhanced Route Refresh (RFC 7313 §3.2): no value.</summary>
public sealed record EnhancedRouteRefreshCapability : Capability
{
    public static readonly EnhancedRouteRefreshCapability Instance = new();
    public override CapabilityCode Code => CapabilityCode.EnhancedRouteRefresh;
}

/// <summary>
/// Long-Lived Graceful Restart (RFC 9494 §3): AFI(2) SAFI(1) Flags(1: F) Long-lived Stale Time(3) per family.
/// </summary>
public sealed record LongLivedGracefulRestartCapability(EquatableArray<LlgrFamily> Families) : Capability
{
    public override CapabilityCode Code => CapabilityCode.LongLivedGracefulRestart;
}

public readonly record struct LlgrFamily(AfiSafi Family, bool ForwardingPreserved, uint StaleTime);

/// <summary>FQDN (draft-walton-bgp-hostname-capability): hostname and domain name, each length-prefixed.</summary>
public sealed record FqdnCapability(string HostName, string DomainName) : Capability
{
    public override CapabilityCode Code => CapabilityCode.Fqdn;
}

/// <summary>Software Version (draft-ietf-idr-software-version): a length-prefixed UTF-8 string.</summary>
public sealed record SoftwareVersionCapability(string Version) : Capability
{
    public override CapabilityCode Code => CapabilityCode.SoftwareVersion;
}

/// <summary>Any capability this codec does not type (or could not parse), kept byte for byte.</summary>
public sealed record UnknownCapability(byte RawCode, EquatableArray<byte> Value) : Capability
{
    public override CapabilityCode Code => (CapabilityCode)RawCode;
}
