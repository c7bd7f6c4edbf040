using System.Buffers.Binary;

namespace Bgp.Wire;

/// <summary>
/// MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760 §3, §4). A malformed attribute whose AFI/SAFI can be
/// read calls for "AFI/SAFI disable"; one too short to name its family calls for a session reset
/// (RFC 7606 §7.11).
/// <code>
/// MP_REACH_NLRI                              MP_UNREACH_NLRI
/// +---------------------------------+        +---------------------------------+
/// | AFI (2) | SAFI (1)              |        | AFI (2) | SAFI (1)              |
/// | Next Hop Length (1)             |        | Withdrawn Routes (variable)     |
/// | Next Hop (variable)             |        +---------------------------------+
/// | Reserved (1)                    |
/// | NLRI (variable)                 |
/// +---------------------------------+
/// </code>
/// </summary>
internal static class MpDecoders
{
    public static PathAttribute? DecodeReach(ReadOnlySpan<byte> v, ref AttrDecodeContext c)
    {
        if (v.Length < 3)
        {
            c.ActionOverride = ErrorAction.SessionReset;
            c.Error = $"length {v.Length} is too short to hold an AFI/SAFI";
            return null;
        }
        var family = new AfiSafi((Afi)BinaryPrimitives.ReadUInt16BigEndian(v), (Safi)v[2]);
        c.Family = family;
        if (v.Length < 5) { c.Error = "truncated before the next hop"; return null; }
        int nhLen = v[3];
        if (4 + nhLen + 1 > v.Length) { c.Error = $"next hop length {nhLen} overruns the attribute"; return null; }
        var nh = v.Slice(4, nhLen);
        var nlri = v[(4 + nhLen + 1)..]; // the octet before is Reserved (RFC 4760 §3; formerly the SNPA count)

        if (!family.IsPrefixFamily)
        {
            c.Family = null; // the slot names a family only for an error
            return new MpReachAttribute(family, default, default, nh.ToArray(), nlri.ToArray());
        }

        bool v6 = family.Afi == Afi.Ipv6;
        NextHop nextHop;
        switch (nhLen)
        {
            case 4 when !v6:
                nextHop = new NextHop(IpAddr.ReadV4(nh));
                break;
            case 16: // IPv6, or RFC 8950 IPv6 next hop for IPv4 NLRI
                nextHop = new NextHop(IpAddr.ReadV6(nh));
                break;
            case 32: // RFC 2545 §3 global + link-local (RFC 8950 likewise for IPv4 NLRI)
                nextHop = new NextHop(IpAddr.ReadV6(nh), IpAddr.ReadV6(nh[16..]));
                break;
            default:
                c.Error = $"next hop length {nhLen} is invalid for {family}";
                return null;
        }

        if (!NlriCodec.TryRead(nlri, v6, c.Codec.ReceiveAddPath.Contains(family), out var routes, out var err))
        {
            c.Error = "NLRI: " + err;
            return null;
        }
        c.Family = null; // the slot names a family only for an error
        return new MpReachAttribute(family, nextHop, routes);
    }

    public static PathAttribute? DecodeUnreach(ReadOnlySpan<byte> v, ref AttrDecodeContext c)
    {
        if (v.Length < 3)
        {
            c.ActionOverride = ErrorAction.SessionReset;
            c.Error = $"length {v.Length} is too short to hold an AFI/SAFI";
            return null;
        }
        var family = new AfiSafi((Afi)BinaryPrimitives.ReadUInt16BigEndian(v), (Safi)v[2]);
        c.Family = family;
        var nlri = v[3..];
        if (!family.IsPrefixFamily)
        {
            c.Family = null; // the slot names a family only for an error
            return new MpUnreachAttribute(family, default, nlri.ToArray());
        }
        if (!NlriCodec.TryRead(nlri, family.Afi == Afi.Ipv6, c.Codec.ReceiveAddPath.Contains(family), out var routes, out var err))
        {
            c.Error = "withdrawn routes: " + err;
            return null;
        }
        c.Family = null; // the slot names a family only for an error
        return new MpUnreachAttribute(family, routes);
    }
}
