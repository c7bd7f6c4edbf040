using System.Net;
using Bgp.Actors.Config;
using Bgp.Wire;

namespace Bgp.Actors.Policy;

/// <summary>
/// The policy in force, compiled from the configuration: each neighbor's import and export chain
/// (the global chain, then the neighbor's own or else its peer group's) and each neighbor's peer
/// group (neighbor-set conditions match on it). A neighbor the configuration does not name gets
/// the global chains. Compiling again after a reload keeps the <see cref="PolicyChain"/> instances
/// whose definition did not change, which is how the RIB knows whose routes to re-evaluate.
/// </summary>
public sealed class RoutingPolicy
{
    private readonly Dictionary<IPAddress, (PolicyChain? Import, PolicyChain? Export, string? Group)> _neighbors;
    private readonly Dictionary<ChainSignature, PolicyChain> _chains;

    private RoutingPolicy(Dictionary<IPAddress, (PolicyChain?, PolicyChain?, string?)> neighbors, PolicyChain? globalImport, PolicyChain? globalExport,
        Dictionary<ChainSignature, PolicyChain> chains, long generation)
    {
        _neighbors = neighbors;
        GlobalImport = globalImport;
        GlobalExport = globalExport;
        _chains = chains;
        Generation = generation;
    }

    public static readonly RoutingPolicy Empty = new([], null, null, [], 0);

    /// <summary>Counts compilations (a reload gives a new one even when nothing changed).</summary>
    public long Generation { get; }

    public PolicyChain? GlobalImport { get; }
    public PolicyChain? GlobalExport { get; }

    /// <summary>The import chain for routes from <paramref name="neighbor"/> (null: accept everything unchanged).</summary>
    public PolicyChain? Import(IPAddress neighbor) => _neighbors.TryGetValue(neighbor, out var n) ? n.Import : GlobalImport;

    /// <summary>The export chain for routes to <paramref name="neighbor"/>.</summary>
    public PolicyChain? Export(IPAddress neighbor) => _neighbors.TryGetValue(neighbor, out var n) ? n.Export : GlobalExport;

    public string? PeerGroup(IPAddress neighbor) => _neighbors.TryGetValue(neighbor, out var n) ? n.Group : null;

    /// <summary>Compiles a validated configuration (its names all resolve; see ConfigBinder).</summary>
    public static RoutingPolicy Compile(BgpConfig config, RoutingPolicy? previous = null)
    {
        var compiler = new Compiler(config.Policy, previous?._chains ?? []);
        var globalImport = compiler.Chain(config.Global.ImportPolicy);
        var globalExport = compiler.Chain(config.Global.ExportPolicy);
        var neighbors = new Dictionary<IPAddress, (PolicyChain?, PolicyChain?, string?)>();
        foreach (var n in config.Neighbors)
            neighbors[n.Address] = (compiler.Chain([.. config.Global.ImportPolicy, .. n.ImportPolicy]),
                compiler.Chain([.. config.Global.ExportPolicy, .. n.ExportPolicy]), n.PeerGroup);
        return new RoutingPolicy(neighbors, globalImport, globalExport, compiler.Chains, (previous?.Generation ?? 0) + 1);
    }

    /// <summary>Everything a chain's behaviour depends on: its policies and the sets they name, by value.</summary>
    private sealed record ChainSignature(EquatableArray<PolicyDefinition> Policies, EquatableArray<object> Sets);

    private sealed class Compiler(PolicyConfig config, Dictionary<ChainSignature, PolicyChain> previous)
    {
        private readonly Dictionary<string, CompiledPolicy> _policies = [];
        private readonly Dictionary<string, PrefixTrie> _prefixSets = [];
        private readonly Dictionary<string, AsPathRegex[]> _asPathSets = [];
        private readonly Dictionary<string, NeighborMatcher> _neighborSets = [];

        public Dictionary<ChainSignature, PolicyChain> Chains { get; } = [];

        public PolicyChain? Chain(EquatableArray<string> names)
        {
            if (names.Count == 0) return null;
            var definitions = names.Select(n => config.FindPolicy(n) ?? throw new ArgumentException($"policy `{n}` is not defined")).ToArray();
            var signature = new ChainSignature(new(definitions), new([.. definitions.SelectMany(ReferencedSets)]));
            if (Chains.TryGetValue(signature, out var chain)) return chain;
            chain = previous.TryGetValue(signature, out var kept) ? kept : new PolicyChain([.. definitions.Select(Policy)], signature);
            Chains[signature] = chain;
            return chain;
        }

        private IEnumerable<object> ReferencedSets(PolicyDefinition definition)
        {
            foreach (var s in definition.Statements.ToArray())
            {
                var m = s.Match;
                if (m.PrefixSet is { } p) yield return config.FindPrefixSet(p.Name)!;
                if (m.AsPathSet is { } a) yield return config.FindAsPathSet(a.Name)!;
                if (m.CommunitySet is { } c) yield return config.FindCommunitySet(c.Name)!;
                if (m.NeighborSet is { } n) yield return config.FindNeighborSet(n.Name)!;
            }
        }

        private CompiledPolicy Policy(PolicyDefinition definition)
        {
            if (_policies.TryGetValue(definition.Name, out var compiled)) return compiled;
            var statements = definition.Statements.Select(s => new CompiledStatement(s.Name, Conditions(s.Match), s.Action,
                s.Set.IsEmpty ? null : new Modifications(s.Set))).ToArray();
            return _policies[definition.Name] = new CompiledPolicy(definition, statements);
        }

        private Condition[] Conditions(MatchConfig m)
        {
            var list = new List<Condition>();
            if (m.Family is { } families) list.Add(new FamilyCondition([.. families]));
            if (m.RouteType is { } types) list.Add(new RouteTypeCondition([.. types]));
            if (m.Origin is { } origin) list.Add(new OriginCondition(origin));
            if (m.LocalPref is { } lp) list.Add(new LocalPrefCondition(lp));
            if (m.Med is { } med) list.Add(new MedCondition(med));
            if (m.AsPathLength is { } length) list.Add(new AsPathLengthCondition(length));
            if (m.OriginAsn is { } origins) list.Add(new OriginAsnCondition([.. origins]));
            if (m.NextHop is { } nextHops) list.Add(new NextHopCondition([.. nextHops]));
            if (m.NeighborSet is { } ns) list.Add(new NeighborCondition(NeighborSet(ns.Name), ns.Negated));
            if (m.Communities is { } inline) list.Add(new CommunityCondition([.. inline], m.CommunityMatch, false));
            if (m.CommunitySet is { } cs) list.Add(new CommunityCondition([.. config.FindCommunitySet(cs.Name)!.Communities], m.CommunityMatch, cs.Negated));
            if (m.Prefixes is { } prefixes) list.Add(new PrefixCondition(Trie(prefixes), false));
            if (m.PrefixSet is { } ps) list.Add(new PrefixCondition(PrefixSet(ps.Name), ps.Negated));
            if (m.AsPath is { } expression) list.Add(new AsPathCondition([Regex(expression)], false));
            if (m.AsPathSet is { } aps) list.Add(new AsPathCondition(AsPathSet(aps.Name), aps.Negated));
            return [.. list.OrderBy(c => c.Cost)];   // cheap tests first; equal costs keep the order above
        }

        private PrefixTrie PrefixSet(string name)
        {
            if (!_prefixSets.TryGetValue(name, out var trie)) _prefixSets[name] = trie = Trie(config.FindPrefixSet(name)!.Prefixes);
            return trie;
        }

        private static PrefixTrie Trie(EquatableArray<PrefixRange> ranges)
        {
            var trie = new PrefixTrie();
            foreach (var r in ranges) trie.Add(r);
            trie.Seal();
            return trie;
        }

        private AsPathRegex[] AsPathSet(string name)
        {
            if (!_asPathSets.TryGetValue(name, out var set)) _asPathSets[name] = set = [.. config.FindAsPathSet(name)!.Expressions.Select(Regex)];
            return set;
        }

        private static AsPathRegex Regex(string expression) =>
            AsPathRegex.TryCreate(expression, out var regex, out var error) ? regex! : throw new ArgumentException($"AS path expression `{expression}`: {error}");

        private NeighborMatcher NeighborSet(string name)
        {
            if (_neighborSets.TryGetValue(name, out var matcher)) return matcher;
            var set = config.FindNeighborSet(name)!;
            return _neighborSets[name] = new NeighborMatcher([.. set.Addresses], [.. set.RemoteAsns], [.. set.PeerGroups]);
        }
    }
}
