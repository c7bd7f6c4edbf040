using System.Net;
using Bgp.Actors.Config;
using Bgp.Actors.Fsm;
using Bgp.Actors.Rib;
using Bgp.Actors.Typed;
using Bgp.Actors.Sessions;
using Bgp.Wire;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Rib;

/// <summary>max_prefixes (RFC 4486): what the RIB keeps from a peer over its limit, and who is told.</summary>
[TestFixture]
public sealed class PrefixLimitTests : AkkaTest
{
    private static readonly PrefixLimit[] ThreeV4 = [new(AfiSafi.Ipv4Unicast, 3)];

    [Test]
    public void Routes_past_the_limit_are_not_stored_or_advertised_and_the_peer_is_marked()
    {
        var h = new RibHarness();
        var a = h.Up("10.0.0.1", 65001, PeerRole.RouteServerClient, maxPrefixes: ThreeV4);
        h.Up("10.0.0.9", 65009, PeerRole.RouteServerClient);
        for (int i = 0; i < 5; i++) h.Announce("10.0.0.1", $"203.0.{i}.0/24", "198.18.0.1", RibHarness.Path(65001));
        Assert.That(a.LimitExceeded, Is.EqualTo((AfiSafi.Ipv4Unicast, 3u)));
        Assert.That(h.Rib.Received(IPAddress.Parse("10.0.0.1")), Has.Count.EqualTo(3));
        Assert.That(h.Drain("10.0.0.9").Holds, Has.Count.EqualTo(3));
        Assert.That(h.Rib.PrefixCount(AfiSafi.Ipv4Unicast), Is.EqualTo(3), "nothing kept for the refused prefixes");

        // a new version of a route already held is not a new route; other families have their own count
        h.Announce("10.0.0.1", "203.0.0.0/24", "198.18.0.1", RibHarness.Path(65001, 65100));
        Assert.That(h.Holds("10.0.0.9", "203.0.0.0/24")!.AsPath.ToString(), Does.EndWith("65001 65100"));
        h.Announce("10.0.0.1", "2001:db8:1::/48", "2001:db8::1", RibHarness.Path(65001));
        Assert.That(h.Rib.Received(IPAddress.Parse("10.0.0.1"), AfiSafi.Ipv6Unicast), Has.Count.EqualTo(1));

        // a withdrawal makes room again
        h.Withdraw("10.0.0.1", "203.0.1.0/24");
        h.Announce("10.0.0.1", "203.0.7.0/24", "198.18.0.1", RibHarness.Path(65001));
        Assert.That(h.Rib.Received(IPAddress.Parse("10.0.0.1"), AfiSafi.Ipv4Unicast).Select(r => r.Nlri.Prefix.ToString()),
            Is.EquivalentTo(new[] { "203.0.0.0/24", "203.0.2.0/24", "203.0.7.0/24" }));
    }

    [Test]
    public void A_limit_lowered_below_what_the_peer_already_sent_counts_as_exceeded_at_once()
    {
        var h = new RibHarness();
        var a = h.Up("10.0.0.1", 65001, PeerRole.RouteServerClient);
        for (int i = 0; i < 5; i++) h.Announce("10.0.0.1", $"203.0.{i}.0/24", "198.18.0.1", RibHarness.Path(65001));
        Assert.That(a.LimitExceeded, Is.Null);
        h.Rib.SetLimits(IPAddress.Parse("10.0.0.1"), new EquatableArray<PrefixLimit>([new(AfiSafi.Ipv4Unicast, 10)]));
        Assert.That(a.LimitExceeded, Is.Null);
        h.Rib.SetLimits(IPAddress.Parse("10.0.0.1"), new EquatableArray<PrefixLimit>(ThreeV4));
        Assert.That(a.LimitExceeded, Is.EqualTo((AfiSafi.Ipv4Unicast, 3u)));
    }

    [Test]
    public async Task The_rib_actor_tells_the_session_once_with_the_family_limit_and_session_id()
    {
        var rib = Sys.Spawn<RibCommand>(RibActor.Props(new RibSettings(RibHarness.LocalAs, RibHarness.RouterId, RibHarness.RouterId)), "rib");
        var session = CreateProbe<SessionCommand>("session");
        var peer = IPAddress.Parse("10.0.0.1");
        var negotiated = new NegotiatedSession
        {
            PeerAs = 65001, PeerBgpId = 1, HoldTime = TimeSpan.FromSeconds(90), KeepaliveTime = TimeSpan.FromSeconds(30),
            Families = new FamilySet(AfiSafi.Ipv4Unicast), Codec = CodecContext.Default, RouteRefresh = true, EnhancedRouteRefresh = false,
            PeerOpen = Tests.Fsm.FsmFixtures.Open(65001, 1),
        };
        var info = new RibPeerInfo(peer, 65001, RibHarness.LocalAs, 1, PeerRole.RouteServerClient, IPAddress.Parse("192.0.2.1"),
            new FamilySet(AfiSafi.Ipv4Unicast), CodecContext.Default) { MaxPrefixes = new EquatableArray<PrefixLimit>(ThreeV4), SessionId = 7 };
        rib.Tell(new RibCommand.PeerUp(peer, negotiated, info, session));
        for (int round = 0; round < 2; round++)
        {
            var update = new UpdateMessage(default,
                new EquatableArray<PathAttribute>([OriginAttribute.Igp, RibHarness.Path(65001), new NextHopAttribute(IpAddr.Parse("198.18.0.1"))]),
                new EquatableArray<Nlri>([.. Enumerable.Range(0, 4).Select(i => new Nlri(Prefix.V4(0x0A000000u + ((uint)(round * 4 + i) << 8), 24)))]));
            rib.Tell(new RibCommand.UpdateReceived(peer, update));
        }
        var told = await session.FishAsync<SessionCommand.PrefixLimitExceeded>(wait: TimeSpan.FromSeconds(5));
        Assert.That(told, Is.EqualTo(new SessionCommand.PrefixLimitExceeded(AfiSafi.Ipv4Unicast, 3, 7)));
        var summary = await rib.AskAsync<RibCommand, RibSummary>(r => new RibCommand.GetSummary(r), TimeSpan.FromSeconds(5));
        Assert.That(summary.Peers[peer].Total, Is.EqualTo(3));
        // whatever else reaches the session within 200 ms: no second report
        var later = session.TestProbe.ReceiveWhile<object>(TimeSpan.FromMilliseconds(200), m => m);
        int again = later.Count(m => m is SessionCommand.PrefixLimitExceeded);
        Assert.That(again, Is.Zero, "told once, not once per UPDATE");
    }
}
