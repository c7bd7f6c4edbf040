using System.Globalization;
using System.Text;
using Bgp.Api.V1;
using Google.Protobuf.WellKnownTypes;

namespace Bgp.Cli.Ctl;

/// <summary>How protocol values read in tables: states, durations, families, AS paths, communities.</summary>
internal static class Format
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string State(SessionState state) => state switch
    {
        SessionState.Idle => "Idle",
        SessionState.Connect => "Connect",
        SessionState.Active => "Active",
        SessionState.OpenSent => "OpenSent",
        SessionState.OpenConfirm => "OpenConfirm",
        SessionState.Established => "Established",
        _ => "Unknown",
    };

    /// <summary>The state as markup: green when Established, red when down, yellow on the way up; "(admin)" when disabled.</summary>
    public static string StateMarkup(NeighborState state)
    {
        var name = State(state.State);
        if (!state.Enabled) return $"[grey]{name} (admin)[/]";
        var colour = state.State switch
        {
            SessionState.Established => "green",
            SessionState.Idle or SessionState.Unspecified => "red",
            _ => "yellow",
        };
        return $"[{colour}]{name}[/]";
    }

    /// <summary>"42s", "12m07s", "3h12m", "4d03h": the two leading units, as routers print uptimes.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        if (span.TotalMinutes < 1) return $"{(int)span.TotalSeconds}s";
        if (span.TotalHours < 1) return $"{span.Minutes}m{span.Seconds:00}s";
        if (span.TotalDays < 1) return $"{span.Hours}h{span.Minutes:00}m";
        return $"{(int)span.TotalDays}d{span.Hours:00}h";
    }

    public static string Since(Timestamp? since, DateTimeOffset now) =>
        since is null ? "-" : Duration(now - since.ToDateTimeOffset());

    public static string Family(Bgp.Api.V1.Family family) => family switch
    {
        Bgp.Api.V1.Family.Ipv4Unicast => "ipv4-unicast",
        Bgp.Api.V1.Family.Ipv6Unicast => "ipv6-unicast",
        _ => "unspecified",
    };

    /// <summary>"ipv4", "ipv4-unicast", "ipv6", "ipv6-unicast"; <see cref="Bgp.Api.V1.Family.Unspecified"/> otherwise.</summary>
    public static Bgp.Api.V1.Family ParseFamily(string? text) => text?.ToLowerInvariant() switch
    {
        "ipv4" or "ipv4-unicast" => Bgp.Api.V1.Family.Ipv4Unicast,
        "ipv6" or "ipv6-unicast" => Bgp.Api.V1.Family.Ipv6Unicast,
        _ => Bgp.Api.V1.Family.Unspecified,
    };

    public static readonly string[] FamilyNames = ["ipv4", "ipv6", "ipv4-unicast", "ipv6-unicast"];

    public static string Origin(Origin origin) => origin switch
    {
        Bgp.Api.V1.Origin.Igp => "i",
        Bgp.Api.V1.Origin.Egp => "e",
        _ => "?",
    };

    public static string AsPath(AsPath path)
    {
        var text = new StringBuilder();
        foreach (var segment in path.Segments)
        {
            if (text.Length > 0) text.Append(' ');
            var asns = string.Join(' ', segment.Asns);
            text.Append(segment.Type switch
            {
                AsPathSegment.Types.Type.AsSet => "{" + asns + "}",
                AsPathSegment.Types.Type.AsConfedSequence => "(" + asns + ")",
                AsPathSegment.Types.Type.AsConfedSet => "[" + asns + "]",
                _ => asns,
            });
        }
        return text.ToString();
    }

    /// <summary>RFC 1997 "AS:value", or its well-known name (RFC 1997, 7999, 8326, 9494).</summary>
    public static string Community(uint value)
    {
        var community = new Bgp.Wire.Community(value);
        return community.WellKnownName ?? community.ToString();
    }

    public static string LargeCommunity(LargeCommunity c) => $"{c.GlobalAdmin}:{c.LocalData1}:{c.LocalData2}";

    /// <summary>As Bgp.Wire prints them: route targets and origins by name (RFC 4360, RFC 5668), other types by number.</summary>
    public static string ExtendedCommunity(ReadOnlySpan<byte> value) => value.Length switch
    {
        8 => new Bgp.Wire.ExtendedCommunity(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(value)).ToString(),
        Bgp.Wire.Ipv6ExtendedCommunity.WireLength => Bgp.Wire.Ipv6ExtendedCommunity.Read(value).ToString(),
        _ => "0x" + Convert.ToHexString(value).ToLowerInvariant(),
    };

    /// <summary>The attributes a route table shows, read off a route once.</summary>
    public static RouteView View(Route route)
    {
        var view = new RouteView();
        var communities = new List<string>();
        foreach (var attribute in route.Attributes)
        {
            switch (attribute.AttributeCase)
            {
                case PathAttribute.AttributeOneofCase.Origin: view.Origin = Origin(attribute.Origin); break;
                case PathAttribute.AttributeOneofCase.AsPath: view.AsPath = AsPath(attribute.AsPath); break;
                case PathAttribute.AttributeOneofCase.Med: view.Med = attribute.Med.ToString(Invariant); break;
                case PathAttribute.AttributeOneofCase.LocalPref: view.LocalPref = attribute.LocalPref.ToString(Invariant); break;
                case PathAttribute.AttributeOneofCase.Communities: communities.AddRange(attribute.Communities.Communities_.Select(Community)); break;
                case PathAttribute.AttributeOneofCase.LargeCommunities: communities.AddRange(attribute.LargeCommunities.Communities.Select(LargeCommunity)); break;
                case PathAttribute.AttributeOneofCase.ExtendedCommunities:
                    communities.AddRange(attribute.ExtendedCommunities.Communities.Select(c => ExtendedCommunity(c.Span)));
                    break;
            }
        }
        view.Communities = string.Join(' ', communities);
        return view;
    }

    /// <summary>One line per attribute, for a single route's details.</summary>
    public static IEnumerable<(string Name, string Value)> Attributes(Route route)
    {
        foreach (var attribute in route.Attributes)
        {
            yield return attribute.AttributeCase switch
            {
                PathAttribute.AttributeOneofCase.Origin => ("origin", attribute.Origin.ToString().ToLowerInvariant()),
                PathAttribute.AttributeOneofCase.AsPath => ("as-path", AsPath(attribute.AsPath)),
                PathAttribute.AttributeOneofCase.Med => ("med", attribute.Med.ToString(Invariant)),
                PathAttribute.AttributeOneofCase.LocalPref => ("local-pref", attribute.LocalPref.ToString(Invariant)),
                PathAttribute.AttributeOneofCase.AtomicAggregate => ("atomic-aggregate", "yes"),
                PathAttribute.AttributeOneofCase.Aggregator => ("aggregator", $"AS{attribute.Aggregator.Asn} {attribute.Aggregator.Address}"),
                PathAttribute.AttributeOneofCase.Communities => ("communities", string.Join(' ', attribute.Communities.Communities_.Select(Community))),
                PathAttribute.AttributeOneofCase.OriginatorId => ("originator-id", attribute.OriginatorId),
                PathAttribute.AttributeOneofCase.ClusterList => ("cluster-list", string.Join(' ', attribute.ClusterList.ClusterIds)),
                PathAttribute.AttributeOneofCase.ExtendedCommunities => ("ext-communities", string.Join(' ', attribute.ExtendedCommunities.Communities.Select(c => ExtendedCommunity(c.Span)))),
                PathAttribute.AttributeOneofCase.LargeCommunities => ("large-communities", string.Join(' ', attribute.LargeCommunities.Communities.Select(LargeCommunity))),
                PathAttribute.AttributeOneofCase.OnlyToCustomer => ("otc", attribute.OnlyToCustomer.ToString(Invariant)),
                PathAttribute.AttributeOneofCase.Aigp => ("aigp", attribute.Aigp.ToString(Invariant)),
                PathAttribute.AttributeOneofCase.Raw => ($"attribute {attribute.Raw.Type}", $"flags 0x{attribute.Raw.Flags:x2} 0x{Convert.ToHexString(attribute.Raw.Value.Span).ToLowerInvariant()}"),
                _ => ("attribute", "(empty)"),
            };
        }
    }

    public static string NextHop(Route route) =>
        route.NextHopLinkLocal.Length == 0 ? route.NextHop : $"{route.NextHop} ({route.NextHopLinkLocal})";

    public static string Number(ulong value) => value.ToString("N0", Invariant);

    /// <summary>"1 prefix", "1,024 prefixes".</summary>
    public static string Count(ulong value, string one, string many) => $"{Number(value)} {(value == 1 ? one : many)}";

    public static string PerFamily(IDictionary<string, ulong> counts, string family) =>
        counts.TryGetValue(family, out var n) ? n.ToString(Invariant) : "0";

    public static ulong Sum(IDictionary<string, ulong> counts) => counts.Values.Aggregate(0UL, (a, b) => a + b);
}

internal sealed class RouteView
{
    public string Origin { get; set; } = "";
    public string AsPath { get; set; } = "";
    public string Med { get; set; } = "";
    public string LocalPref { get; set; } = "";
    public string Communities { get; set; } = "";
}
