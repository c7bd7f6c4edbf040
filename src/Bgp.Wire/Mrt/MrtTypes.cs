namespace Bgp.Wire.Mrt;

/// <summary>MRT record types (IANA "MRT Types"; RFC 6396 §4, deprecated ones in its Appendix B).</summary>
public enum MrtType : ushort
{
    Null = 0,            // RFC 6396 App. B, deprecated
    Start = 1,           // RFC 6396 App. B, deprecated
    Die = 2,             // RFC 6396 App. B, deprecated
    IAmDead = 3,         // RFC 6396 App. B, deprecated
    PeerDown = 4,        // RFC 6396 App. B, deprecated
    Bgp = 5,             // RFC 6396 App. B, deprecated
    Rip = 6,             // RFC 6396 App. B, deprecated
    Idrp = 7,            // RFC 6396 App. B, deprecated
    RipNg = 8,           // RFC 6396 App. B, deprecated
    Bgp4Plus = 9,        // RFC 6396 App. B, deprecated
    Bgp4Plus01 = 10,     // RFC 6396 App. B, deprecated
    OspfV2 = 11,         // RFC 6396 §4.1
    TableDump = 12,      // RFC 6396 §4.2
    TableDumpV2 = 13,    // RFC 6396 §4.3
    Bgp4Mp = 16,         // RFC 6396 §4.4
    Bgp4MpEt = 17,       // RFC 6396 §3 (extended timestamp)
    Isis = 32,           // RFC 6396 §4.5
    IsisEt = 33,         // RFC 6396 §3
    OspfV3 = 48,         // RFC 6396 §4.6
    OspfV3Et = 49,       // RFC 6396 §3
}

/// <summary>TABLE_DUMP subtypes (RFC 6396 §4.2): the AFI of the entry.</summary>
public enum TableDumpSubtype : ushort
{
    AfiIpv4 = 1,
    AfiIpv6 = 2,
}

/// <summary>TABLE_DUMP_V2 subtypes (RFC 6396 §4.3, RFC 8050 §4 for the add-path ones).</summary>
public enum TableDumpV2Subtype : ushort
{
    PeerIndexTable = 1,
    RibIpv4Unicast = 2,
    RibIpv4Multicast = 3,
    RibIpv6Unicast = 4,
    RibIpv6Multicast = 5,
    RibGeneric = 6,
    GeoPeerTable = 7,               // RFC 6397
    RibIpv4UnicastAddPath = 8,      // RFC 8050
    RibIpv4MulticastAddPath = 9,    // RFC 8050
    RibIpv6UnicastAddPath = 10,     // RFC 8050
    RibIpv6MulticastAddPath = 11,   // RFC 8050
    RibGenericAddPath = 12,         // RFC 8050
}

/// <summary>BGP4MP and BGP4MP_ET subtypes (RFC 6396 §4.4, RFC 8050 §3 for the add-path ones).</summary>
public enum Bgp4MpSubtype : ushort
{
    StateChange = 0,
    Message = 1,
    Entry = 2,                      // RFC 6396 App. B, deprecated
    Snapshot = 3,                   // RFC 6396 App. B, deprecated
    MessageAs4 = 4,
    StateChangeAs4 = 5,
    MessageLocal = 6,
    MessageAs4Local = 7,
    MessageAddPath = 8,             // RFC 8050
    MessageAs4AddPath = 9,          // RFC 8050
    MessageLocalAddPath = 10,       // RFC 8050
    MessageAs4LocalAddPath = 11,    // RFC 8050
}

/// <summary>Subtypes of the deprecated BGP record type 5 (RFC 6396 App. B.2).</summary>
public enum LegacyBgpSubtype : ushort
{
    Null = 0,
    Update = 1,
    PrefUpdate = 2,
    StateChange = 3,
    Sync = 4,
    Open = 5,
    Notify = 6,
    Keepalive = 7,
}

/// <summary>BGP FSM states as MRT state-change records number them (RFC 6396 §4.4.1).</summary>
public enum BgpFsmState : ushort
{
    Idle = 1,
    Connect = 2,
    Active = 3,
    OpenSent = 4,
    OpenConfirm = 5,
    Established = 6,
}

/// <summary>What a BGP4MP subtype implies for decoding the record.</summary>
public static class Bgp4MpSubtypeExtensions
{
    public static bool IsStateChange(this Bgp4MpSubtype s) => s is Bgp4MpSubtype.StateChange or Bgp4MpSubtype.StateChangeAs4;

    public static bool IsMessage(this Bgp4MpSubtype s) =>
        s is Bgp4MpSubtype.Message or Bgp4MpSubtype.MessageAs4 or Bgp4MpSubtype.MessageLocal or Bgp4MpSubtype.MessageAs4Local
            or Bgp4MpSubtype.MessageAddPath or Bgp4MpSubtype.MessageAs4AddPath
            or Bgp4MpSubtype.MessageLocalAddPath or Bgp4MpSubtype.MessageAs4LocalAddPath;

    /// <summary>The AS fields (and the BGP message's AS_PATH) use 4 octets.</summary>
    public static bool IsFourOctetAs(this Bgp4MpSubtype s) =>
        s is Bgp4MpSubtype.MessageAs4 or Bgp4MpSubtype.StateChangeAs4 or Bgp4MpSubtype.MessageAs4Local
            or Bgp4MpSubtype.MessageAs4AddPath or Bgp4MpSubtype.MessageAs4LocalAddPath;

    /// <summary>The message was sent by the local speaker rather than received (RFC 6396 §4.4.6).</summary>
    public static bool IsLocal(this Bgp4MpSubtype s) =>
        s is Bgp4MpSubtype.MessageLocal or Bgp4MpSubtype.MessageAs4Local
            or Bgp4MpSubtype.MessageLocalAddPath or Bgp4MpSubtype.MessageAs4LocalAddPath;

    /// <summary>NLRI carry path identifiers (RFC 8050 §3).</summary>
    public static bool IsAddPath(this Bgp4MpSubtype s) => s >= Bgp4MpSubtype.MessageAddPath && s <= Bgp4MpSubtype.MessageAs4LocalAddPath;

    public static bool IsAddPath(this TableDumpV2Subtype s) => s >= TableDumpV2Subtype.RibIpv4UnicastAddPath && s <= TableDumpV2Subtype.RibGenericAddPath;

    /// <summary>The family a per-family RIB subtype implies; null for PEER_INDEX_TABLE, RIB_GENERIC and others.</summary>
    public static AfiSafi? Family(this TableDumpV2Subtype s) => s switch
    {
        TableDumpV2Subtype.RibIpv4Unicast or TableDumpV2Subtype.RibIpv4UnicastAddPath => AfiSafi.Ipv4Unicast,
        TableDumpV2Subtype.RibIpv4Multicast or TableDumpV2Subtype.RibIpv4MulticastAddPath => AfiSafi.Ipv4Multicast,
        TableDumpV2Subtype.RibIpv6Unicast or TableDumpV2Subtype.RibIpv6UnicastAddPath => AfiSafi.Ipv6Unicast,
        TableDumpV2Subtype.RibIpv6Multicast or TableDumpV2Subtype.RibIpv6MulticastAddPath => AfiSafi.Ipv6Multicast,
        _ => null,
    };

    public static bool IsRib(this TableDumpV2Subtype s) =>
        s is >= TableDumpV2Subtype.RibIpv4Unicast and <= TableDumpV2Subtype.RibGeneric
        || s.IsAddPath();
}
