using System.Buffers.Binary;
using Bgp.Wire;

namespace Bgp.Cli.Mrt;

/// <summary>The attributes bgpdump's route lines show, picked out of an attribute list in one pass.</summary>
internal readonly struct AttributeView
{
    private readonly AsPath? _asPath;
    private readonly Origin? _origin;
    private readonly IpAddr? _nextHop;
    private readonly MpReachAttribute? _mpReach;
    private readonly uint _localPref;
    private readonly uint _med;
    private readonly CommunitiesAttribute? _communities;
    private readonly bool _atomicAggregate;
    private readonly AggregatorAttribute? _aggregator;

    /// <param name="errors">The decode errors of the attribute list, for a malformed AGGREGATOR.</param>
    /// <param name="asSize">The AS width the attributes were encoded with (2 or 4).</param>
    /// <param name="asPathOverride">The path to show in place of AS_PATH (see <see cref="As4Remerge"/>).</param>
    public AttributeView(EquatableArray<PathAttribute> attributes, EquatableArray<WireError> errors = default,
        int asSize = 4, AsPath? asPathOverride = null)
    {
        foreach (var a in attributes)
        {
            switch (a)
            {
                case AsPathAttribute p: _asPath = p.Path; break;
                case OriginAttribute o: _origin = o.Value; break;
                case NextHopAttribute n: _nextHop = n.Address; break;
                case MpReachAttribute m: _mpReach = m; break;
                case LocalPrefAttribute l: _localPref = l.Value; break;
                case MedAttribute m: _med = m.Value; break;
                case CommunitiesAttribute c: _communities = c; break;
                case AtomicAggregateAttribute: _atomicAggregate = true; break;
                case AggregatorAttribute g: _aggregator = g; break;
            }
        }
        if (asPathOverride is not null) _asPath = asPathOverride;
        if (_aggregator is null && !errors.IsEmpty) _aggregator = MisreadAggregator(errors, asSize);
    }

    /// <summary>
    /// bgpdump reads an AGGREGATOR of the wrong length anyway: an AS of the session's width, then
    /// four octets of address (an 8-octet AGGREGATOR in a 2-octet TABLE_DUMP shows as
    /// "0 253.232.x.y"). RFC 7606 §7.7 discards it; this shows what bgpdump shows, where the
    /// attribute holds enough octets for it.
    /// </summary>
    private static AggregatorAttribute? MisreadAggregator(EquatableArray<WireError> errors, int asSize)
    {
        foreach (var e in errors)
        {
            if (e.Attribute != AttrType.Aggregator || e.Data.Count < 3) continue;
            var whole = e.Data.AsSpan();
            int hdr = (whole[0] & (byte)AttrFlags.ExtendedLength) != 0 ? 4 : 3;
            if (whole.Length < hdr) continue;
            var v = whole[hdr..];
            if (v.Length < asSize + 4) continue;
            uint asn = asSize == 4 ? BinaryPrimitives.ReadUInt32BigEndian(v) : BinaryPrimitives.ReadUInt16BigEndian(v);
            return new AggregatorAttribute(asn, IpAddr.ReadV4(v[asSize..]));
        }
        return null;
    }

    /// <summary>
    /// AS_PATH|ORIGIN|NEXT_HOP|LOCAL_PREF|MED|COMMUNITIES|AG|AGGREGATOR|, or for type 5 records
    /// (<paramref name="communityField"/> false) AS_PATH|ORIGIN|NEXT_HOP|LOCAL_PREF|MEDCOMMUNITIES|AG|AGGREGATOR|:
    /// bgpdump prints no separator between MED and the communities there.
    /// </summary>
    /// <param name="mpNextHop">Show MP_REACH_NLRI's next hop (when there is one) rather than NEXT_HOP.</param>
    public void AppendTo(LineBuilder b, bool mpNextHop, bool communityField)
    {
        if (_asPath is { } path) AppendAsPath(b, path);
        b.Append('|');
        b.Append(_origin switch
        {
            Origin.Igp => "IGP",
            Origin.Egp => "EGP",
            _ => "INCOMPLETE",
        });
        b.Append('|');
        // Without a next hop bgpdump shows 255.255.255.255 (INADDR_NONE). Of a global and a
        // link-local next hop (RFC 2545 §3) it shows the global one.
        if (mpNextHop && _mpReach is { IsTyped: true } m) b.Append(m.NextHop.Address);
        else if (_nextHop is { } nh) b.Append(nh);
        else b.Append("255.255.255.255");
        b.Append('|').Append(_localPref).Append('|').Append(_med);
        if (communityField) b.Append('|');
        if (_communities is { } c)
        {
            for (int i = 0; i < c.Communities.Count; i++)
            {
                if (i > 0) b.Append(' ');
                var x = c.Communities[i];
                // RFC 1997's well-known communities print by name, NO_EXPORT_SUBCONFED by its old name.
                if (x == Community.NoExport) b.Append("no-export");
                else if (x == Community.NoAdvertise) b.Append("no-advertise");
                else if (x == Community.NoExportSubconfed) b.Append("local-AS");
                else b.Append((uint)x.Asn).Append(':').Append((uint)x.LocalValue);
            }
        }
        b.Append('|');
        b.Append(_atomicAggregate ? "AG|" : "NAG|");
        if (_aggregator is { } g) b.Append(g.Asn).Append(' ').Append(g.Address);
        b.Append('|');
    }

    /// <summary>Sequences as space-separated ASNs, AS_SET as {a,b}, confederation segments as (a b) and [a,b].</summary>
    private static void AppendAsPath(LineBuilder b, AsPath path)
    {
        bool first = true;
        foreach (var seg in path.Segments)
        {
            if (!first) b.Append(' ');
            first = false;
            var (open, close, sep) = seg.SegmentType switch
            {
                AsPathSegmentType.AsSet => ('{', '}', ','),
                AsPathSegmentType.ConfedSequence => ('(', ')', ' '),
                AsPathSegmentType.ConfedSet => ('[', ']', ','),
                _ => ('\0', '\0', ' '),
            };
            if (open != '\0') b.Append(open);
            for (int i = 0; i < seg.Asns.Count; i++)
            {
                if (i > 0) b.Append(sep);
                b.Append(seg.Asns[i]);
            }
            if (close != '\0') b.Append(close);
        }
    }
}
