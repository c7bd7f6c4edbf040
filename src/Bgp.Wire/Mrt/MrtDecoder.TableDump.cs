using System.Text;

namespace Bgp.Wire.Mrt;

public static partial class MrtDecoder
{
    /// <summary>
    /// TABLE_DUMP (RFC 6396 §4.2): one route per record, 2-octet ASNs.
    /// <code>
    /// +---------------------+---------------------+
    /// | View Number (2)     | Sequence Number (2) |
    /// +---------------------+---------------------+
    /// | Prefix (4 or 16)                          |
    /// +----------------+------------+-------------+
    /// | Prefix Len (1) | Status (1) |
    /// +----------------+------------+-------------+
    /// | Originated Time (4)                       |
    /// | Peer IP Address (4 or 16)                 |
    /// +---------------------+---------------------+
    /// | Peer AS (2)         | Attribute Length (2)|
    /// +---------------------+---------------------+
    /// | BGP Attribute... (variable)               |
    /// </code>
    /// </summary>
    private static MrtRecord DecodeTableDump(ref DecodeScope s)
    {
        bool v6;
        switch ((TableDumpSubtype)s.Header.Subtype)
        {
            case TableDumpSubtype.AfiIpv4: v6 = false; break;
            case TableDumpSubtype.AfiIpv6: v6 = true; break;
            default: return s.Unknown();
        }
        var r = new SpanReader(s.Body);
        if (!r.TryU16(out ushort view) || !r.TryU16(out ushort seq) || !r.TryAddress(v6, out var address)
            || !r.TryU8(out byte bits) || !r.TryU8(out byte status) || !r.TryU32(out uint originated)
            || !r.TryAddress(v6, out var peer) || !r.TryU16(out ushort peerAs) || !r.TryU16(out ushort attrLen))
            return s.Malformed("truncated TABLE_DUMP entry");
        if (bits > (v6 ? 128 : 32)) return s.Malformed($"prefix length {bits} exceeds the family's maximum");
        if (!r.TrySlice(attrLen, out var attrs)) return s.Malformed($"attribute length {attrLen} overruns the record");

        var family = v6 ? AfiSafi.Ipv6Unicast : AfiSafi.Ipv4Unicast;
        var decoded = RibAttributes.Decode(attrs, Ctx2, family, out var errors);
        return new TableDumpRecord(s.Header.Timestamp, view, seq, Prefix.Create(address, bits), status, originated,
            peer, peerAs, decoded, errors, errors.IsEmpty ? default : new EquatableArray<byte>(attrs.ToArray()));
    }

    private static MrtRecord DecodeTableDumpV2(ref DecodeScope s)
    {
        var subtype = (TableDumpV2Subtype)s.Header.Subtype;
        if (subtype == TableDumpV2Subtype.PeerIndexTable) return DecodePeerIndexTable(ref s);
        if (!subtype.IsRib()) return s.Unknown();
        return DecodeRib(ref s, subtype);
    }

    /// <summary>
    /// PEER_INDEX_TABLE (RFC 6396 §4.3.1).
    /// <code>
    /// +---------------------------------------+
    /// | Collector BGP ID (4)                  |
    /// +-------------------+-------------------+
    /// | View Name Len (2) | View Name (var)   |
    /// +-------------------+-------------------+
    /// | Peer Count (2)    | Peer Entries (var)|
    /// +-------------------+-------------------+
    /// Peer Entry: Peer Type (1) | Peer BGP ID (4) | Peer IP (4 or 16) | Peer AS (2 or 4)
    /// </code>
    /// </summary>
    private static MrtRecord DecodePeerIndexTable(ref DecodeScope s)
    {
        var r = new SpanReader(s.Body);
        if (!r.TryAddress(false, out var collector) || !r.TryU16(out ushort nameLen))
            return s.Malformed("truncated PEER_INDEX_TABLE header");
        if (!r.TrySlice(nameLen, out var name)) return s.Malformed($"view name length {nameLen} overruns the record");
        if (!r.TryU16(out ushort count)) return s.Malformed("truncated before the peer count");
        var peers = new MrtPeer[count];
        for (int i = 0; i < count; i++)
        {
            if (!r.TryU8(out byte type)) return s.Malformed($"truncated at peer {i} of {count}");
            bool v6 = (type & 1) != 0, as4 = (type & 2) != 0;
            if (!r.TryAddress(false, out var id) || !r.TryAddress(v6, out var addr) || !r.TryAs(as4, out uint asn))
                return s.Malformed($"truncated at peer {i} of {count}");
            peers[i] = new MrtPeer(id, addr, asn, as4);
        }
        // Latin-1 maps every octet to one char, so an odd view name survives a round trip.
        return new PeerIndexTableRecord(s.Header.Timestamp, collector, Encoding.Latin1.GetString(name), peers);
    }

    /// <summary>
    /// RIB_* records (RFC 6396 §4.3.2-3; RFC 8050 §4 adds the path identifier to each entry).
    /// <code>
    /// +---------------------------------------+
    /// | Sequence Number (4)                   |
    /// +---------------------------------------+
    /// | AFI (2) | SAFI (1)      (RIB_GENERIC only)
    /// +---------------------------------------+
    /// | Prefix Length (1) | Prefix (var)  (or the generic NLRI)
    /// +---------------------------------------+
    /// | Entry Count (2)   | RIB Entries (var) |
    /// +---------------------------------------+
    /// RIB Entry: Peer Index (2) | Originated Time (4) | [Path Identifier (4)] | Attr Length (2) | Attributes
    /// </code>
    /// </summary>
    private static MrtRecord DecodeRib(ref DecodeScope s, TableDumpV2Subtype subtype)
    {
        var r = new SpanReader(s.Body);
        if (!r.TryU32(out uint seq)) return s.Malformed("truncated before the sequence number");
        AfiSafi family;
        Prefix prefix = default;
        EquatableArray<byte> rawNlri = default;
        if (subtype.Family() is { } f)
        {
            family = f;
            if (!r.TryPrefix(f.Afi == Afi.Ipv6, out prefix, out var err)) return s.Malformed(err!);
        }
        else
        {
            if (!r.TryU16(out ushort afi) || !r.TryU8(out byte safi)) return s.Malformed("truncated before the AFI/SAFI");
            family = new AfiSafi((Afi)afi, (Safi)safi);
            if (family.IsPrefixFamily)
            {
                if (!r.TryPrefix(family.Afi == Afi.Ipv6, out prefix, out var err)) return s.Malformed(err!);
            }
            else
            {
                int n = GenericNlriLength(r.Rest, family);
                if (n < 0 || !r.TrySlice(n, out var nlri)) return s.Malformed($"NLRI of {family} overruns the record");
                rawNlri = nlri.ToArray();
            }
        }

        if (!r.TryU16(out ushort count)) return s.Malformed("truncated before the entry count");
        bool addPath = subtype.IsAddPath();
        var entries = new RibEntry[count];
        for (int i = 0; i < count; i++)
        {
            uint pathId = 0;
            if (!r.TryU16(out ushort peerIndex) || !r.TryU32(out uint originated)
                || (addPath && !r.TryU32(out pathId)) || !r.TryU16(out ushort attrLen))
                return s.Malformed($"truncated at RIB entry {i} of {count}");
            if (!r.TrySlice(attrLen, out var attrs))
                return s.Malformed($"attribute length {attrLen} of RIB entry {i} overruns the record");
            // RFC 6396 §4.3.4: attributes in RIB entries always carry 4-octet ASNs.
            var decoded = RibAttributes.Decode(attrs, Ctx4, family, out var errors);
            entries[i] = new RibEntry(peerIndex, originated, decoded, pathId, errors,
                errors.IsEmpty ? default : new EquatableArray<byte>(attrs.ToArray()));
        }
        return new RibRecord(s.Header.Timestamp, subtype, seq, family, prefix, entries, rawNlri);
    }

    /// <summary>
    /// The length of the single NLRI a RIB_GENERIC record carries for a family this codec does not
    /// type; -1 when it cannot be told. Most families prefix the NLRI with its length in bits
    /// (RFC 4760 §5, RFC 8277, RFC 4364); FlowSpec uses a 1- or 2-octet length in octets
    /// (RFC 8955 §4); EVPN a route type and a length octet (RFC 7432 §7); MUP an architecture, route type and length; BGP-LS a 2-octet type and
    /// 2-octet length (RFC 9552 §5.2).
    /// </summary>
    private static int GenericNlriLength(ReadOnlySpan<byte> v, AfiSafi family)
    {
        if (v.IsEmpty) return -1;
        switch (family.Safi)
        {
            case Safi.FlowSpec or Safi.FlowSpecVpn:
                if (v[0] < 0xF0) return 1 + v[0];
                return v.Length < 2 ? -1 : 2 + (((v[0] & 0x0F) << 8) | v[1]);
            case Safi.Evpn:
                return v.Length < 2 ? -1 : 2 + v[1];
            case Safi.Mup: // draft-mpmz-bess-mup-safi: architecture (1), route type (2), length (1)
                return v.Length < 4 ? -1 : 4 + v[3];
            case Safi.BgpLs or Safi.BgpLsVpn:
                return v.Length < 4 ? -1 : 4 + ((v[2] << 8) | v[3]);
            default:
                return 1 + ((v[0] + 7) >> 3);
        }
    }
}
