using Bgp.Actors.Config;
using Bgp.Actors.Rib;
using Bgp.Wire;

namespace Bgp.Actors.Policy;

/// <summary>Who a route came from, as policy conditions see it (the peer's identity, not the session).</summary>
public sealed record PolicySource(IpAddr Address, uint RemoteAs, string? PeerGroup, RouteType RouteType)
{
    /// <summary>Routes we originate.</summary>
    public static PolicySource Local(uint localAs) => new(IpAddr.V4Any, localAs, null, RouteType.Local);
}

/// <summary>The route a policy looks at: family, prefix, attributes, and where it came from.</summary>
public readonly struct PolicyInput(AfiSafi family, Prefix prefix, RouteAttributes attributes, PolicySource source)
{
    public AfiSafi Family { get; } = family;
    public Prefix Prefix { get; } = prefix;
    public RouteAttributes Attributes { get; } = attributes;
    public PolicySource Source { get; } = source;
}

/// <summary>One compiled condition of a statement.</summary>
internal abstract class Condition
{
    public abstract bool Matches(in PolicyInput input);

    /// <summary>Relative cost, so cheap tests run first and a failing one spares the rest.</summary>
    public virtual int Cost => 1;
}

internal sealed class PrefixCondition(PrefixTrie trie, bool negated) : Condition
{
    public override bool Matches(in PolicyInput input) => trie.Matches(input.Prefix) != negated;
    public override int Cost => 3;
}

/// <summary>Any of the expressions matches the path; the <c>_A_</c> ones are one scan of the path for all their AS numbers.</summary>
internal sealed class AsPathCondition : Condition
{
    private readonly AsPathRegex[] _expressions;
    private readonly AsPathRegex[] _others;
    private readonly uint[] _anywhere;
    private readonly bool _negated;

    public AsPathCondition(AsPathRegex[] expressions, bool negated)
    {
        _expressions = expressions;
        _negated = negated;
        _anywhere = [.. expressions.SelectMany(e => e.AnywhereAsns ?? []).Distinct()];
        _others = _anywhere.Length == 0 ? expressions : [.. expressions.Where(e => e.AnywhereAsns is null)];
    }

    public override bool Matches(in PolicyInput input)
    {
        var attributes = input.Attributes;
        var others = _others;
        if (_anywhere.Length > 0)
        {
            if (!AsPathShape.TryContainsAny(attributes.AsPath, _anywhere, out bool found)) others = _expressions;   // an empty segment: each expression on its own
            else if (found) return !_negated;
        }
        foreach (var e in others)
            if (attributes.MatchesAsPath(e)) return !_negated;
        return _negated;
    }

    public override int Cost => 5;
}

internal sealed class AsPathLengthCondition(UIntRange range) : Condition
{
    public override bool Matches(in PolicyInput input) => range.Contains((uint)input.Attributes.AsPathLength);
}

/// <summary>The AS that originated the route: the last of the path's final AS_SEQUENCE (none for an empty path or one ending in a set).</summary>
internal sealed class OriginAsnCondition(UIntRange[] ranges) : Condition
{
    public override bool Matches(in PolicyInput input)
    {
        if (input.Attributes.AsPath.OriginAs is not uint origin) return false;
        foreach (var r in ranges) if (r.Contains(origin)) return true;
        return false;
    }
}

internal sealed class CommunityCondition(CommunityPattern[] patterns, CommunityMatchMode mode, bool negated) : Condition
{
    public override bool Matches(in PolicyInput input)
    {
        var a = input.Attributes;
        bool result;
        if (mode == CommunityMatchMode.Any)
        {
            result = false;
            foreach (var p in patterns)
                if (Carries(a, p)) { result = true; break; }
        }
        else
        {
            result = true;
            foreach (var p in patterns)
                if (!Carries(a, p)) { result = false; break; }
        }
        return result != negated;
    }

    private static bool Carries(RouteAttributes a, CommunityPattern p)
    {
        switch (p.Kind)
        {
            case CommunityKind.Standard:
                foreach (var c in a.Communities) if (p.Matches(c)) return true;
                return false;
            case CommunityKind.Large:
                foreach (var c in a.LargeCommunities) if (p.Matches(c)) return true;
                return false;
            default:
                foreach (var c in a.ExtendedCommunities) if (p.Matches(c)) return true;
                return false;
        }
    }

    public override int Cost => 2;
}

/// <summary>A named neighbor set, compiled: a route's source matches when any of its lists does.</summary>
internal sealed class NeighborMatcher(Prefix[] addresses, UIntRange[] asns, string[] groups)
{
    public bool Matches(PolicySource source)
    {
        if (source.RouteType == RouteType.Local) return false;
        var address = source.Address;
        foreach (var p in addresses)
            if (p.IsV6 == address.IsV6 && p.Contains(Prefix.Create(address, p.MaxLength))) return true;
        foreach (var r in asns) if (r.Contains(source.RemoteAs)) return true;
        if (source.PeerGroup is { } group)
            foreach (var g in groups) if (g == group) return true;
        return false;
    }
}

internal sealed class NeighborCondition(NeighborMatcher matcher, bool negated) : Condition
{
    public override bool Matches(in PolicyInput input) => matcher.Matches(input.Source) != negated;
}

internal sealed class RouteTypeCondition(RouteType[] types) : Condition
{
    public override bool Matches(in PolicyInput input) => Array.IndexOf(types, input.Source.RouteType) >= 0;
}

internal sealed class OriginCondition(Origin origin) : Condition
{
    public override bool Matches(in PolicyInput input) => input.Attributes.Origin == origin;
}

internal sealed class NextHopCondition(Prefix[] prefixes) : Condition
{
    public override bool Matches(in PolicyInput input)
    {
        var nh = input.Attributes.NextHop.Address;
        foreach (var p in prefixes)
            if (p.IsV6 == nh.IsV6 && p.Contains(Prefix.Create(nh, p.MaxLength))) return true;
        return false;
    }
}

/// <summary>LOCAL_PREF; a route without one counts as 100, the value it gets inside the AS.</summary>
internal sealed class LocalPrefCondition(UIntRange range) : Condition
{
    public override bool Matches(in PolicyInput input) => range.Contains(input.Attributes.LocalPref ?? Candidate.DefaultLocalPref);
}

/// <summary>MED; a route without one counts as 0 (RFC 4271 §9.1.2.2 treats a missing MED as the lowest).</summary>
internal sealed class MedCondition(UIntRange range) : Condition
{
    public override bool Matches(in PolicyInput input) => range.Contains(input.Attributes.Med ?? 0);
}

internal sealed class FamilyCondition(AfiSafi[] families) : Condition
{
    public override bool Matches(in PolicyInput input) => Array.IndexOf(families, input.Family) >= 0;
}
