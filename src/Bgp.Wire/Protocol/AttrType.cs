namespace Bgp.Wire;

/// <summary>Path attribute type codes (IANA "BGP Path Attributes").</summary>
public enum AttrType : byte
{
    Origin = 1,                 // RFC 4271
    AsPath = 2,                 // RFC 4271
    NextHop = 3,                // RFC 4271
    MultiExitDisc = 4,          // RFC 4271
    LocalPref = 5,              // RFC 4271
    AtomicAggregate = 6,        // RFC 4271
    Aggregator = 7,             // RFC 4271
    Communities = 8,            // RFC 1997
    OriginatorId = 9,           // RFC 4456
    ClusterList = 10,           // RFC 4456
    MpReachNlri = 14,           // RFC 4760
    MpUnreachNlri = 15,         // RFC 4760
    ExtendedCommunities = 16,   // RFC 4360
    As4Path = 17,               // RFC 6793
    As4Aggregator = 18,         // RFC 6793
    PmsiTunnel = 22,            // RFC 6514
    TunnelEncapsulation = 23,   // RFC 9012
    TrafficEngineering = 24,    // RFC 5543
    Ipv6ExtendedCommunities = 25, // RFC 5701
    Aigp = 26,                  // RFC 7311
    PeDistinguisherLabels = 27, // RFC 6514
    BgpLs = 29,                 // RFC 9552
    LargeCommunities = 32,      // RFC 8092
    BgpsecPath = 33,            // RFC 8205
    Otc = 35,                   // RFC 9234
    PrefixSid = 40,             // RFC 8669
    AttrSet = 128,              // RFC 6368
}

/// <summary>Attribute flag bits (RFC 4271 §4.3).</summary>
[Flags]
public enum AttrFlags : byte
{
    None = 0,
    ExtendedLength = 0x10,
    Partial = 0x20,
    Transitive = 0x40,
    Optional = 0x80,

    WellKnown = Transitive,
    OptionalTransitive = Optional | Transitive,
    OptionalNonTransitive = Optional,
}

/// <summary>ORIGIN values (RFC 4271 §4.3 a).</summary>
public enum Origin : byte
{
    Igp = 0,
    Egp = 1,
    Incomplete = 2,
}

/// <summary>AS_PATH segment types (RFC 4271 §4.3, RFC 5065 §3).</summary>
public enum AsPathSegmentType : byte
{
    AsSet = 1,
    AsSequence = 2,
    ConfedSequence = 3,
    ConfedSet = 4,
}
