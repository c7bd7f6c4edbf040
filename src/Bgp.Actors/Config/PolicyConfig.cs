using System.Net;
using Bgp.Actors.Policy;
using Bgp.Wire;

namespace Bgp.Actors.Config;

/// <summary>
/// Routing policy as configured: named sets and policies (docs/CONFIGURATION.md, "Policy"). Chains
/// are on <see cref="GlobalConfig"/>, <see cref="PeerGroupConfig"/> and <see cref="NeighborConfig"/>.
/// Everything compares by value, so a reload can tell which chains changed.
/// </summary>
public sealed record PolicyConfig(
    EquatableArray<PrefixSetConfig> PrefixSets,
    EquatableArray<AsPathSetConfig> AsPathSets,
    EquatableArray<CommunitySetConfig> CommunitySets,
    EquatableArray<NeighborSetConfig> NeighborSets,
    EquatableArray<PolicyDefinition> Policies)
{
    public static readonly PolicyConfig Empty = new([], [], [], [], []);

    public PolicyDefinition? FindPolicy(string name) => Policies.FirstOrDefault(p => p.Name == name);
    public PrefixSetConfig? FindPrefixSet(string name) => PrefixSets.FirstOrDefault(s => s.Name == name);
    public AsPathSetConfig? FindAsPathSet(string name) => AsPathSets.FirstOrDefault(s => s.Name == name);
    public CommunitySetConfig? FindCommunitySet(string name) => CommunitySets.FirstOrDefault(s => s.Name == name);
    public NeighborSetConfig? FindNeighborSet(string name) => NeighborSets.FirstOrDefault(s => s.Name == name);
}

/// <summary>The keys a policy's tables may hold in the file (the binder's, and the CLI's `policy set` reader's).</summary>
public static class PolicyFileKeys
{
    public static readonly string[] Policy = ["description", "default_action", "statements"];
    public static readonly string[] Statement = ["name", "action", "match", "set"];
    public static readonly string[] Match =
    [
        "prefix_set", "prefixes", "as_path_set", "as_path", "as_path_length", "origin_asn", "community_set", "communities",
        "community_match", "neighbor_set", "route_type", "origin", "next_hop", "local_pref", "med", "family",
    ];
    public static readonly string[] Set =
        ["local_pref", "med", "next_hop", "communities", "ext_communities", "large_communities", "as_path_prepend", "remove_private_as"];
    public static readonly string[] CommunityEdit = ["replace", "remove", "add"];
    public static readonly string[] Prepend = ["asn", "times"];
}

public sealed record PrefixSetConfig(string Name, EquatableArray<PrefixRange> Prefixes);

/// <summary>AS path expressions; the set matches a route when any of them does.</summary>
public sealed record AsPathSetConfig(string Name, EquatableArray<string> Expressions);

public sealed record CommunitySetConfig(string Name, EquatableArray<CommunityPattern> Communities);

/// <summary>Peers a route may come from: any address inside <see cref="Addresses"/>, any remote AS in <see cref="RemoteAsns"/>, any member of <see cref="PeerGroups"/>.</summary>
public sealed record NeighborSetConfig(string Name, EquatableArray<Prefix> Addresses, EquatableArray<UIntRange> RemoteAsns, EquatableArray<string> PeerGroups);

/// <summary>What a policy does with a route no statement matched.</summary>
public enum PolicyResult
{
    Reject,
    Accept,
}

/// <summary>What a matching statement does: decide (accept/reject), or apply its changes and go on with the next statement.</summary>
public enum StatementAction
{
    Accept,
    Reject,
    Next,
}

public sealed record PolicyDefinition(string Name, PolicyResult DefaultAction, EquatableArray<StatementConfig> Statements)
{
    public string? Description { get; init; }
}

public sealed record StatementConfig(string Name, StatementAction Action, MatchConfig Match, SetConfig Set);

/// <summary>A reference to a named set, possibly negated (<c>"!bogons"</c>: the route must not match it).</summary>
public sealed record SetRef(string Name, bool Negated)
{
    public override string ToString() => Negated ? "!" + Name : Name;
}

public enum RouteType
{
    /// <summary>Originated by us (injected through the API).</summary>
    Local,
    /// <summary>Learned from an internal peer.</summary>
    Internal,
    /// <summary>Learned from an external peer.</summary>
    External,
}

public enum CommunityMatchMode
{
    /// <summary>The route carries at least one community the patterns match.</summary>
    Any,
    /// <summary>Every pattern matches at least one community of the route.</summary>
    All,
}

/// <summary>The conditions of a statement; all that are set must hold (an empty match matches every route).</summary>
public sealed record MatchConfig
{
    public static readonly MatchConfig Always = new();

    public SetRef? PrefixSet { get; init; }
    public EquatableArray<PrefixRange>? Prefixes { get; init; }
    public SetRef? AsPathSet { get; init; }
    public string? AsPath { get; init; }
    public UIntRange? AsPathLength { get; init; }
    public EquatableArray<UIntRange>? OriginAsn { get; init; }
    public SetRef? CommunitySet { get; init; }
    public EquatableArray<CommunityPattern>? Communities { get; init; }
    public CommunityMatchMode CommunityMatch { get; init; }
    public SetRef? NeighborSet { get; init; }
    public EquatableArray<RouteType>? RouteType { get; init; }
    public Origin? Origin { get; init; }
    public EquatableArray<Prefix>? NextHop { get; init; }
    public UIntRange? LocalPref { get; init; }
    public UIntRange? Med { get; init; }
    public EquatableArray<AfiSafi>? Family { get; init; }
}

public enum ValueOp
{
    Set,
    Add,
    Subtract,
}

/// <summary><c>200</c> sets, <c>"+10"</c> adds, <c>"-10"</c> subtracts (never below 0 nor above 4294967295).</summary>
public readonly record struct ValueChange(ValueOp Op, uint Value)
{
    public uint Apply(uint? current, uint absent) => Op switch
    {
        ValueOp.Set => Value,
        ValueOp.Add => (uint)Math.Min((ulong)(current ?? absent) + Value, uint.MaxValue),
        _ => (current ?? absent) > Value ? (current ?? absent) - Value : 0,
    };

    public override string ToString() => Op switch { ValueOp.Set => $"{Value}", ValueOp.Add => $"+{Value}", _ => $"-{Value}" };
}

public enum NextHopMode
{
    /// <summary>Our address on the session.</summary>
    Self,
    /// <summary>As received (also towards external peers, where the default is self).</summary>
    Unchanged,
    Address,
}

public sealed record NextHopSetting(NextHopMode Mode, IPAddress? Address = null)
{
    public override string ToString() => Mode switch { NextHopMode.Self => "self", NextHopMode.Unchanged => "unchanged", _ => Address!.ToString() };
}

/// <summary>Changes to one kind of community, applied in this order: replace the list, remove what matches, add.</summary>
public sealed record CommunityEdit(EquatableArray<CommunityPattern>? Replace, EquatableArray<CommunityPattern> Remove, EquatableArray<CommunityPattern> Add);

public enum PrependSource
{
    /// <summary>Our AS.</summary>
    Own,
    /// <summary>The AS at the front of the path (the neighbor's); nothing for an empty path.</summary>
    Last,
    /// <summary>A given AS number.</summary>
    Asn,
}

public sealed record PrependSetting(PrependSource Source, uint Asn, int Times)
{
    public const int MaxTimes = 32;

    public override string ToString() => $"{Source switch { PrependSource.Own => "own", PrependSource.Last => "last", _ => Asn.ToString(System.Globalization.CultureInfo.InvariantCulture) }} x{Times}";
}

/// <summary>
/// Private AS numbers (RFC 6996: 64512–65534 and 4200000000–4294967294): <see cref="Remove"/> takes
/// them out only when the path has nothing else; <see cref="All"/> takes out every one;
/// <see cref="Replace"/> puts our AS in the place of each.
/// </summary>
public enum RemovePrivateMode
{
    Remove,
    All,
    Replace,
}

/// <summary>The changes a statement makes to the routes it matches.</summary>
public sealed record SetConfig
{
    public static readonly SetConfig Nothing = new();

    public ValueChange? LocalPref { get; init; }
    public ValueChange? Med { get; init; }
    public NextHopSetting? NextHop { get; init; }
    public CommunityEdit? Communities { get; init; }
    public CommunityEdit? ExtCommunities { get; init; }
    public CommunityEdit? LargeCommunities { get; init; }
    public PrependSetting? AsPathPrepend { get; init; }
    public RemovePrivateMode? RemovePrivateAs { get; init; }

    public bool IsEmpty => Equals(Nothing);
}
