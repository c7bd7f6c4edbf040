namespace Bgp.Wire.Mrt;

/// <summary>
/// One decoded MRT record (RFC 6396): a closed hierarchy, one sealed record per record kind this
/// reader types, <see cref="UnknownMrtRecord"/> for the rest and <see cref="MalformedMrtRecord"/>
/// for records that could not be decoded. Decode errors inside embedded BGP data are values
/// (<see cref="WireError"/>), never exceptions.
/// </summary>
public abstract record MrtRecord(uint Timestamp)
{
    public abstract MrtType Type { get; }
    public abstract ushort Subtype { get; }
}

/// <summary>
/// TABLE_DUMP (RFC 6396 §4.2): one RIB entry per record, with 2-octet AS numbers throughout
/// (AS4_PATH/AS4_AGGREGATOR, if any, are folded in as on a 2-octet session). An MP_REACH_NLRI
/// may come in full or in RFC 6396 §4.3.4's abbreviated form; it is written in full. Attributes
/// that did not decode cleanly keep their bytes in <see cref="RawAttributes"/>, which the writer
/// then writes.
/// </summary>
public sealed record TableDumpRecord(
    uint Timestamp,
    ushort ViewNumber,
    ushort SequenceNumber,
    Prefix Prefix,
    byte Status,
    uint OriginatedTime,
    IpAddr PeerAddress,
    ushort PeerAs,
    EquatableArray<PathAttribute> Attributes,
    EquatableArray<WireError> Errors = default,
    EquatableArray<byte> RawAttributes = default) : MrtRecord(Timestamp)
{
    public override MrtType Type => MrtType.TableDump;
    public override ushort Subtype => (ushort)(Prefix.IsV6 ? TableDumpSubtype.AfiIpv6 : TableDumpSubtype.AfiIpv4);
}

/// <summary>One peer of a PEER_INDEX_TABLE (RFC 6396 §4.3.1).</summary>
public readonly record struct MrtPeer(IpAddr BgpId, IpAddr Address, uint As, bool FourOctetAs = true)
{
    /// <summary>The Peer Type octet: bit 0 = IPv6 address, bit 1 = 4-octet AS.</summary>
    public byte PeerType => (byte)((Address.IsV6 ? 1 : 0) | (FourOctetAs ? 2 : 0));
}

/// <summary>TABLE_DUMP_V2 PEER_INDEX_TABLE (RFC 6396 §4.3.1): the peers later RIB entries refer to by index.</summary>
public sealed record PeerIndexTableRecord(
    uint Timestamp,
    IpAddr CollectorBgpId,
    string ViewName,
    EquatableArray<MrtPeer> Peers) : MrtRecord(Timestamp)
{
    public override MrtType Type => MrtType.TableDumpV2;
    public override ushort Subtype => (ushort)TableDumpV2Subtype.PeerIndexTable;
}

/// <summary>
/// One RIB entry of a TABLE_DUMP_V2 RIB record (RFC 6396 §4.3.4; RFC 8050 §4 adds the path id).
/// Attributes use 4-octet ASNs; an MP_REACH_NLRI here carries only its next hop (its NLRI is the
/// record's prefix), and is held as an <see cref="MpReachAttribute"/> with no NLRI. Attributes
/// that did not decode cleanly keep their bytes in <see cref="RawAttributes"/>, which the writer
/// then writes.
/// </summary>
public sealed record RibEntry(
    ushort PeerIndex,
    uint OriginatedTime,
    EquatableArray<PathAttribute> Attributes,
    uint PathId = 0,
    EquatableArray<WireError> Errors = default,
    EquatableArray<byte> RawAttributes = default);

/// <summary>
/// TABLE_DUMP_V2 RIB_IPV4/IPV6_UNICAST/MULTICAST, RIB_GENERIC and their RFC 8050 add-path forms.
/// For prefix families <see cref="Prefix"/> holds the route; RIB_GENERIC for any other family keeps
/// its single NLRI raw in <see cref="RawNlri"/>.
/// </summary>
public sealed record RibRecord(
    uint Timestamp,
    TableDumpV2Subtype RibSubtype,
    uint SequenceNumber,
    AfiSafi Family,
    Prefix Prefix,
    EquatableArray<RibEntry> Entries,
    EquatableArray<byte> RawNlri = default) : MrtRecord(Timestamp)
{
    public override MrtType Type => MrtType.TableDumpV2;
    public override ushort Subtype => (ushort)RibSubtype;
    public bool IsAddPath => RibSubtype.IsAddPath();
    public bool IsGeneric => RibSubtype is TableDumpV2Subtype.RibGeneric or TableDumpV2Subtype.RibGenericAddPath;
}

/// <summary>
/// BGP4MP / BGP4MP_ET MESSAGE and its AS4, LOCAL and ADDPATH variants (RFC 6396 §4.4.2-6, RFC 8050 §3).
/// <see cref="Message"/> is decoded with the AS width and add-path the subtype implies. When the
/// message did not decode cleanly, <see cref="Errors"/> says why and <see cref="RawMessage"/> keeps
/// its bytes (the writer then writes those); <see cref="Message"/> is what could be read of it, or
/// null when nothing could.
/// </summary>
public sealed record Bgp4MpMessageRecord(
    uint Timestamp,
    uint? Microseconds,
    Bgp4MpSubtype MessageSubtype,
    uint PeerAs,
    uint LocalAs,
    ushort InterfaceIndex,
    IpAddr PeerAddress,
    IpAddr LocalAddress,
    BgpMessage? Message,
    EquatableArray<WireError> Errors = default,
    EquatableArray<byte> RawMessage = default) : MrtRecord(Timestamp)
{
    public override MrtType Type => Microseconds is null ? MrtType.Bgp4Mp : MrtType.Bgp4MpEt;
    public override ushort Subtype => (ushort)MessageSubtype;
}

/// <summary>BGP4MP / BGP4MP_ET STATE_CHANGE and STATE_CHANGE_AS4 (RFC 6396 §4.4.1, §4.4.4).</summary>
public sealed record Bgp4MpStateChangeRecord(
    uint Timestamp,
    uint? Microseconds,
    bool FourOctetAs,
    uint PeerAs,
    uint LocalAs,
    ushort InterfaceIndex,
    IpAddr PeerAddress,
    IpAddr LocalAddress,
    BgpFsmState OldState,
    BgpFsmState NewState) : MrtRecord(Timestamp)
{
    public override MrtType Type => Microseconds is null ? MrtType.Bgp4Mp : MrtType.Bgp4MpEt;
    public override ushort Subtype => (ushort)(FourOctetAs ? Bgp4MpSubtype.StateChangeAs4 : Bgp4MpSubtype.StateChange);
}

/// <summary>
/// The deprecated BGP type 5 UPDATE, OPEN, NOTIFY and KEEPALIVE records (RFC 6396 App. B.2.1):
/// 2-octet ASNs, IPv4 addresses, and the BGP message without its 19-octet header. Errors and raw
/// bytes (the body, without a header) as for <see cref="Bgp4MpMessageRecord"/>.
/// </summary>
public sealed record LegacyBgpMessageRecord(
    uint Timestamp,
    LegacyBgpSubtype MessageSubtype,
    ushort PeerAs,
    IpAddr PeerAddress,
    ushort LocalAs,
    IpAddr LocalAddress,
    BgpMessage? Message,
    EquatableArray<WireError> Errors = default,
    EquatableArray<byte> RawMessage = default) : MrtRecord(Timestamp)
{
    public override MrtType Type => MrtType.Bgp;
    public override ushort Subtype => (ushort)MessageSubtype;
}

/// <summary>The deprecated BGP type 5 STATE_CHANGE record (RFC 6396 App. B.2.1).</summary>
public sealed record LegacyBgpStateChangeRecord(
    uint Timestamp,
    ushort PeerAs,
    IpAddr PeerAddress,
    BgpFsmState OldState,
    BgpFsmState NewState) : MrtRecord(Timestamp)
{
    public override MrtType Type => MrtType.Bgp;
    public override ushort Subtype => (ushort)LegacyBgpSubtype.StateChange;
}

/// <summary>A well-framed record of a type or subtype this reader does not decode; kept byte for byte.</summary>
public sealed record UnknownMrtRecord(uint Timestamp, MrtType RecordType, ushort RecordSubtype, EquatableArray<byte> Body)
    : MrtRecord(Timestamp)
{
    public override MrtType Type => RecordType;
    public override ushort Subtype => RecordSubtype;
}

/// <summary>
/// A record that could not be decoded. <see cref="Offset"/> is where its header starts in the
/// stream; <see cref="Body"/> holds what was read of it. When <see cref="IsFatal"/> the stream
/// could not be followed further (truncated file, unusable length) and reading stopped.
/// </summary>
public sealed record MalformedMrtRecord(
    uint Timestamp,
    MrtType RecordType,
    ushort RecordSubtype,
    long Offset,
    string Reason,
    EquatableArray<byte> Body = default,
    bool IsFatal = false) : MrtRecord(Timestamp)
{
    public override MrtType Type => RecordType;
    public override ushort Subtype => RecordSubtype;
    public override string ToString() => $"MRT record at offset {Offset} (type {(ushort)RecordType}/{RecordSubtype}): {Reason}";
}
