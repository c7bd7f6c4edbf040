using System.Net;
using Bgp.Actors.Fsm;
using Bgp.Actors.Rib;
using Bgp.Actors.Typed;
using Bgp.Actors.Sessions;
using Bgp.TestKit;
using Bgp.Wire;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Rib;

/// <summary>How changes travel: best-path changes, peers going down, batching, and the RIB actor's flow control.</summary>
[TestFixture]
public sealed class RibDistributionTests : AkkaTest
{
    [Test]
    public void A_better_route_replaces_the_advertised_one_and_its_withdrawal_brings_the_old_one_back()
    {
        var h = new RibHarness();
        h.Up("10.0.0.1", 65001, PeerRole.RouteServerClient);
        h.Up("10.0.0.2", 65002, PeerRole.RouteServerClient);
        h.Up("10.0.0.9", 65009, PeerRole.RouteServerClient);
        h.Announce("10.0.0.1", "203.0.113.0/24", "198.18.0.1", RibHarness.Path(65001, 65100, 65200));
        Assert.That(h.Holds("10.0.0.9", "203.0.113.0/24")!.AsPath.ToString(), Is.EqualTo("65001 65100 65200"));
        h.Announce("10.0.0.2", "203.0.113.0/24", "198.18.0.2", RibHarness.Path(65002, 65200));
        Assert.That(h.Holds("10.0.0.9", "203.0.113.0/24")!.AsPath.ToString(), Is.EqualTo("65002 65200"));
        Assert.That(h.Rib.ExplainBest(AfiSafi.Ipv4Unicast, Prefix.Parse("203.0.113.0/24"))!.Step, Is.EqualTo(BestPathStep.AsPathLength));
        h.Withdraw("10.0.0.2", "203.0.113.0/24");
        Assert.That(h.Holds("10.0.0.9", "203.0.113.0/24")!.AsPath.ToString(), Is.EqualTo("65001 65100 65200"));
        h.Withdraw("10.0.0.1", "203.0.113.0/24");
        Assert.That(h.Holds("10.0.0.9", "203.0.113.0/24"), Is.Null);
        Assert.That(h.Rib.PrefixCount(AfiSafi.Ipv4Unicast), Is.Zero, "nothing left behind for a prefix nobody has");
    }

    [Test]
    public void A_route_refresh_from_a_peer_sends_it_everything_it_holds_again_and_nothing_else()
    {
        var h = new RibHarness();
        h.Up("10.0.0.1", 65001, PeerRole.RouteServerClient);
        h.Up("10.0.0.9", 65009, PeerRole.RouteServerClient);
        for (int i = 0; i < 30; i++) h.Announce("10.0.0.1", $"203.0.{i}.0/24", "198.18.0.1", RibHarness.Path(65001));
        h.Announce("10.0.0.1", "2001:db8:1::/48", "2001:db8::1", RibHarness.Path(65001));
        Assert.That(h.Drain("10.0.0.9").Announcements, Is.EqualTo(31));
        Assert.That(h.Drain("10.0.0.9").Announcements, Is.EqualTo(31), "nothing pending");
        Assert.That(h.Rib.RefreshOut(IPAddress.Parse("10.0.0.9"), AfiSafi.Ipv4Unicast), Is.EqualTo(30));
        var again = h.Drain("10.0.0.9");
        Assert.That((again.Announcements, again.Withdrawals), Is.EqualTo((61, 0)), "the IPv4 table again, not the IPv6 one");
        Assert.That(h.Rib.Advertised(IPAddress.Parse("10.0.0.9")), Has.Count.EqualTo(31));
    }

    [Test]
    public void A_peer_going_down_withdraws_its_routes_from_every_other_peer()
    {
        var h = new RibHarness();
        h.Up("10.0.0.1", 65001, PeerRole.RouteServerClient);
        h.Up("10.0.0.2", 65002, PeerRole.RouteServerClient);
        h.Up("10.0.0.3", 65003, PeerRole.RouteServerClient);
        for (int i = 0; i < 50; i++) h.Announce("10.0.0.1", $"203.0.{i}.0/24", "198.18.0.1", RibHarness.Path(65001));
        h.Announce("10.0.0.2", "198.51.100.0/24", "198.18.0.2", RibHarness.Path(65002));
        Assert.That(h.Drain("10.0.0.3").Holds, Has.Count.EqualTo(51));
        Assert.That(h.Drain("10.0.0.2").Holds, Has.Count.EqualTo(50));
        Assert.That(h.Down("10.0.0.1"), Is.EqualTo(50));
        Assert.That(h.Drain("10.0.0.3").Holds.Keys.Select(k => k.Item2.ToString()), Is.EqualTo(new[] { "198.51.100.0/24" }));
        Assert.That(h.Drain("10.0.0.2").Holds, Is.Empty);
        Assert.That(h.Rib.AttributeSets, Is.LessThanOrEqualTo(3), "the gone peer's attribute sets were released");
    }

    [Test]
    public void Routes_with_one_attribute_set_travel_together_in_batches_of_the_configured_size()
    {
        var h = new RibHarness(batchPrefixes: 1000);
        h.Up("10.0.0.1", 65001, PeerRole.RouteServerClient);
        var update = new UpdateMessage(default,
            new EquatableArray<PathAttribute>([OriginAttribute.Igp, RibHarness.Path(65001), new NextHopAttribute(IpAddr.Parse("198.18.0.1"))]),
            new EquatableArray<Nlri>([.. Enumerable.Range(0, 2500).Select(i => new Nlri(Prefix.V4(0x0A000000u + ((uint)i << 8), 24)))]));
        h.Rib.Apply(IPAddress.Parse("10.0.0.1"), update);
        var monitor = h.Up("10.0.0.9", 65009, PeerRole.RouteServerClient, families: AfiSafi.Ipv4Unicast);
        var sizes = new List<int>();
        while (h.Rib.TakeBatch(monitor) is { } batch)
        {
            sizes.Add(batch.Prefixes);
            foreach (var part in batch.Families) Assert.That(part.Announced, Has.Count.LessThanOrEqualTo(1), "one attribute set, one group");
        }
        Assert.That(sizes, Is.EqualTo(new[] { 1000, 1000, 500 }), "the last batch also carries End-of-RIB");
        Assert.That(h.Rib.AttributeSets, Is.EqualTo(1), "2,500 routes, one interned attribute set (transparent export reuses it)");
    }

    [Test]
    public void Explain_names_the_deciding_step_for_every_path()
    {
        var h = new RibHarness();
        h.Up("10.0.0.1", 65001, PeerRole.External);
        h.Up("10.0.0.2", 65002, PeerRole.External);
        h.Up("10.0.0.3", 65003, PeerRole.External);
        h.Announce("10.0.0.1", "203.0.113.0/24", "198.18.0.1", RibHarness.Path(65001, 65100));
        h.Announce("10.0.0.2", "203.0.113.0/24", "198.18.0.2", RibHarness.Path(65002, 65100), new OriginAttribute(Origin.Incomplete));
        h.Announce("10.0.0.3", "203.0.113.0/24", "198.18.0.3", RibHarness.Path(65003, 65050, 65100));
        var explained = h.Rib.ExplainBest(AfiSafi.Ipv4Unicast, Prefix.Parse("203.0.113.0/24"))!;
        Assert.That(explained.Paths[0].Route.IsBest, Is.True);
        Assert.That(explained.Paths[0].Route.Peer, Is.EqualTo(IPAddress.Parse("10.0.0.1")));
        Assert.That(explained.Step, Is.EqualTo(BestPathStep.Origin), "the closest competitor lost on ORIGIN");
        var lost = explained.Paths.Skip(1).ToDictionary(p => p.Route.Peer.ToString(), p => p.LostOn);
        Assert.That(lost["10.0.0.2"], Is.EqualTo(BestPathStep.Origin));
        Assert.That(lost["10.0.0.3"], Is.EqualTo(BestPathStep.AsPathLength));
    }

    // ---- the actor: flow control -----------------------------------------------------------------

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private static NegotiatedSession Session(uint asn, uint id) => new()
    {
        PeerAs = asn, PeerBgpId = id, HoldTime = TimeSpan.FromSeconds(90), KeepaliveTime = TimeSpan.FromSeconds(30),
        Families = new FamilySet(AfiSafi.Ipv4Unicast), Codec = CodecContext.Default, RouteRefresh = true, EnhancedRouteRefresh = false,
        PeerOpen = Fsm.FsmFixtures.Open(asn, id),
    };

    private static RibPeerInfo Info(string address, uint asn) =>
        new(IPAddress.Parse(address), asn, RibHarness.LocalAs, RibHarness.Id(address), PeerRole.RouteServerClient,
            IPAddress.Parse("192.0.2.1"), new FamilySet(AfiSafi.Ipv4Unicast), CodecContext.Default);

    [Test]
    public async Task A_peer_that_does_not_acknowledge_stops_getting_batches_without_holding_up_the_others()
    {
        var rib = Sys.Spawn<RibCommand>(RibActor.Props(new RibSettings(RibHarness.LocalAs, RibHarness.RouterId, RibHarness.RouterId)
        {
            BatchPrefixes = 100,
        }), "rib");
        var slow = CreateProbe<SessionCommand>("slow");
        var fast = CreateProbe<SessionCommand>("fast");
        rib.Tell(new RibCommand.PeerUp(IPAddress.Parse("10.0.0.1"), Session(65001, 1), Info("10.0.0.1", 65001)));
        rib.Tell(new RibCommand.PeerUp(IPAddress.Parse("10.0.0.8"), Session(65008, 8), Info("10.0.0.8", 65008), slow));
        rib.Tell(new RibCommand.PeerUp(IPAddress.Parse("10.0.0.9"), Session(65009, 9), Info("10.0.0.9", 65009), fast));
        var update = new UpdateMessage(default,
            new EquatableArray<PathAttribute>([OriginAttribute.Igp, RibHarness.Path(65001), new NextHopAttribute(IpAddr.Parse("198.18.0.1"))]),
            new EquatableArray<Nlri>([.. Enumerable.Range(0, 2000).Select(i => new Nlri(Prefix.V4(0x0A000000u + ((uint)i << 8), 24)))]));
        rib.Tell(new RibCommand.UpdateReceived(IPAddress.Parse("10.0.0.1"), update));

        // the fast peer acknowledges every batch and gets all 2,000 prefixes and End-of-RIB
        var fastPrefixes = new HashSet<Prefix>();
        bool endOfRib = false;
        for (int i = 0; i < 200 && !(endOfRib && fastPrefixes.Count == 2000); i++)
        {
            var send = (SessionCommand.SendRoutes)await fast.ExpectAsync<SessionCommand.SendRoutes>(Wait);
            foreach (var part in send.Batch.Families)
            {
                foreach (var (_, nlri) in part.Announced) foreach (var n in nlri) fastPrefixes.Add(n.Prefix);
                endOfRib |= part.EndOfRib;
            }
            rib.Tell(new RibCommand.BatchSent(IPAddress.Parse("10.0.0.9"), send.Batch.Epoch));
        }
        Assert.That(fastPrefixes, Has.Count.EqualTo(2000));
        Assert.That(endOfRib, Is.True);

        // the slow one got exactly MaxInFlight batches and nothing more while it acknowledged none
        var slowBatches = new List<OutboundBatch>();
        while (slow.TryReceive(out var message)) slowBatches.Add(((SessionCommand.SendRoutes)message).Batch);
        Assert.That(slowBatches, Has.Count.EqualTo(RibActor.MaxInFlight));

        // once it acknowledges, the rest follows, and nothing was lost on the way
        var slowPrefixes = slowBatches.SelectMany(b => b.Families).SelectMany(f => f.Announced).SelectMany(g => g.Nlri).Select(n => n.Prefix).ToHashSet();
        foreach (var b in slowBatches) rib.Tell(new RibCommand.BatchSent(IPAddress.Parse("10.0.0.8"), b.Epoch));
        for (int i = 0; i < 200 && slowPrefixes.Count < 2000; i++)
        {
            var send = (SessionCommand.SendRoutes)await slow.ExpectAsync<SessionCommand.SendRoutes>(Wait);
            foreach (var part in send.Batch.Families) foreach (var (_, nlri) in part.Announced) foreach (var n in nlri) slowPrefixes.Add(n.Prefix);
            rib.Tell(new RibCommand.BatchSent(IPAddress.Parse("10.0.0.8"), send.Batch.Epoch));
        }
        Assert.That(slowPrefixes, Has.Count.EqualTo(2000));

        var summary = await rib.AskAsync<RibCommand, RibSummary>(r => new RibCommand.GetSummary(r), Wait);
        Assert.That(summary.LocRibPrefixes, Is.EqualTo(2000));
        Assert.That(summary.Peers[IPAddress.Parse("10.0.0.8")].Advertised, Is.EqualTo(2000));
        Assert.That(summary.Peers[IPAddress.Parse("10.0.0.1")].Total, Is.EqualTo(2000));
    }
}
