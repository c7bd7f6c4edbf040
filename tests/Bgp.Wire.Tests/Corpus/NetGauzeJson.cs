using System.Globalization;
using System.Text.Json;

namespace Bgp.Wire.Tests.Corpus;

/// <summary>
/// NetGauze's JSON decodings (<c>X-bgp.json</c>, one line per message) turned into the same short
/// text lines as ours, so that a comparison shows exactly where two decoders disagree. Attributes
/// are compared in wire order with their flags; IPv4/IPv6 unicast routes prefix by prefix with next
/// hop and path identifier; other MP families only by family (we keep their NLRI raw).
/// </summary>
public static class NetGauzeJson
{
    /// <summary>The message kind of a line: "KeepAlive", "Open", "Update", "Notification", "RouteRefresh".</summary>
    public static string Kind(JsonElement line) =>
        line.ValueKind == JsonValueKind.String ? line.GetString()! : line.EnumerateObject().First().Name;

    public static MessageType TypeOf(JsonElement line) => Kind(line) switch
    {
        "KeepAlive" => MessageType.Keepalive,
        "Open" => MessageType.Open,
        "Update" => MessageType.Update,
        "Notification" => MessageType.Notification,
        "RouteRefresh" => MessageType.RouteRefresh,
        var k => throw new FormatException($"unknown NetGauze message kind {k}"),
    };

    /// <summary>NetGauze's view of a message, one line per item.</summary>
    public static List<string> Theirs(JsonElement line) => Kind(line) switch
    {
        "Update" => UpdateLines(line.GetProperty("Update")),
        "Open" => OpenLines(line.GetProperty("Open")),
        var k => [k],
    };

    /// <summary>Our view of a message in the same form.</summary>
    public static List<string> Ours(BgpMessage m, CodecContext ctx) => m switch
    {
        UpdateMessage u => OurUpdate(u, ctx),
        OpenMessage o => OurOpen(o),
        KeepaliveMessage => ["KeepAlive"],
        NotificationMessage => ["Notification"],
        RouteRefreshMessage => ["RouteRefresh"],
        _ => throw new ArgumentOutOfRangeException(nameof(m)),
    };

    // --- NetGauze ------------------------------------------------------------------------------

    private static List<string> UpdateLines(JsonElement u)
    {
        var lines = new List<string>();
        foreach (var w in u.GetProperty("withdrawn_routes").EnumerateArray()) lines.Add("withdraw " + Route(w));
        foreach (var a in u.GetProperty("path_attributes").EnumerateArray()) lines.Add(Attribute(a));
        foreach (var n in u.GetProperty("nlri").EnumerateArray()) lines.Add("nlri " + Route(n));
        return lines;
    }

    private static string Route(JsonElement r) =>
        Prefix.Parse(r.GetProperty("network").GetString()!)
        + (r.TryGetProperty("path_id", out var id) && id.ValueKind == JsonValueKind.Number && id.GetUInt32() != 0 ? $" id {id.GetUInt32()}" : "");

    private static string Attribute(JsonElement a)
    {
        string flags = FlagText(a.GetProperty("optional").GetBoolean(), a.GetProperty("transitive").GetBoolean(),
            a.GetProperty("partial").GetBoolean(), a.GetProperty("extended_length").GetBoolean());
        var v = a.GetProperty("value").EnumerateObject().First();
        return flags + " " + v.Name switch
        {
            "Origin" => "origin " + v.Value.GetString()!.ToLowerInvariant(),
            "AsPath" => "as-path " + AsPathOf(v.Value),
            "NextHop" => "next-hop " + IpAddr.Parse(v.Value.GetProperty("next_hop").GetString()!),
            "MultiExitDiscriminator" => "med " + v.Value.GetProperty("metric").GetUInt32(),
            "LocalPreference" => "local-pref " + v.Value.GetProperty("metric").GetUInt32(),
            "AtomicAggregate" => "atomic-aggregate",
            "Aggregator" => AggregatorOf(v.Value),
            "Communities" => "communities " + Join(v.Value.GetProperty("communities").EnumerateArray().Select(c => new Community(c.GetUInt32()).ToString())),
            "LargeCommunities" => "large-communities " + Join(v.Value.GetProperty("communities").EnumerateArray().Select(c =>
                new LargeCommunity(c.GetProperty("global_admin").GetUInt32(), c.GetProperty("local_data1").GetUInt32(), c.GetProperty("local_data2").GetUInt32()).ToString())),
            "ExtendedCommunities" => "ext-communities " + Join(v.Value.GetProperty("communities").EnumerateArray().Select(ExtendedOf)),
            "MpReach" => MpReachOf(v.Value.EnumerateObject().First()),
            "MpUnreach" => MpUnreachOf(v.Value.EnumerateObject().First()),
            "PrefixSegmentIdentifier" => $"raw {(byte)AttrType.PrefixSid}",
            "UnknownAttribute" => $"raw {v.Value.GetProperty("code").GetByte()}",
            "Originator" => "originator-id " + IpAddr.Parse(v.Value.GetString()!),
            "ClusterList" => "cluster-list " + Join(v.Value.EnumerateArray().Select(c => IpAddr.Parse(c.GetString()!).ToString())),
            "Aigp" => "aigp " + v.Value.GetProperty("AccumulatedIgpMetric").GetUInt64(),
            var other => throw new FormatException($"NetGauze attribute {other} has no mapping here"),
        };
    }

    private static string AsPathOf(JsonElement p)
    {
        var segs = p.EnumerateObject().First().Value.EnumerateArray().Select(s => new AsPathSegment(
            s.GetProperty("segment_type").GetString() switch
            {
                "AsSequence" => AsPathSegmentType.AsSequence,
                "AsSet" => AsPathSegmentType.AsSet,
                "AsConfedSequence" or "ConfedSequence" => AsPathSegmentType.ConfedSequence,
                "AsConfedSet" or "ConfedSet" => AsPathSegmentType.ConfedSet,
                var t => throw new FormatException($"NetGauze segment type {t}"),
            },
            s.GetProperty("as_numbers").EnumerateArray().Select(x => x.GetUInt32()).ToArray())).ToArray();
        return new AsPath(segs).ToString();
    }

    private static string AggregatorOf(JsonElement g)
    {
        var inner = g.EnumerateObject().First().Value;
        return $"aggregator {inner.GetProperty("asn").GetUInt32()} {IpAddr.Parse(inner.GetProperty("origin").GetString()!)}";
    }

    /// <summary>RFC 4360 §3-4 and RFC 5668: category (type octet) and kind (sub-type) as NetGauze names them.</summary>
    private static string ExtendedOf(JsonElement c)
    {
        var cat = c.EnumerateObject().First();
        if (cat.Name == "Unknown")
        {
            ulong raw = ((ulong)cat.Value.GetProperty("code").GetByte() << 56) | ((ulong)cat.Value.GetProperty("sub_type").GetByte() << 48);
            int shift = 40;
            foreach (var b in cat.Value.GetProperty("value").EnumerateArray()) { raw |= (ulong)b.GetByte() << shift; shift -= 8; }
            return new ExtendedCommunity(raw).ToString();
        }
        var kind = cat.Value.EnumerateObject().First();
        switch (cat.Name, kind.Name)
        {
            case ("TransitiveOpaque", "Upa"): // draft-ietf-idr-bgp-upa: flags (D = 0x80), reserved, BGP Identifier
                return new ExtendedCommunity((0x0309UL << 48) | (kind.Value.GetProperty("drop").GetBoolean() ? 0x80UL << 40 : 0)
                    | IpAddr.Parse(kind.Value.GetProperty("bgp_router_id").GetString()!).V4Value).ToString();
            case ("Evpn", "EvpnL2Attribute"): // RFC 8214 §3.1: control flags (2), L2 MTU (2), reserved (2)
                return new ExtendedCommunity((0x0604UL << 48) | ((ulong)kind.Value.GetProperty("control_flags").GetUInt16() << 32)
                    | ((ulong)kind.Value.GetProperty("l2_mtu").GetUInt16() << 16)).ToString();
        }
        ulong type = cat.Name switch
        {
            "TransitiveTwoOctet" => 0x00, "NonTransitiveTwoOctet" => 0x40,
            "TransitiveIpv4" => 0x01, "NonTransitiveIpv4" => 0x41,
            "TransitiveFourOctet" => 0x02, "NonTransitiveFourOctet" => 0x42,
            var n => throw new FormatException($"NetGauze extended community {n}"),
        };
        ulong sub = kind.Name switch
        {
            "RouteTarget" => 0x02, "RouteOrigin" => 0x03,
            var n => throw new FormatException($"NetGauze extended community kind {n}"),
        };
        var global = kind.Value.GetProperty("global_admin");
        ulong local = kind.Value.GetProperty("local_admin").GetUInt32();
        ulong value = (type & 0x3F) switch
        {
            0x00 => ((ulong)global.GetUInt16() << 32) | local,
            0x01 => ((ulong)IpAddr.Parse(global.GetString()!).V4Value << 16) | local,
            _ => ((ulong)global.GetUInt32() << 16) | local,
        };
        return new ExtendedCommunity((type << 56) | (sub << 48) | value).ToString();
    }

    private static string MpReachOf(JsonProperty fam)
    {
        var family = FamilyOf(fam.Name);
        if (!family.IsPrefixFamily) return $"mp-reach {family} raw";
        var v = fam.Value;
        string nh = v.TryGetProperty("next_hop_global", out var g)
            ? NextHopText(IpAddr.Parse(g.GetString()!), v.TryGetProperty("next_hop_local", out var l) && l.ValueKind == JsonValueKind.String ? IpAddr.Parse(l.GetString()!) : null)
            : IpAddr.Parse(v.GetProperty("next_hop").GetString()!).ToString();
        return $"mp-reach {family} via {nh} [{string.Join(", ", v.GetProperty("nlri").EnumerateArray().Select(Route))}]";
    }

    private static string MpUnreachOf(JsonProperty fam)
    {
        var family = FamilyOf(fam.Name);
        var nlri = fam.Value.GetProperty("nlri");
        if (!family.IsPrefixFamily) return $"mp-unreach {family} raw" + (nlri.GetArrayLength() == 0 ? " empty" : "");
        return $"mp-unreach {family} [{string.Join(", ", nlri.EnumerateArray().Select(Route))}]";
    }

    /// <summary>NetGauze's address types (its <c>AddressType</c> enum) as AFI/SAFI.</summary>
    public static AfiSafi FamilyOf(string name) => name switch
    {
        "Ipv4Unicast" => AfiSafi.Ipv4Unicast,
        "Ipv6Unicast" => AfiSafi.Ipv6Unicast,
        "Ipv4Multicast" => AfiSafi.Ipv4Multicast,
        "Ipv6Multicast" => AfiSafi.Ipv6Multicast,
        "Ipv4MplsVpnUnicast" or "Ipv4MplsLabeledVpn" => new AfiSafi(Afi.Ipv4, Safi.MplsVpn),
        "Ipv6MplsVpnUnicast" or "Ipv6MplsLabeledVpn" => new AfiSafi(Afi.Ipv6, Safi.MplsVpn),
        "Ipv4NlriMplsLabels" => new AfiSafi(Afi.Ipv4, Safi.MplsLabel),
        "Ipv6NlriMplsLabels" => new AfiSafi(Afi.Ipv6, Safi.MplsLabel),
        "L2VpnBgpEvpn" or "L2Evpn" => new AfiSafi(Afi.L2vpn, Safi.Evpn),
        _ => throw new FormatException($"NetGauze address type {name} has no mapping here"),
    };

    private static List<string> OpenLines(JsonElement o)
    {
        var lines = new List<string>
        {
            $"open v{o.GetProperty("version").GetInt32()} as {o.GetProperty("my_as").GetUInt32()} hold {o.GetProperty("hold_time").GetUInt32()} id {o.GetProperty("bgp_id").GetString()}",
        };
        foreach (var p in o.GetProperty("params").EnumerateArray())
            foreach (var cap in p.GetProperty("Capabilities").EnumerateArray())
                lines.Add(CapabilityOf(cap));
        return lines;
    }

    private static string CapabilityOf(JsonElement cap)
    {
        if (cap.ValueKind == JsonValueKind.String)
            return cap.GetString() switch
            {
                "RouteRefresh" => "route-refresh",
                "CiscoRouteRefresh" => "capability 128",
                "EnhancedRouteRefresh" => "enhanced-route-refresh",
                "ExtendedMessage" => "extended-message",
                var n => throw new FormatException($"NetGauze capability {n}"),
            };
        var c = cap.EnumerateObject().First();
        return c.Name switch
        {
            "MultiProtocolExtensions" => "multiprotocol " + FamilyOf(c.Value.GetProperty("address_type").GetString()!),
            "FourOctetAs" => "asn4 " + c.Value.GetProperty("asn4").GetUInt32(),
            "GracefulRestartCapability" => $"graceful-restart {c.Value.GetProperty("time").GetUInt32()} r={c.Value.GetProperty("restart").GetBoolean()} n={c.Value.GetProperty("graceful_notification").GetBoolean()} ["
                + string.Join(", ", c.Value.GetProperty("address_families").EnumerateArray().Select(f =>
                    $"{FamilyOf(f.GetProperty("address_type").GetString()!)} f={f.GetProperty("forwarding_state").GetBoolean()}")) + "]",
            "AddPath" => "add-path [" + string.Join(", ", c.Value.GetProperty("address_families").EnumerateArray().Select(f =>
                $"{FamilyOf(f.GetProperty("address_type").GetString()!)} send={f.GetProperty("send").GetBoolean()} receive={f.GetProperty("receive").GetBoolean()}")) + "]",
            "LongLivedGracefulRestart" => "llgr [" + string.Join(", ", c.Value.GetProperty("address_families").EnumerateArray().Select(f =>
                $"{FamilyOf(f.GetProperty("address_type").GetString()!)} f={f.GetProperty("forwarding_state").GetBoolean()} stale={f.GetProperty("stale_time").GetUInt32()}")) + "]",
            "Fqdn" => $"fqdn {c.Value.GetProperty("hostname").GetString()} {c.Value.GetProperty("domain_name").GetString()}",
            "Unrecognized" => "capability " + c.Value.GetProperty("code").GetByte(),
            "ExtendedNextHopEncoding" => "extended-next-hop [" + string.Join(", ", c.Value.GetProperty("encodings").EnumerateArray().Select(e =>
                $"{FamilyOf(e.GetProperty("address_type").GetString()!)} via {e.GetProperty("next_hop_afi").GetString()!.ToLowerInvariant()}")) + "]",
            var n => throw new FormatException($"NetGauze capability {n}"),
        };
    }

    // --- ours ----------------------------------------------------------------------------------

    private static List<string> OurUpdate(UpdateMessage u, CodecContext ctx)
    {
        var lines = new List<string>();
        foreach (var w in u.Withdrawn) lines.Add("withdraw " + RouteText(w));
        foreach (var a in u.Attributes)
        {
            int len = AttributeEncoder.ValueLength(a, ctx);
            var f = AttributeEncoder.FlagsFor(a, len);
            lines.Add(FlagText((f & AttrFlags.Optional) != 0, (f & AttrFlags.Transitive) != 0, (f & AttrFlags.Partial) != 0,
                (f & AttrFlags.ExtendedLength) != 0) + " " + OurAttribute(a));
        }
        foreach (var n in u.Nlri) lines.Add("nlri " + RouteText(n));
        return lines;
    }

    private static string OurAttribute(PathAttribute a) => a switch
    {
        OriginAttribute o => "origin " + o.Value.ToString().ToLowerInvariant(),
        AsPathAttribute p => "as-path " + p.Path,
        NextHopAttribute n => "next-hop " + n.Address,
        MedAttribute m => "med " + m.Value,
        LocalPrefAttribute l => "local-pref " + l.Value,
        AtomicAggregateAttribute => "atomic-aggregate",
        AggregatorAttribute g => $"aggregator {g.Asn} {g.Address}",
        CommunitiesAttribute c => "communities " + Join(c.Communities.Select(x => x.ToString())),
        LargeCommunitiesAttribute l => "large-communities " + Join(l.Communities.Select(x => x.ToString())),
        ExtendedCommunitiesAttribute e => "ext-communities " + Join(e.Communities.Select(x => x.ToString())),
        MpReachAttribute { IsTyped: true } r => $"mp-reach {r.Family} via {NextHopText(r.NextHop.Address, r.NextHop.LinkLocal)} [{string.Join(", ", r.Nlri.Select(RouteText))}]",
        MpReachAttribute r => $"mp-reach {r.Family} raw",
        MpUnreachAttribute { IsTyped: true } u => $"mp-unreach {u.Family} [{string.Join(", ", u.Nlri.Select(RouteText))}]",
        MpUnreachAttribute u => $"mp-unreach {u.Family} raw" + (u.RawNlri.IsEmpty ? " empty" : ""),
        OriginatorIdAttribute o => "originator-id " + o.RouterId,
        ClusterListAttribute c => "cluster-list " + Join(c.ClusterIds.Select(x => IpAddr.V4(x).ToString())),
        AigpAttribute g => "aigp " + g.Metric,
        RawAttribute r => $"raw {r.TypeCode}",
        _ => a.GetType().Name,
    };

    private static List<string> OurOpen(OpenMessage o)
    {
        var lines = new List<string> { $"open v{o.Version} as {o.MyAs} hold {o.HoldTime} id {o.BgpId}" };
        foreach (var c in o.Capabilities)
            lines.Add(c switch
            {
                RouteRefreshCapability => "route-refresh",
                EnhancedRouteRefreshCapability => "enhanced-route-refresh",
                ExtendedMessageCapability => "extended-message",
                MultiprotocolCapability m => "multiprotocol " + m.Family,
                FourOctetAsCapability f => "asn4 " + f.Asn,
                GracefulRestartCapability g => $"graceful-restart {g.RestartTime} r={g.RestartState} n={g.NotificationSupport} ["
                    + string.Join(", ", g.Families.Select(f => $"{f.Family} f={f.ForwardingPreserved}")) + "]",
                ExtendedNextHopCapability e => "extended-next-hop [" + string.Join(", ", e.Entries.Select(x =>
                    $"{new AfiSafi(x.NlriAfi, (Safi)x.NlriSafi)} via {x.NextHopAfi.ToString().ToLowerInvariant()}")) + "]",
                AddPathCapability a => "add-path [" + string.Join(", ", a.Families.Select(f =>
                    $"{f.Family} send={(f.Mode & AddPathMode.Send) != 0} receive={(f.Mode & AddPathMode.Receive) != 0}")) + "]",
                LongLivedGracefulRestartCapability l => "llgr [" + string.Join(", ", l.Families.Select(f =>
                    $"{f.Family} f={f.ForwardingPreserved} stale={f.StaleTime}")) + "]",
                FqdnCapability f => $"fqdn {f.HostName} {f.DomainName}",
                UnknownCapability u => "capability " + u.RawCode,
                _ => c.Code.ToString(),
            });
        return lines;
    }

    // --- shared --------------------------------------------------------------------------------

    private static string FlagText(bool optional, bool transitive, bool partial, bool ext) =>
        (optional ? "O" : "-") + (transitive ? "T" : "-") + (partial ? "P" : "-") + (ext ? "E" : "-");

    private static string NextHopText(IpAddr global, IpAddr? linkLocal) => linkLocal is { } ll ? $"{global} ({ll})" : global.ToString();

    private static string RouteText(Nlri n) => n.Prefix + (n.PathId != 0 ? $" id {n.PathId.ToString(CultureInfo.InvariantCulture)}" : "");

    private static string Join(IEnumerable<string> items) => "[" + string.Join(" ", items) + "]";
}
