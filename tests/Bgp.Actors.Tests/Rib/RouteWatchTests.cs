using System.Net;
using Bgp.Actors.Events;
using Bgp.Actors.Rib;
using Bgp.Wire;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Rib;

/// <summary>Best-route watchers: what the RIB tells them, and when.</summary>
[TestFixture]
public sealed class RouteWatchTests
{
    private static List<RouteEvent> Take(EventQueue<BgpEvent> queue)
    {
        queue.Close();
        var result = new List<RouteEvent>();
        var reader = queue.ReadAllAsync().GetAsyncEnumerator();
        while (reader.MoveNextAsync().AsTask().Result)
            result.Add(reader.Current.Item as RouteEvent ?? throw new AssertionException($"not a route event: lag {reader.Current.Lagged}"));
        return result;
    }

    private static string Show(RouteEvent e) => e.Best is { } best ? $"{e.Prefix} via {best.Peer} {best.Attributes.AsPath}" : $"{e.Prefix} gone";

    [Test]
    public void Every_best_route_change_is_reported_and_nothing_else()
    {
        var h = new RibHarness();
        h.Up("10.0.0.1", 65001, PeerRole.RouteServerClient);
        h.Up("10.0.0.2", 65002, PeerRole.RouteServerClient);
        var queue = new EventQueue<BgpEvent>(100);
        Assert.That(h.Rib.Watch(new RouteWatch(queue, TimeProvider.System), includeCurrent: false), Is.Empty);

        h.Announce("10.0.0.1", "203.0.113.0/24", "198.18.0.1", RibHarness.Path(65001, 65100, 65200)); // new best
        h.Announce("10.0.0.2", "203.0.113.0/24", "198.18.0.2", RibHarness.Path(65002, 65100, 65200, 65300)); // loses: no change
        h.Announce("10.0.0.2", "203.0.113.0/24", "198.18.0.2", RibHarness.Path(65002, 65200)); // wins
        h.Withdraw("10.0.0.1", "203.0.113.0/24"); // not the best: no change
        h.Withdraw("10.0.0.2", "203.0.113.0/24"); // nothing left
        h.Announce("10.0.0.1", "2001:db8::/32", "2001:db8::1", RibHarness.Path(65001));
        h.Down("10.0.0.1");

        Assert.That(Take(queue).Select(Show), Is.EqualTo(new[]
        {
            "203.0.113.0/24 via 10.0.0.1 65001 65100 65200",
            "203.0.113.0/24 via 10.0.0.2 65002 65200",
            "203.0.113.0/24 gone",
            "2001:db8::/32 via 10.0.0.1 65001",
            "2001:db8::/32 gone",
        }));
    }

    [Test]
    public void A_watch_sees_only_its_family_and_prefixes_and_starts_with_the_current_routes_when_asked()
    {
        var h = new RibHarness();
        h.Up("10.0.0.1", 65001, PeerRole.RouteServerClient);
        h.Announce("10.0.0.1", "10.1.0.0/16", "198.18.0.1", RibHarness.Path(65001));
        h.Announce("10.0.0.1", "10.1.2.0/24", "198.18.0.1", RibHarness.Path(65001));
        h.Announce("10.0.0.1", "10.2.0.0/16", "198.18.0.1", RibHarness.Path(65001));

        var covered = new EventQueue<BgpEvent>(100);
        var current = h.Rib.Watch(new RouteWatch(covered, TimeProvider.System, AfiSafi.Ipv4Unicast, Prefix.Parse("10.1.0.0/16"), longerPrefixes: true), includeCurrent: true);
        Assert.That(current.Select(r => r.Nlri.Prefix.ToString()), Is.EquivalentTo(new[] { "10.1.0.0/16", "10.1.2.0/24" }));
        Assert.That(current.All(r => r.IsBest), Is.True);

        var exact = new EventQueue<BgpEvent>(100);
        h.Rib.Watch(new RouteWatch(exact, TimeProvider.System, prefix: Prefix.Parse("10.1.0.0/16")), includeCurrent: false);
        var v6 = new EventQueue<BgpEvent>(100);
        h.Rib.Watch(new RouteWatch(v6, TimeProvider.System, AfiSafi.Ipv6Unicast), includeCurrent: false);

        h.Announce("10.0.0.1", "10.1.3.0/24", "198.18.0.1", RibHarness.Path(65001));
        h.Announce("10.0.0.1", "10.3.0.0/16", "198.18.0.1", RibHarness.Path(65001));
        h.Withdraw("10.0.0.1", "10.1.0.0/16");
        h.Announce("10.0.0.1", "2001:db8::/32", "2001:db8::1", RibHarness.Path(65001));

        Assert.That(Take(covered).Select(Show), Is.EqualTo(new[] { "10.1.3.0/24 via 10.0.0.1 65001", "10.1.0.0/16 gone" }));
        Assert.That(Take(exact).Select(Show), Is.EqualTo(new[] { "10.1.0.0/16 gone" }));
        Assert.That(Take(v6).Select(Show), Is.EqualTo(new[] { "2001:db8::/32 via 10.0.0.1 65001" }));
    }

    [Test]
    public void Injected_routes_are_reported_without_a_peer_and_a_closed_watch_is_forgotten()
    {
        var h = new RibHarness();
        var queue = new EventQueue<BgpEvent>(100);
        h.Rib.Watch(new RouteWatch(queue, TimeProvider.System), includeCurrent: false);
        h.Rib.Inject(AfiSafi.Ipv4Unicast, Prefix.Parse("192.0.2.0/24"), new NextHop(IpAddr.Parse("198.18.0.1")), []);
        var events = Take(queue);
        Assert.That(events, Has.Count.EqualTo(1));
        Assert.That(events[0].Best!.PeerRole, Is.EqualTo(PeerRole.Local));
        Assert.That(events[0].Peer, Is.Null, "routes we originate have no neighbor");
        Assert.That(h.Rib.Watchers, Is.EqualTo(1), "closed, not yet noticed");
        h.Rib.RemoveInjected(AfiSafi.Ipv4Unicast, Prefix.Parse("192.0.2.0/24"));
        Assert.That(h.Rib.Watchers, Is.Zero);
    }

    [Test]
    public void A_watch_that_cannot_keep_up_loses_changes_with_a_count_and_slows_nothing()
    {
        var h = new RibHarness();
        h.Up("10.0.0.1", 65001, PeerRole.RouteServerClient);
        var queue = new EventQueue<BgpEvent>(10);
        h.Rib.Watch(new RouteWatch(queue, TimeProvider.System), includeCurrent: false);
        for (int i = 0; i < 25; i++) h.Announce("10.0.0.1", $"203.0.{i}.0/24", "198.18.0.1", RibHarness.Path(65001));
        Assert.That(h.Rib.PrefixCount(AfiSafi.Ipv4Unicast), Is.EqualTo(25), "the RIB applied everything");
        Assert.That(queue.DroppedTotal, Is.EqualTo(15));
    }

    [Test]
    public void The_kept_loc_rib_count_matches_a_scan_through_random_changes()   // 65000 in a path: a loop, ineligible
    {
        var random = new Random(7);
        var h = new RibHarness();
        string[] peers = ["10.0.0.1", "10.0.0.2", "10.0.0.3"];
        foreach (var (p, i) in peers.Select((p, i) => (p, i))) h.Up(p, 65001 + (uint)i, PeerRole.RouteServerClient);
        for (int step = 0; step < 5000; step++)
        {
            string peer = peers[random.Next(peers.Length)];
            string prefix = $"203.0.{random.Next(64)}.0/24";
            switch (random.Next(10))
            {
                case < 5:
                    h.Announce(peer, prefix, "198.18.0.1", RibHarness.Path([.. Enumerable.Range(0, 1 + random.Next(3)).Select(_ => 65000u + (uint)random.Next(4))]));
                    break;
                case < 9:
                    h.Withdraw(peer, prefix);
                    break;
                default:
                    h.Down(peer);
                    h.Up(peer, 65001 + (uint)Array.IndexOf(peers, peer), PeerRole.RouteServerClient);
                    break;
            }
            if (step % 50 == 0) Assert.That(h.Rib.LocRibCount(), Is.EqualTo(h.Rib.LocRibScan()), $"after step {step}");
        }
        Assert.That(h.Rib.LocRibCount(), Is.EqualTo(h.Rib.LocRibScan()));
        Assert.That(h.Rib.LocRibCount(), Is.GreaterThan(0));
    }
}
