using System.Text;
using System.Net;
using BenchmarkDotNet.Attributes;
using Bgp.Actors.Config;
using Bgp.Actors.Policy;
using Bgp.Actors.Rib;
using Bgp.Wire;

namespace Bgp.Benchmarks;

/// <summary>
/// One import chain of 10 statements, one of which matches a 10,000-entry prefix set, run over
/// 50,000 routes per invocation (result per route). The statements are what an IXP or transit
/// edge writes: bogon prefixes, path length, transit ASes in the path (regex), a blackhole
/// community, an opt-out community set, private origin AS, a MED clamp that goes on (`next`),
/// customer prefixes (the 10,000-entry set) with LOCAL_PREF and a large community, peers by
/// AS-path regex, and the rest tagged. Most routes pass through 8 to 10 statements.
/// <para>
/// Every iteration starts with new attribute instances, so AS-path regexes run again (the RIB
/// caches their answer per attribute set): <see cref="RoutesPerAttributeSet"/> = 1 gives every
/// route its own attribute set (regexes on every route), 5 is about what a full table shares.
/// <c>Evaluate</c> is the decision (which statements apply); <c>EvaluateAndApply</c> also builds
/// the changed attribute set of each accepted route, the whole of what the RIB does on a memo miss.
/// </para>
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
[WarmupCount(5)]
[IterationCount(30)]
public class PolicyBenchmarks
{
    private const int Routes = 50_000;
    private const int CustomerPrefixes = 10_000;

    private PolicyChain _chain = null!;
    private readonly PolicySource _source = new(IpAddr.V4(0x0A000001), 64999, null, RouteType.External);
    private readonly PolicyContext _context = new(65000, IpAddr.V4(0xC0000201), Export: false);
    private Prefix[] _prefixes = [];
    private RouteAttributes[] _attributes = [];
    private readonly int[] _applied = new int[16];
    private Random _random = null!;

    [Params(1, 5)]
    public int RoutesPerAttributeSet { get; set; }

    /// <summary>The chain, as a config file writes it; the customer set is 10,000 /22s with "le 24".</summary>
    internal static string Config(IReadOnlyList<Prefix> customers)
    {
        var text = new StringBuilder("""
            [global]
            asn = 65000
            router_id = "192.0.2.1"
            import_policy = ["edge-in"]

            [as_path_sets]
            transit = ["_174_", "_3356_", "_1299_", "_6939_"]

            [community_sets]
            opt-out = ["0:65000", "65000:0", "65535:65281"]

            [prefix_sets]
            bogons = ["0.0.0.0/8 le 32", "127.0.0.0/8 le 32", "169.254.0.0/16 le 32", "192.168.0.0/16 le 32", "224.0.0.0/3 le 32", "0.0.0.0/0 ge 25"]

            """);
        text.Append("customers = [");
        for (int i = 0; i < customers.Count; i++) text.Append(i == 0 ? "" : ", ").Append('"').Append(customers[i]).Append(" le 24\"");
        text.Append("""
            ]

            [policies.edge-in]
            [[policies.edge-in.statements]]
            name = "bogons"
            action = "reject"
            match = { prefix_set = "bogons" }

            [[policies.edge-in.statements]]
            name = "too-long"
            action = "reject"
            match = { as_path_length = "40.." }

            [[policies.edge-in.statements]]
            name = "transit-in-path"
            action = "reject"
            match = { as_path_set = "transit", route_type = "external" }

            [[policies.edge-in.statements]]
            name = "blackhole"
            action = "accept"
            match = { communities = ["blackhole"], prefixes = ["0.0.0.0/0 ge 32"] }
            set = { communities = { add = ["no-export"] } }

            [[policies.edge-in.statements]]
            name = "opt-out"
            action = "reject"
            match = { community_set = "opt-out" }

            [[policies.edge-in.statements]]
            name = "private-origin"
            action = "reject"
            match = { origin_asn = ["64512..65534", "4200000000..4294967294"] }

            [[policies.edge-in.statements]]
            name = "med-clamp"
            action = "next"
            match = { med = "1000.." }
            set = { med = 1000 }

            [[policies.edge-in.statements]]
            name = "customers"
            action = "accept"
            match = { prefix_set = "customers" }
            set = { local_pref = 200, large_communities = { add = ["65000:1:1"] } }

            [[policies.edge-in.statements]]
            name = "peers"
            action = "accept"
            match = { as_path = "^(2914|3257|6453)_" }
            set = { local_pref = 150 }

            [[policies.edge-in.statements]]
            name = "rest"
            action = "accept"
            set = { communities = { add = ["65000:999"] } }

            """);
        return text.ToString();
    }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(8);
        var customers = new HashSet<uint>();
        while (customers.Count < CustomerPrefixes)
            customers.Add((uint)random.Next(0x01000000, 0x60000000) & 0xFFFFFC00u);
        var list = customers.ToList();
        var loaded = BgpConfig.Parse(Config([.. list.Select(a => Prefix.V4(a, 22))]), "policy-bench.toml");
        var config = loaded.Config ?? throw new InvalidOperationException(string.Join("\n", loaded.Diagnostics));
        _chain = RoutingPolicy.Compile(config).GlobalImport ?? throw new InvalidOperationException("no chain");
        if (_chain.StatementCount != 10) throw new InvalidOperationException($"{_chain.StatementCount} statements");

        // half the routes are inside a customer /22 (a /22, /23 or /24), half elsewhere in public space
        _prefixes = new Prefix[Routes];
        for (int i = 0; i < Routes; i++)
        {
            if (i % 2 == 0)
            {
                var c = list[random.Next(list.Count)];
                int length = 22 + random.Next(3);
                uint inside = (uint)random.Next(4) << 8;
                _prefixes[i] = Prefix.V4(c | (inside & ~(0xFFFFFFFFu >> length)), length);
            }
            else _prefixes[i] = Prefix.V4((uint)random.NextInt64(0x60000000, 0xDF000000) & 0xFFFFFF00u, 24);
        }
        _random = random;

        // what the routes meet, printed in the benchmark's log: which statement decides, how many run
        FreshAttributes();
        var decided = new Dictionary<string, int>();
        for (int i = 0; i < 5_000; i++)
        {
            var trace = _chain.Explain(new PolicyInput(AfiSafi.Ipv4Unicast, _prefixes[i], _attributes[i], _source), _context);
            string last = trace.Steps[^1].Statement ?? "default";
            decided[last] = decided.GetValueOrDefault(last) + 1;
        }
        Console.WriteLine("// decided by: " + string.Join(", ", decided.OrderByDescending(d => d.Value).Select(d => $"{d.Key} {d.Value * 100.0 / 5_000:0.#}%")));
    }

    /// <summary>New attribute instances (empty regex caches): paths of 2–7 public ASes, a few with a transit AS, communities, MEDs.</summary>
    [IterationSetup]
    public void FreshAttributes()
    {
        var random = _random;
        var sets = new RouteAttributes[(Routes + RoutesPerAttributeSet - 1) / RoutesPerAttributeSet];
        for (int s = 0; s < sets.Length; s++)
        {
            var path = new uint[2 + random.Next(6)];
            for (int k = 0; k < path.Length; k++) path[k] = (uint)random.Next(1000, 60000);
            if (random.Next(20) == 0) path[random.Next(path.Length)] = 3356;
            if (random.Next(10) == 0) path[0] = 2914;
            var attributes = new List<PathAttribute>
            {
                OriginAttribute.Igp,
                new AsPathAttribute(AsPath.FromSequence(path)),
                new NextHopAttribute(IpAddr.V4(0xC6120001u + (uint)random.Next(8))),
                new CommunitiesAttribute(new EquatableArray<Community>([new Community((ushort)path[0], (ushort)random.Next(100)), new Community(65000, (ushort)random.Next(1, 3))])),
            };
            if (random.Next(4) == 0) attributes.Add(new MedAttribute((uint)random.Next(2000)));
            sets[s] = new RouteAttributes(new EquatableArray<PathAttribute>([.. attributes]), new NextHop(IpAddr.V4(0xC6120001u)));
        }
        _attributes = new RouteAttributes[Routes];
        for (int i = 0; i < Routes; i++) _attributes[i] = sets[i / RoutesPerAttributeSet];
    }

    [Benchmark(OperationsPerInvoke = Routes)]
    public int Evaluate()
    {
        int accepted = 0;
        var prefixes = _prefixes;
        var attributes = _attributes;
        for (int i = 0; i < prefixes.Length; i++)
            if (_chain.Evaluate(new PolicyInput(AfiSafi.Ipv4Unicast, prefixes[i], attributes[i], _source), _applied, out _)) accepted++;
        return accepted;
    }

    [Benchmark(OperationsPerInvoke = Routes)]
    public int EvaluateAndApply()
    {
        int changed = 0;
        var prefixes = _prefixes;
        var attributes = _attributes;
        for (int i = 0; i < prefixes.Length; i++)
        {
            if (!_chain.Evaluate(new PolicyInput(AfiSafi.Ipv4Unicast, prefixes[i], attributes[i], _source), _applied, out int count)) continue;
            if (!ReferenceEquals(_chain.Apply(attributes[i], AfiSafi.Ipv4Unicast, _applied.AsSpan(0, count), _context, out _), attributes[i])) changed++;
        }
        return changed;
    }
}

/// <summary>
/// The RIB's import with and without that chain as the global import policy: prefixes from
/// one peer into an empty RIB (as <see cref="RibBenchmarks.AdjRibInInsert"/>, 100,000 prefixes), per prefix. With the
/// chain, every prefix is evaluated (prefix conditions differ per prefix) and its changed attribute
/// set comes from the per-attribute-set memo after the first.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
[WarmupCount(5)]
[IterationCount(30)]
public class RibImportPolicyBenchmarks
{
    private const int TableSize = 100_000;
    private static readonly IPAddress Source = IPAddress.Parse("10.0.0.1");

    private UpdateMessage[] _table = [];
    private RoutingPolicy _policy = RoutingPolicy.Empty;
    private Rib _rib = null!;

    [Params(false, true)]
    public bool ImportChain { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _table = RibBenchmarks.Updates(0, TableSize, 65001, 4, pathBase: 20000);   // public ASes: the chain refuses private origins
        if (!ImportChain) return;
        var random = new Random(8);
        var customers = new HashSet<uint>();
        while (customers.Count < 10_000) customers.Add((uint)random.Next(0x01000000, 0x60000000) & 0xFFFFFC00u);
        var loaded = BgpConfig.Parse(PolicyBenchmarks.Config([.. customers.Select(a => Prefix.V4(a, 22))]), "policy-bench.toml");
        _policy = RoutingPolicy.Compile(loaded.Config ?? throw new InvalidOperationException(string.Join("\n", loaded.Diagnostics)));

        // the chain runs: every route ends up with the community `rest` or `customers` adds
        FreshRib();
        AdjRibInInsert();
        var best = _rib.Best(AfiSafi.Ipv4Unicast);
        int tagged = best.Count(r => r.Attributes.Communities.Contains(new Community(65000, 999)) || r.Attributes.LocalPref == 200);
        if (best.Count != TableSize || tagged != TableSize) throw new InvalidOperationException($"{best.Count} best routes, {tagged} changed by the chain");
    }

    [IterationSetup]
    public void FreshRib()
    {
        _rib = new Rib(new RibSettings(65000, IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.1")));
        _rib.SetPolicy(_policy);
        _rib.PeerUp(RibBenchmarks.Info(Source, 65001));
    }

    [Benchmark(OperationsPerInvoke = TableSize)]
    public void AdjRibInInsert()
    {
        foreach (var u in _table) _rib.Apply(Source, u);
    }
}
