namespace Bgp.Wire;

/// <summary>Capability codes (IANA "Capability Codes").</summary>
public enum CapabilityCode : byte
{
    Multiprotocol = 1,            // RFC 4760
    RouteRefresh = 2,             // RFC 2918
    OutboundRouteFiltering = 3,   // RFC 5291
    ExtendedNextHop = 5,          // RFC 8950
    ExtendedMessage = 6,          // RFC 8654
    BgpRole = 9,                  // RFC 9234
    GracefulRestart = 64,         // RFC 4724
    FourOctetAs = 65,             // RFC 6793
    AddPath = 69,                 // RFC 7911
    EnhancedRouteRefresh = 70,    // RFC 7313
    LongLivedGracefulRestart = 71, // RFC 9494
    Fqdn = 73,                    // draft-walton-bgp-hostname-capability
    SoftwareVersion = 75,         // draft-ietf-idr-software-version
    RouteRefreshCisco = 128,      // pre-standard route refresh
}

/// <summary>OPEN optional parameter types (IANA "BGP OPEN Optional Parameter Types").</summary>
public enum OptionalParameterType : byte
{
    Authentication = 1, // RFC 4271 (deprecated by RFC 5492)
    Capabilities = 2,   // RFC 5492
    ExtendedLength = 255, // RFC 9072
}

/// <summary>BGP Role values (RFC 9234 §4.1).</summary>
public enum BgpRole : byte
{
    Provider = 0,
    RouteServer = 1,
    RouteServerClient = 2,
    Customer = 3,
    Peer = 4,
}

/// <summary>ADD-PATH Send/Receive field (RFC 7911 §4).</summary>
[Flags]
public enum AddPathMode : byte
{
    None = 0,
    Receive = 1,
    Send = 2,
    Both = 3,
}
