using FsCheck;
using FsCheck.Fluent;

namespace Bgp.Wire.Tests.Properties;

/// <summary>FsCheck generators for well-formed messages (the round-trip properties' domain).</summary>
public static class Generators
{
    private static Gen<uint> UInt => Gen.Choose(0, int.MaxValue).SelectMany(hi => Gen.Choose(0, 1).Select(b => (uint)hi * 2u + (uint)b));
    private static Gen<ulong> ULong => UInt.SelectMany(a => UInt.Select(b => ((ulong)a << 32) | b));
    private static Gen<byte> Byte => Gen.Choose(0, 255).Select(i => (byte)i);
    private static Gen<byte[]> Bytes(int max) => Gen.Choose(0, max).SelectMany(n => Gen.ArrayOf(Byte, n));

    public static Gen<IpAddr> V4 => UInt.Select(IpAddr.V4);
    public static Gen<IpAddr> V6 => ULong.SelectMany(h => ULong.Select(l => IpAddr.V6(h, l)));

    public static Gen<Prefix> PrefixV4 => UInt.SelectMany(a => Gen.Choose(0, 32).Select(l => Prefix.V4(a, l)));
    public static Gen<Prefix> PrefixV6 => V6.SelectMany(a => Gen.Choose(0, 128).Select(l => Prefix.V6(a.V6Value, l)));

    public static Gen<Nlri[]> Routes(Gen<Prefix> prefix, bool addPath, int max = 40) =>
        Gen.Choose(0, max).SelectMany(n => Gen.ArrayOf(prefix.SelectMany(p => (addPath ? UInt : Gen.Constant(0u)).Select(id => new Nlri(p, id))), n));

    private static Gen<uint> Asn => Gen.OneOf(Gen.Choose(1, 65535).Select(i => (uint)i), UInt.Where(a => a != 0));

    /// <summary>AS paths as real speakers send them: optional leading confed segments, then sequences and sets.</summary>
    public static Gen<AsPath> Path =>
        from confed in Gen.Choose(0, 1)
        // Member-AS numbers stay 2-octet: AS4_PATH never carries confed segments (RFC 6793 §3), so a
        // 4-octet member AS cannot survive a 2-octet session (RFC 6793 §7 says as much).
        from confedAsns in Gen.ArrayOf(Gen.Choose(1, 65535).Select(i => (uint)i), 1)
        from segs in Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(
            from t in Gen.Elements(AsPathSegmentType.AsSequence, AsPathSegmentType.AsSequence, AsPathSegmentType.AsSet)
            from count in Gen.Choose(1, 8)
            from asns in Gen.ArrayOf(Asn, count)
            select new AsPathSegment(t, asns), n))
        select new AsPath(Normalise((confed == 1 ? [new AsPathSegment(AsPathSegmentType.ConfedSequence, confedAsns)] : Array.Empty<AsPathSegment>()).Concat(segs).ToArray()));

    // Adjacent sequences would be merged by the 2-octet reconstruction: keep them apart with sets.
    private static AsPathSegment[] Normalise(AsPathSegment[] s)
    {
        var list = new List<AsPathSegment>();
        foreach (var seg in s)
        {
            if (list.Count > 0 && list[^1].SegmentType == seg.SegmentType && seg.SegmentType == AsPathSegmentType.AsSequence)
                list[^1] = new AsPathSegment(seg.SegmentType, [.. list[^1].Asns.AsSpan(), .. seg.Asns.AsSpan()]);
            else list.Add(seg);
        }
        return list.ToArray();
    }

    private static Gen<AttrFlags> ExtraFlags => Gen.Elements(AttrFlags.None, AttrFlags.None, AttrFlags.Partial, AttrFlags.ExtendedLength);

    /// <summary>Typed optional attributes (not MP_*, not the mandatory ones), one per type.</summary>
    private static Gen<PathAttribute[]> Optionals =>
        Gen.ArrayOf(Gen.OneOf(
            UInt.Select(v => (PathAttribute)new MedAttribute(v)),
            UInt.Select(v => (PathAttribute)new LocalPrefAttribute(v)),
            Gen.Constant((PathAttribute)AtomicAggregateAttribute.Instance),
            Asn.SelectMany(a => V4.Select(ip => (PathAttribute)new AggregatorAttribute(a, ip))),
            Gen.Choose(1, 20).SelectMany(n => Gen.ArrayOf(UInt.Select(c => new Community(c)), n)).Select(c => (PathAttribute)new CommunitiesAttribute(c)),
            V4.Select(ip => (PathAttribute)new OriginatorIdAttribute(ip)),
            Gen.Choose(1, 5).SelectMany(n => Gen.ArrayOf(UInt, n)).Select(c => (PathAttribute)new ClusterListAttribute(c)),
            Gen.Choose(1, 5).SelectMany(n => Gen.ArrayOf(ULong.Select(c => new ExtendedCommunity(c)), n)).Select(c => (PathAttribute)new ExtendedCommunitiesAttribute(c)),
            Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(
                from t in Byte from st in Byte from ip in V6 from la in Gen.Choose(0, 65535)
                select new Ipv6ExtendedCommunity(t, st, ip, (ushort)la), n)).Select(c => (PathAttribute)new Ipv6ExtendedCommunitiesAttribute(c)),
            Gen.Choose(1, 5).SelectMany(n => Gen.ArrayOf(
                from a in UInt from b in UInt from c in UInt select new LargeCommunity(a, b, c), n)).Select(c => (PathAttribute)new LargeCommunitiesAttribute(c)),
            UInt.Select(v => (PathAttribute)new OtcAttribute(v)),
            ULong.Select(v => (PathAttribute)AigpAttribute.FromMetric(v)),
            from code in Gen.Elements<byte>(22, 23, 29, 33, 40, 99, 200, 255)
            from opt in Gen.Elements(AttrFlags.OptionalTransitive, AttrFlags.OptionalNonTransitive, AttrFlags.OptionalTransitive | AttrFlags.Partial)
            from v in Bytes(40)
            select (PathAttribute)new RawAttribute(code, v) { Flags = opt }))
        .SelectMany(arr => Gen.ArrayOf(ExtraFlags, arr.Length).Select(flags =>
            arr.Select((a, i) => a is RawAttribute ? a : a with { Flags = flags[i] })
               .GroupBy(a => (byte)a.Type).Select(g => g.First()).ToArray()));

    /// <summary>A well-formed UPDATE for the given context; attributes in type-code order.</summary>
    public static Gen<UpdateMessage> Update(CodecContext ctx)
    {
        bool ap4 = ctx.ReceiveAddPath.Contains(AfiSafi.Ipv4Unicast);
        bool ap6 = ctx.ReceiveAddPath.Contains(AfiSafi.Ipv6Unicast);
        var mpReach =
            from v6 in Gen.Elements(true, false)
            from nh in v6 ? V6.SelectMany(g => Gen.OneOf(Gen.Constant<IpAddr?>(null), V6.Select(l => (IpAddr?)l)).Select(l => new NextHop(g, l)))
                          : Gen.OneOf(V4.Select(a => new NextHop(a)), V6.Select(a => new NextHop(a)))
            from routes in Routes(v6 ? PrefixV6 : PrefixV4, v6 ? ap6 : ap4, 30)
            select (PathAttribute)new MpReachAttribute(v6 ? AfiSafi.Ipv6Unicast : AfiSafi.Ipv4Unicast, nh, routes);
        var mpUnreach =
            from v6 in Gen.Elements(true, false)
            from routes in Routes(v6 ? PrefixV6 : PrefixV4, v6 ? ap6 : ap4, 30)
            select (PathAttribute)new MpUnreachAttribute(v6 ? AfiSafi.Ipv6Unicast : AfiSafi.Ipv4Unicast, routes);
        var rawFamily =
            from safi in Gen.Elements(Safi.FlowSpec, Safi.Evpn, Safi.MplsVpn)
            from nh in Bytes(24)
            from nlri in Bytes(60)
            select (PathAttribute)new MpReachAttribute(new AfiSafi(Afi.Ipv4, safi), default, default, nh, nlri);

        return
            from withdrawn in Routes(PrefixV4, ap4)
            from nlri in Routes(PrefixV4, ap4)
            from origin in Gen.Elements(OriginAttribute.Igp, OriginAttribute.Egp, OriginAttribute.Incomplete)
            from path in Path
            from nh in V4
            from optionals in Optionals
            from reach in Gen.OneOf(Gen.Constant<PathAttribute?>(null), mpReach.Select(a => (PathAttribute?)a), rawFamily.Select(a => (PathAttribute?)a))
            from unreach in Gen.OneOf(Gen.Constant<PathAttribute?>(null), mpUnreach.Select(a => (PathAttribute?)a))
            let attrs = new PathAttribute?[]
                {
                    origin, new AsPathAttribute(path), nlri.Length > 0 ? new NextHopAttribute(nh) : null, reach, unreach,
                }.Concat(optionals).OfType<PathAttribute>().OrderBy(a => (byte)a.Type).ToArray()
            select new UpdateMessage(withdrawn, attrs, nlri);
    }

    private static Gen<AfiSafi> Family => Gen.Elements(AfiSafi.Ipv4Unicast, AfiSafi.Ipv6Unicast, new AfiSafi(Afi.L2vpn, Safi.Evpn), new AfiSafi(Afi.Ipv4, Safi.FlowSpec));

    private static Gen<string> ShortString => Gen.Choose(0, 30).SelectMany(n => Gen.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789.-é".ToCharArray()), n)).Select(c => new string(c));

    public static Gen<Capability> Capability => Gen.OneOf(
        Family.Select(f => (Capability)new MultiprotocolCapability(f)),
        Gen.Constant((Capability)RouteRefreshCapability.Instance),
        Gen.Constant((Capability)ExtendedMessageCapability.Instance),
        Gen.Constant((Capability)EnhancedRouteRefreshCapability.Instance),
        Gen.Elements(BgpRole.Provider, BgpRole.RouteServer, BgpRole.RouteServerClient, BgpRole.Customer, BgpRole.Peer).Select(r => (Capability)new BgpRoleCapability(r)),
        UInt.Select(a => (Capability)new FourOctetAsCapability(a)),
        Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Family.Select(f => new ExtendedNextHopEntry(f.Afi, (ushort)f.Safi, Afi.Ipv6)), n)).Select(e => (Capability)new ExtendedNextHopCapability(e)),
        from r in Gen.Elements(true, false) from nb in Gen.Elements(true, false) from t in Gen.Choose(0, 4095)
        from fams in Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Family.SelectMany(f => Gen.Elements(true, false).Select(fp => new GracefulRestartFamily(f, fp))), n))
        select (Capability)new GracefulRestartCapability(r, nb, (ushort)t, fams),
        Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Family.SelectMany(f => Gen.Elements(AddPathMode.Receive, AddPathMode.Send, AddPathMode.Both).Select(m => new AddPathFamily(f, m))), n)).Select(f => (Capability)new AddPathCapability(f)),
        Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(
            from f in Family from fp in Gen.Elements(true, false) from st in Gen.Choose(0, 0xFFFFFF)
            select new LlgrFamily(f, fp, (uint)st), n)).Select(f => (Capability)new LongLivedGracefulRestartCapability(f)),
        from h in ShortString from d in ShortString select (Capability)new FqdnCapability(h, d),
        ShortString.Select(s => (Capability)new SoftwareVersionCapability(s)),
        from code in Gen.Elements<byte>(3, 4, 66, 72, 128, 131, 200, 255) from v in Bytes(20)
        select (Capability)new UnknownCapability(code, v));

    public static Gen<OpenMessage> Open =>
        from asn in Gen.Choose(0, 65535)
        from hold in Gen.Elements(0, 3, 90, 180, 65535)
        from id in UInt
        from caps in Gen.Choose(0, 12).SelectMany(n => Gen.ArrayOf(Capability, n))
        from ext in Gen.Elements(false, false, true)
        select new OpenMessage((ushort)asn, (ushort)hold, id, caps) { UseExtendedParameters = ext };

    public static Gen<NotificationMessage> Notification =>
        from code in Gen.Choose(1, 8)
        from sub in Byte
        from data in Bytes(60)
        select new NotificationMessage((NotificationCode)code, sub, data);

    public static Gen<RouteRefreshMessage> RouteRefresh =>
        from f in Family
        from st in Gen.Elements(RouteRefreshSubtype.Normal, RouteRefreshSubtype.BeginningOfRouteRefresh, RouteRefreshSubtype.EndOfRouteRefresh)
        from orf in st == RouteRefreshSubtype.Normal ? Bytes(20) : Gen.Constant(Array.Empty<byte>())
        select new RouteRefreshMessage(f.Afi, f.Safi, st, orf);

    public static Gen<BgpMessage> Message(CodecContext ctx) => Gen.OneOf(
        Update(ctx).Select(m => (BgpMessage)m),
        Open.Select(m => (BgpMessage)m),
        Notification.Select(m => (BgpMessage)m),
        RouteRefresh.Select(m => (BgpMessage)m),
        Gen.Constant((BgpMessage)KeepaliveMessage.Instance));
}
