using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Bgp.Wire.Tests.Corpus;

/// <summary>
/// Compares ExaBGP's JSON decoding of an UPDATE with ours. Attributes are compared both ways: one
/// that ExaBGP lists must be ours too with the same value, and a typed one of ours that ExaBGP
/// does not list is a difference. IPv4/IPv6 unicast and multicast routes are compared prefix by
/// prefix with their next hop and path identifier; other families only by being present and raw.
/// </summary>
public static class ExaBgpJson
{
    /// <summary>The <c>message.update</c> object of an ExaBGP JSON line, or null for another message type.</summary>
    public static JsonElement? Update(JsonElement root) =>
        root.TryGetProperty("neighbor", out var n) && n.TryGetProperty("message", out var m)
        && m.TryGetProperty("update", out var u) ? u : null;

    /// <summary>ExaBGP family names under <c>announce</c> and <c>withdraw</c>.</summary>
    public static IEnumerable<AfiSafi> Families(JsonElement update)
    {
        foreach (var section in new[] { "announce", "withdraw" })
            if (update.TryGetProperty(section, out var s))
                foreach (var f in s.EnumerateObject()) yield return ExaBgpVectors.Family(f.Name);
    }

    /// <summary>Every difference between ExaBGP's decoding and ours, as readable lines; empty when they agree.</summary>
    public static List<string> Compare(JsonElement update, UpdateMessage ours)
    {
        var diffs = new List<string>();
        var attrs = update.TryGetProperty("attribute", out var a) ? a : default;
        CompareAttributes(attrs, ours, diffs);
        CompareAnnounce(update.TryGetProperty("announce", out var ann) ? ann : default, ours, diffs);
        CompareWithdraw(update.TryGetProperty("withdraw", out var wd) ? wd : default, ours, diffs);
        return diffs;
    }

    private static void CompareAttributes(JsonElement attrs, UpdateMessage u, List<string> diffs)
    {
        string? Get(string name) =>
            attrs.ValueKind == JsonValueKind.Object && attrs.TryGetProperty(name, out var v) ? Normal(v) : null;

        Check("origin", Get("origin"), u.Get<OriginAttribute>()?.Value.ToString().ToLowerInvariant());
        Check("as-path", attrs.ValueKind == JsonValueKind.Object && attrs.TryGetProperty("as-path", out var path) ? AsPathText(path) : null,
            u.AsPath is { IsEmpty: false } ours ? ours.ToString() : null);
        Check("med", Get("med"), u.Get<MedAttribute>()?.Value.ToString(CultureInfo.InvariantCulture));
        Check("local-preference", Get("local-preference"), u.Get<LocalPrefAttribute>()?.Value.ToString(CultureInfo.InvariantCulture));
        Check("atomic-aggregate", Get("atomic-aggregate"), u.Get<AtomicAggregateAttribute>() is null ? null : "true");
        Check("aggregator", Get("aggregator"), u.Get<AggregatorAttribute>() is { } g ? $"{g.Asn}:{g.Address}" : null);
        Check("community", Get("community"),
            u.Get<CommunitiesAttribute>() is { } c ? Join(c.Communities.Select(x => $"[{x.Asn},{x.LocalValue}]")) : null);
        Check("large-community", Get("large-community"),
            u.Get<LargeCommunitiesAttribute>() is { } l
                ? Join(l.Communities.Select(x => $"[{x.GlobalAdministrator},{x.LocalData1},{x.LocalData2}]")) : null);
        Check("extended-community", Values(attrs, "extended-community"),
            u.Get<ExtendedCommunitiesAttribute>() is { } e ? Join(e.Communities.Select(x => x.Value.ToString(CultureInfo.InvariantCulture))) : null);
        Check("extended-community-ipv6", Values(attrs, "extended-community-ipv6"),
            u.Get<Ipv6ExtendedCommunitiesAttribute>() is { } e6 ? Join(e6.Communities.Select(Ipv6Value)) : null);
        Check("originator-id", Get("originator-id"), u.Get<OriginatorIdAttribute>()?.RouterId.ToString());
        Check("cluster-list", Get("cluster-list"),
            u.Get<ClusterListAttribute>() is { } cl ? Join(cl.ClusterIds.Select(x => $"\"{IpAddr.V4(x)}\"")) : null);
        // Attributes we keep raw: ExaBGP's name tells the type code; the value is not compared.
        foreach (var (name, type) in RawNames)
            if (Get(name) is not null && u.Get(type) is not RawAttribute)
                diffs.Add($"{name}: ExaBGP decodes attribute {(byte)type}, we have no raw attribute of that type");

        void Check(string name, string? theirs, string? ours)
        {
            if (theirs != ours) diffs.Add($"{name}: ExaBGP {theirs ?? "(absent)"}, ours {ours ?? "(absent)"}");
        }
    }

    private static readonly (string Name, AttrType Type)[] RawNames =
    [
        ("bgp-prefix-sid", AttrType.PrefixSid), ("bgp-ls", AttrType.BgpLs), ("tunnel-encap", AttrType.TunnelEncapsulation),
        ("pmsi-tunnel", AttrType.PmsiTunnel),
    ];

    private static void CompareAnnounce(JsonElement announce, UpdateMessage u, List<string> diffs)
    {
        var listed = announce.ValueKind == JsonValueKind.Object ? announce.EnumerateObject().ToList() : [];
        foreach (var family in u.Announced().Select(x => x.Family).Distinct())
            if (!listed.Any(f => ExaBgpVectors.Family(f.Name) == family))
                diffs.Add($"announce: we announce {family} routes that ExaBGP does not list");
        foreach (var fam in listed)
        {
            var family = ExaBgpVectors.Family(fam.Name);
            if (!family.IsPrefixFamily)
            {
                if (u.MpReach is not { IsTyped: false } r || r.Family != family || r.RawNlri.IsEmpty)
                    diffs.Add($"announce {fam.Name}: ExaBGP decodes routes, we have no raw MP_REACH_NLRI of {family}");
                continue;
            }
            var theirs = new List<string>();
            foreach (var nh in fam.Value.EnumerateObject())
                foreach (var route in nh.Value.EnumerateArray())
                    theirs.Add(Route(route, nh.Name));
            var ours = new List<string>();
            if (family == AfiSafi.Ipv4Unicast)
            {
                string nh = u.Get<NextHopAttribute>()?.Address.ToString() ?? "(none)";
                ours.AddRange(u.Nlri.Select(n => RouteText(n, nh)));
            }
            if (u.MpReach is { IsTyped: true } mp && mp.Family == family)
                ours.AddRange(mp.Nlri.Select(n => RouteText(n, NextHopText(mp.NextHop))));
            if (!theirs.SequenceEqual(ours))
                diffs.Add($"announce {fam.Name}: ExaBGP [{string.Join(", ", theirs)}], ours [{string.Join(", ", ours)}]");
        }
    }

    private static void CompareWithdraw(JsonElement withdraw, UpdateMessage u, List<string> diffs)
    {
        var listed = withdraw.ValueKind == JsonValueKind.Object ? withdraw.EnumerateObject().ToList() : [];
        foreach (var (family, _) in u.WithdrawnRoutes())
            if (!listed.Any(f => ExaBgpVectors.Family(f.Name) == family))
                diffs.Add($"withdraw: we withdraw {family} routes that ExaBGP does not list");
        foreach (var fam in listed)
        {
            var family = ExaBgpVectors.Family(fam.Name);
            if (!family.IsPrefixFamily)
            {
                if (u.MpUnreach is not { IsTyped: false } r || r.Family != family || r.RawNlri.IsEmpty)
                    diffs.Add($"withdraw {fam.Name}: ExaBGP decodes routes, we have no raw MP_UNREACH_NLRI of {family}");
                continue;
            }
            var theirs = fam.Value.EnumerateArray().Select(r => Route(r, null)).ToList();
            var ours = u.WithdrawnRoutes().Where(x => x.Family == family).Select(x => RouteText(x.Route, null)).ToList();
            if (!theirs.SequenceEqual(ours))
                diffs.Add($"withdraw {fam.Name}: ExaBGP [{string.Join(", ", theirs)}], ours [{string.Join(", ", ours)}]");
        }
    }

    /// <summary>ExaBGP writes the next hop as the key; with a link-local address too it shows only the global one.</summary>
    private static string NextHopText(NextHop nh) => nh.Address.ToString();

    private static string Route(JsonElement r, string? nextHop)
    {
        var prefix = Prefix.Parse(r.GetProperty("nlri").GetString()!);
        uint id = r.TryGetProperty("path-information", out var pi) ? IpAddr.Parse(pi.GetString()!).V4Value : 0;
        string? nh = nextHop is null ? null : IpAddr.Parse(nextHop).ToString();
        return RouteText(new Nlri(prefix, id), nh);
    }

    private static string RouteText(Nlri n, string? nextHop) =>
        n.Prefix + (n.PathId != 0 ? $" id {n.PathId}" : "") + (nextHop is null ? "" : $" via {nextHop}");

    /// <summary>
    /// ExaBGP's AS path: <c>{"0": {"element": "as-sequence", "value": [..]}, ...}</c> or a plain list of
    /// ASNs (one AS_SEQUENCE), rendered the way <see cref="AsPath.ToString"/> does.
    /// </summary>
    private static string AsPathText(JsonElement p)
    {
        if (p.ValueKind == JsonValueKind.Array)
            return AsPath.FromSequence(p.EnumerateArray().Select(x => x.GetUInt32()).ToArray()).ToString();
        var segs = new List<AsPathSegment>();
        foreach (var s in p.EnumerateObject().OrderBy(s => int.Parse(s.Name, CultureInfo.InvariantCulture)))
        {
            var type = s.Value.GetProperty("element").GetString() switch
            {
                "as-sequence" => AsPathSegmentType.AsSequence,
                "as-set" => AsPathSegmentType.AsSet,
                "confed-sequence" or "as-confed-sequence" => AsPathSegmentType.ConfedSequence,
                "confed-set" or "as-confed-set" => AsPathSegmentType.ConfedSet,
                var other => throw new FormatException($"unknown ExaBGP AS path element '{other}'"),
            };
            segs.Add(new AsPathSegment(type, s.Value.GetProperty("value").EnumerateArray().Select(x => x.GetUInt32()).ToArray()));
        }
        return new AsPath(segs.ToArray()).ToString();
    }

    /// <summary>The <c>value</c> numbers of an extended community list, as decimal text.</summary>
    private static string? Values(JsonElement attrs, string name)
    {
        if (attrs.ValueKind != JsonValueKind.Object || !attrs.TryGetProperty(name, out var list)) return null;
        return Join(list.EnumerateArray().Select(e => e.GetProperty("value").GetRawText()));
    }

    /// <summary>The 20 octets of an IPv6 extended community as one big-endian unsigned number (ExaBGP's "value").</summary>
    private static string Ipv6Value(Ipv6ExtendedCommunity c)
    {
        var b = new byte[Ipv6ExtendedCommunity.WireLength];
        c.WriteTo(b);
        return new BigInteger(b, isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture);
    }

    private static string Join(IEnumerable<string> items) => "[" + string.Join(",", items) + "]";

    /// <summary>A JSON value as compact text: strings unquoted at the top, arrays without spaces.</summary>
    private static string Normal(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.Array => Join(v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? $"\"{x.GetString()}\"" : Normal(x))),
        _ => v.GetRawText(),
    };
}
