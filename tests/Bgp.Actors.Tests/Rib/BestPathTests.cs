using Bgp.Actors.Rib;
using Bgp.Wire;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Rib;

/// <summary>RFC 4271 §9.1.2.2 (and RFC 4456 §9) one step at a time, then properties over random candidates.</summary>
[TestFixture]
public sealed class BestPathTests
{
    private static readonly Candidate Base = new(
        LocalPref: 100, IsLocal: false, AsPathLength: 2, Origin: Origin.Igp, Med: 0, NeighborAs: 65001, IsExternal: true,
        RouterId: 0x0A000001, ClusterListLength: 0, PeerAddress: IpAddr.Parse("10.0.0.1"), PathId: 0);

    private static (int Sign, BestPathStep Step) Compare(Candidate a, Candidate b, DecisionOptions? options = null)
    {
        int c = BestPath.Compare(a, b, options ?? DecisionOptions.Default, out var step);
        return (Math.Sign(c), step);
    }

    [Test]
    public void Higher_local_pref_wins_first() =>
        Assert.That(Compare(Base with { LocalPref = 200, AsPathLength = 9 }, Base), Is.EqualTo((-1, BestPathStep.LocalPref)));

    [Test]
    public void A_locally_originated_route_beats_a_learned_one_of_equal_local_pref() =>
        Assert.That(Compare(Base with { IsLocal = true, AsPathLength = 5 }, Base), Is.EqualTo((-1, BestPathStep.LocallyOriginated)));

    [Test]
    public void Shorter_as_path_wins() =>
        Assert.That(Compare(Base with { AsPathLength = 1, Origin = Origin.Incomplete }, Base), Is.EqualTo((-1, BestPathStep.AsPathLength)));

    [Test]
    public void Path_length_counts_an_as_set_as_one_and_confederation_segments_as_zero()
    {
        var path = new AsPath(new EquatableArray<AsPathSegment>([
            new AsPathSegment(AsPathSegmentType.ConfedSequence, new EquatableArray<uint>([64512u, 64513u])),
            AsPathSegment.Sequence(65001, 65002),
            AsPathSegment.Set(65003, 65004, 65005)]));
        var attributes = new RouteAttributes(new EquatableArray<PathAttribute>([new AsPathAttribute(path)]), default);
        Assert.That(attributes.AsPathLength, Is.EqualTo(3));
        Assert.That(attributes.NeighborAs, Is.EqualTo(65001u), "MED's neighbouring AS skips the confederation segment");
    }

    [Test]
    public void Lower_origin_wins() =>
        Assert.That(Compare(Base with { Origin = Origin.Igp, Med = 500 }, Base with { Origin = Origin.Egp }), Is.EqualTo((-1, BestPathStep.Origin)));

    [Test]
    public void Lower_med_wins_between_routes_from_the_same_neighbouring_as() =>
        Assert.That(Compare(Base with { Med = 10, IsExternal = false }, Base with { Med = 20 }), Is.EqualTo((-1, BestPathStep.Med)));

    [Test]
    public void Med_is_not_compared_between_different_neighbouring_ases_unless_always_compare_med()
    {
        var a = Base with { Med = 10, NeighborAs = 65001, RouterId = 9 };
        var b = Base with { Med = 20, NeighborAs = 65002, RouterId = 1 };
        Assert.That(Compare(a, b), Is.EqualTo((1, BestPathStep.RouterId)), "MED skipped: decided later, by router ID");
        Assert.That(Compare(a, b, new DecisionOptions(AlwaysCompareMed: true)), Is.EqualTo((-1, BestPathStep.Med)));
    }

    [Test]
    public void A_missing_med_counts_as_zero()
    {
        var none = new RouteAttributes(new EquatableArray<PathAttribute>([new AsPathAttribute(AsPath.FromSequence(65001))]), default);
        Assert.That(none.Med, Is.Null);
        Assert.That(Compare(Base with { Med = 0 }, Base with { Med = 1 }), Is.EqualTo((-1, BestPathStep.Med)));
    }

    [Test]
    public void External_beats_internal() =>
        Assert.That(Compare(Base with { IsExternal = true, RouterId = 99 }, Base with { IsExternal = false, NeighborAs = 65009 }),
            Is.EqualTo((-1, BestPathStep.ExternalOverInternal)));

    [Test]
    public void Lower_router_id_wins() =>
        Assert.That(Compare(Base with { RouterId = 1, ClusterListLength = 3 }, Base with { RouterId = 2 }), Is.EqualTo((-1, BestPathStep.RouterId)));

    [Test]
    public void Shorter_cluster_list_wins_after_router_id() =>
        Assert.That(Compare(Base with { ClusterListLength = 1, PeerAddress = IpAddr.Parse("10.0.0.9") }, Base with { ClusterListLength = 2 }),
            Is.EqualTo((-1, BestPathStep.ClusterListLength)));

    [Test]
    public void Lower_peer_address_wins_last_then_path_id()
    {
        Assert.That(Compare(Base with { PeerAddress = IpAddr.Parse("10.0.0.1") }, Base with { PeerAddress = IpAddr.Parse("10.0.0.2") }),
            Is.EqualTo((-1, BestPathStep.PeerAddress)));
        Assert.That(Compare(Base with { PathId = 1 }, Base with { PathId = 2 }), Is.EqualTo((-1, BestPathStep.PathId)));
    }

    [Test]
    public void The_originator_id_stands_in_for_the_router_id_of_a_reflected_route()
    {
        var h = new RibHarness();
        h.Up("10.0.0.1", RibHarness.LocalAs, PeerRole.Internal, routerId: "1.1.1.1");
        h.Up("10.0.0.2", RibHarness.LocalAs, PeerRole.Internal, routerId: "2.2.2.2");
        // reflected: the route from 10.0.0.1 carries ORIGINATOR_ID 9.9.9.9, so 10.0.0.2's (ID 2.2.2.2) wins
        h.Announce("10.0.0.1", "203.0.113.0/24", "198.18.0.1", RibHarness.Path(65010),
            new OriginatorIdAttribute(IpAddr.Parse("9.9.9.9")), new ClusterListAttribute(new EquatableArray<uint>([7u])));
        h.Announce("10.0.0.2", "203.0.113.0/24", "198.18.0.2", RibHarness.Path(65010));
        var explained = h.Rib.ExplainBest(AfiSafi.Ipv4Unicast, Prefix.Parse("203.0.113.0/24"))!;
        Assert.That(explained.Paths[0].Route.Peer.ToString(), Is.EqualTo("10.0.0.2"));
        Assert.That(explained.Step, Is.EqualTo(BestPathStep.RouterId));
        Assert.That(explained.Paths[1].LostOn, Is.EqualTo(BestPathStep.RouterId));
    }

    [Test]
    public void Deterministic_med_picks_the_same_winner_whatever_the_order()
    {
        // the classic case: B beats A on MED (same AS 65001), C beats B on router ID (different AS),
        // A beats C on router ID. Pairwise in order the winner depends on the order.
        var a = Base with { NeighborAs = 65001, Med = 20, RouterId = 1 };
        var b = Base with { NeighborAs = 65001, Med = 10, RouterId = 3, PeerAddress = IpAddr.Parse("10.0.0.2") };
        var c = Base with { NeighborAs = 65002, Med = 0, RouterId = 2, PeerAddress = IpAddr.Parse("10.0.0.3") };
        var winners = new HashSet<Candidate>();
        var pairwise = new HashSet<Candidate>();
        Candidate[][] orders = [[a, b, c], [a, c, b], [b, a, c], [b, c, a], [c, a, b], [c, b, a]];
        foreach (var order in orders)
        {
            winners.Add(order[BestPath.Select(order, DecisionOptions.Default, out _)]);
            pairwise.Add(order[BestPath.Select(order, new DecisionOptions(DeterministicMed: false), out _)]);
        }
        Assert.That(winners, Is.EquivalentTo(new[] { c }), "group AS65001's best is B (MED); B against C: C by router ID");
        Assert.That(pairwise, Has.Count.GreaterThan(1), "without deterministic MED the order matters (which is why it is the default)");
    }

    private static readonly Gen<Candidate> Candidates =
        from localPref in Gen.Elements(100u, 200u)
        from local in Gen.Elements(false, false, false, true)
        from length in Gen.Choose(0, 3)
        from origin in Gen.Elements(Origin.Igp, Origin.Egp, Origin.Incomplete)
        from med in Gen.Elements(0u, 10u, 20u)
        from neighborAs in Gen.Elements<uint?>(65001u, 65002u, null)
        from external in Gen.Elements(true, false)
        from routerId in Gen.Choose(1, 4)
        from clusters in Gen.Choose(0, 2)
        from address in Gen.Choose(1, 250)
        select new Candidate(localPref, local, length, origin, med, neighborAs, external, (uint)routerId, clusters,
            IpAddr.V4(0x0A000000u + (uint)address), 0);

    private static FsCheck.Config Seeded(int cases) => FsCheck.Config.QuickThrowOnFailure.WithMaxTest(cases)
        .WithReplay(new Replay(new Rnd(20261121UL, 0x9E3779B97F4A7C15UL), Microsoft.FSharp.Core.FSharpOption<int>.None));

    [Test]
    public void Compare_is_antisymmetric_and_names_the_same_step_both_ways() =>
        Prop.ForAll(Candidates.ToArbitrary(), Candidates.ToArbitrary(), (a, b) =>
        {
            int ab = BestPath.Compare(a, b, DecisionOptions.Default, out var s1);
            int ba = BestPath.Compare(b, a, DecisionOptions.Default, out var s2);
            return Math.Sign(ab) == -Math.Sign(ba) && s1 == s2 && (ab != 0 || a.PeerAddress == b.PeerAddress);
        }).Check(Seeded(2000));

    [Test]
    public void The_selected_route_is_beaten_by_none_when_med_is_always_compared() =>
        Prop.ForAll(Gen.NonEmptyListOf(Candidates).ToArbitrary(), list =>
        {
            var all = list.DistinctBy(c => c.PeerAddress).ToArray();   // one route per peer, as in a RIB without Add-Path
            var options = new DecisionOptions(AlwaysCompareMed: true);
            int best = BestPath.Select(all, options, out _);
            return all.All(c => BestPath.Compare(all[best], c, options, out _) <= 0);
        }).Check(Seeded(1000));

    [Test]
    public void Deterministic_med_selection_does_not_depend_on_order() =>
        Prop.ForAll(Gen.NonEmptyListOf(Candidates).ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), (list, seed) =>
        {
            var all = list.DistinctBy(c => c.PeerAddress).ToArray();   // one route per peer, as in a RIB without Add-Path
            var shuffled = all.ToArray();
            new Random(seed).Shuffle(shuffled);
            var first = all[BestPath.Select(all, DecisionOptions.Default, out _)];
            var second = shuffled[BestPath.Select(shuffled, DecisionOptions.Default, out _)];
            return first == second;
        }).Check(Seeded(1000));
}
