using System.Net;
using BenchmarkDotNet.Attributes;
using Bgp.Actors.Rib;
using Bgp.Wire;

namespace Bgp.Benchmarks;

/// <summary>
/// The RIB's hot paths, single-threaded as the RIB actor runs them: the best-path comparison, an
/// Adj-RIB-In insert, the whole insert → best path → Adj-RIB-Out pipeline per prefix, and churn.
/// Prefixes are distinct /24s; every UPDATE carries 10 prefixes with one attribute set, about what
/// a real full table averages (6.4 prefixes per UPDATE in the RIPE feed of SessionReplayBenchmarks).
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]   // each iteration starts from the state its setup built
[WarmupCount(5)]
[IterationCount(30)]
public class RibBenchmarks
{
    private const int TableSize = 10_000;
    private const int PrefixesPerUpdate = 10;
    private const int Churn = 1_000;

    private static readonly IPAddress Source = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress Second = IPAddress.Parse("10.0.0.2");
    private static readonly IPAddress Monitor = IPAddress.Parse("10.0.0.9");

    private UpdateMessage[] _table = [];
    private UpdateMessage[] _better = [];
    private UpdateMessage[] _announce = [];
    private UpdateMessage[] _withdraw = [];
    private Rib _rib = null!;
    private RibPeer _monitor = null!;

    private static Nlri Nth(int i) => new(Prefix.V4(0x0A000000u + ((uint)i << 8), 24));

    internal static UpdateMessage[] Updates(int from, int count, uint asn, int pathLength, uint pathBase = 64512)
    {
        var result = new UpdateMessage[count / PrefixesPerUpdate];
        for (int u = 0; u < result.Length; u++)
        {
            var path = new uint[pathLength];
            path[0] = asn;
            for (int k = 1; k < pathLength; k++) path[k] = pathBase + (uint)((u * 7 + k) % 1000);
            var attributes = new EquatableArray<PathAttribute>([
                OriginAttribute.Igp, new AsPathAttribute(AsPath.FromSequence(path)), new NextHopAttribute(IpAddr.V4(0xC6120001u + asn % 8)),
                new CommunitiesAttribute(new EquatableArray<Community>([new Community((ushort)asn, (ushort)(u % 50))]))]);
            var nlri = new Nlri[PrefixesPerUpdate];
            for (int k = 0; k < PrefixesPerUpdate; k++) nlri[k] = Nth(from + u * PrefixesPerUpdate + k);
            result[u] = new UpdateMessage(default, attributes, new EquatableArray<Nlri>(nlri));
        }
        return result;
    }

    internal static RibPeerInfo Info(IPAddress address, uint asn) =>
        new(address, asn, 65000, RibSettings.ToUInt(address), PeerRole.RouteServerClient, IPAddress.Parse("192.0.2.1"),
            new FamilySet(AfiSafi.Ipv4Unicast), CodecContext.Default);

    [GlobalSetup]
    public void Setup()
    {
        _table = Updates(0, TableSize, 65001, 4);
        _better = Updates(0, TableSize, 65002, 3);
        _announce = Updates(TableSize, Churn, 65001, 4);
        _withdraw = new UpdateMessage[_announce.Length];
        for (int i = 0; i < _announce.Length; i++) _withdraw[i] = new UpdateMessage(_announce[i].Nlri, default, default);
    }

    private Rib NewRib(bool withMonitor)
    {
        var rib = new Rib(new RibSettings(65000, IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.1")));
        rib.PeerUp(Info(Source, 65001));
        rib.PeerUp(Info(Second, 65002));
        if (withMonitor) _monitor = rib.PeerUp(Info(Monitor, 65009));
        return rib;
    }

    [IterationSetup(Target = nameof(AdjRibInInsert))]
    public void FreshRibWithoutMonitor() => _rib = NewRib(withMonitor: false);

    /// <summary>10,000 prefixes from one peer into an empty RIB, no peer to export to; per prefix.</summary>
    [Benchmark(OperationsPerInvoke = TableSize)]
    public void AdjRibInInsert()
    {
        foreach (var u in _table) _rib.Apply(Source, u);
    }

    [IterationSetup(Target = nameof(InsertBestPathAdjRibOut))]
    public void FreshRibWithMonitorAndTable()
    {
        _rib = NewRib(withMonitor: true);
        foreach (var u in _table) _rib.Apply(Source, u);
        while (_rib.TakeBatch(_monitor) is not null) { }
    }

    /// <summary>
    /// A second peer's better routes for the same 10,000 prefixes: Adj-RIB-In insert, decision
    /// (two paths), new best, export to the monitor and its Adj-RIB-Out, batched; per prefix.
    /// </summary>
    [Benchmark(OperationsPerInvoke = TableSize)]
    public int InsertBestPathAdjRibOut()
    {
        foreach (var u in _better) _rib.Apply(Second, u);
        int batches = 0;
        while (_rib.TakeBatch(_monitor) is not null) batches++;
        return batches;
    }

    [IterationSetup(Target = nameof(ChurnOverTenThousandRoutes))]
    public void FreshRibWithTable() => FreshRibWithMonitorAndTable();

    /// <summary>1,000 new prefixes announced then withdrawn over a 10,000-route table, with export; per announce or withdraw.</summary>
    [Benchmark(OperationsPerInvoke = 2 * Churn)]
    public int ChurnOverTenThousandRoutes()
    {
        int batches = 0;
        foreach (var u in _announce) _rib.Apply(Source, u);
        while (_rib.TakeBatch(_monitor) is not null) batches++;
        foreach (var u in _withdraw) _rib.Apply(Source, u);
        while (_rib.TakeBatch(_monitor) is not null) batches++;
        return batches;
    }
}

/// <summary>The decision process's comparison on its own.</summary>
public class BestPathBenchmarks
{
    private Candidate _a, _b;
    private Candidate[] _four = [];

    [GlobalSetup]
    public void Setup()
    {
        _a = new Candidate(100, false, 3, Origin.Igp, 0, 65001, true, 1, 0, IpAddr.Parse("10.0.0.1"), 0);
        _b = new Candidate(100, false, 3, Origin.Igp, 0, 65002, true, 2, 0, IpAddr.Parse("10.0.0.2"), 0);
        _four = [_a, _b, _a with { RouterId = 3, PeerAddress = IpAddr.Parse("10.0.0.3") }, _b with { Med = 5, PeerAddress = IpAddr.Parse("10.0.0.4") }];
    }

    /// <summary>Two routes that differ only at the router-ID step, so every earlier step runs.</summary>
    [Benchmark]
    public int Compare() => BestPath.Compare(_a, _b, DecisionOptions.Default, out _);

    /// <summary>Selection among four paths from two neighbouring ASes with deterministic MED.</summary>
    [Benchmark]
    public int SelectOfFour() => BestPath.Select(_four, DecisionOptions.Default, out _);
}
