using Bgp.TestKit;
using Grpc.Core;
using Bgp.Api.V1;
using Bgp.Wire;
using NUnit.Framework;
using AsPath = Bgp.Wire.AsPath;
using Origin = Bgp.Wire.Origin;
using PathAttribute = Bgp.Wire.PathAttribute;
using SessionState = Bgp.Api.V1.SessionState;

namespace Bgp.Host.Tests;

/// <summary>The watch streams of a running daemon: best-route changes and session, NOTIFICATION and neighbor events.</summary>
public partial class DaemonApiTests
{
    private static UpdateMessage Announce(string prefix) => new(
        default,
        new EquatableArray<PathAttribute>([
            new OriginAttribute(Origin.Igp),
            new AsPathAttribute(AsPath.FromSequence(65007, 65100)),
            new NextHopAttribute(IpAddr.Parse("127.10.0.7")),
        ]),
        new EquatableArray<Nlri>([new Nlri(Prefix.Parse(prefix))]));

    private static async Task<Event> NextAsync(IAsyncEnumerator<Event> stream, Func<Event, bool> wanted, string what)
    {
        for (int i = 0; i < 100; i++)
        {
            // bounded by the stream's own deadline: a pending MoveNextAsync must not be abandoned
            if (!await stream.MoveNextAsync()) break;
            if (wanted(stream.Current)) return stream.Current;
        }
        throw new AssertionException($"the stream ended or went on without {what}");
    }

    [Test]
    public async Task Route_and_session_watches_see_the_table_then_every_change_and_the_history_keeps_the_session_events()
    {
        var listener = _scripted.Listen("127.10.0.7");
        using var daemon = await StartAsync(DaemonConfig.DialedNeighbor("127.10.0.7", 65007, Us));
        await _api!.Unary(_api.Injection.AddPathAsync, new AddPathRequest { Prefix = "198.51.100.0/24", NextHop = "192.0.2.1" });

        using var stop = new CancellationTokenSource();
        var streamDeadline = DateTime.UtcNow.AddSeconds(60);
        await using var routes = ApiClients.ReadAll(_api!.Rib.WatchRoutes(new WatchRoutesRequest { Family = Family.Ipv4Unicast, IncludeCurrent = true },
            deadline: streamDeadline), stop.Token).GetAsyncEnumerator();
        await using var events = ApiClients.ReadAll(_api.Events.WatchEvents(new WatchEventsRequest { Neighbor = "127.10.0.7", IncludeHistory = true },
            deadline: streamDeadline), stop.Token).GetAsyncEnumerator();

        var current = await NextAsync(routes, _ => true, "the current table");
        Assert.That((current.Route.Prefix, current.Route.Current, current.Route.Best.PeerAddress), Is.EqualTo(("198.51.100.0/24", true, "")));
        var synced = await NextAsync(routes, _ => true, "the end of the current table");
        Assert.That(synced.Synced.Routes, Is.EqualTo(1ul));

        // the peer connects: the event stream sees it establish (live or, when the stream starts late, in
        // the history it starts with), the route stream its route
        var peer = await _scripted.AcceptAndHandshakeAsync(listener, 65007, 0x7F0A0007, AfiSafi.Ipv4Unicast);
        var up = await NextAsync(events, e => e.Session?.To == SessionState.Established, "Established");
        Assert.That((up.Session.Neighbor, up.Session.RemoteAs, up.Session.From), Is.EqualTo(("127.10.0.7", 65007u, SessionState.OpenConfirm)));
        await peer.SendAsync(Announce("203.0.113.0/24"));
        var learned = await NextAsync(routes, _ => true, "the peer's route");
        Assert.That((learned.Route.Prefix, learned.Route.Current, learned.Route.Best.PeerAddress), Is.EqualTo(("203.0.113.0/24", false, "127.10.0.7")));
        Assert.That(learned.Route.Best.Attributes.Single(a => a.AttributeCase == Bgp.Api.V1.PathAttribute.AttributeOneofCase.AsPath).AsPath.Segments[0].Asns,
            Is.EqualTo(new[] { 65007u, 65100u }));

        // disabled with a text: a neighbor event, the session going down, the NOTIFICATION with the text, the route gone
        await _api!.Unary(_api.Neighbors.DisableNeighborAsync, new DisableNeighborRequest { Address = "127.10.0.7", ShutdownText = "maintenance 42" });
        var disabled = await NextAsync(events, e => e.Neighbor is not null, "the neighbor event");
        Assert.That(disabled.Neighbor.Change, Is.EqualTo("disabled: maintenance 42"));
        // the FSM's transition is published before the actions it takes, the NOTIFICATION among them
        var down = await NextAsync(events, e => e.Session?.From == SessionState.Established, "the session going down");
        Assert.That(down.Session.To, Is.EqualTo(SessionState.Idle));
        var notification = await NextAsync(events, e => e.Notification is not null, "the NOTIFICATION");
        Assert.That((notification.Notification.Sent, notification.Notification.Code, notification.Notification.Subcode,
            notification.Notification.ShutdownCommunication), Is.EqualTo((true, 6u, 2u, "maintenance 42")));
        var gone = await NextAsync(routes, _ => true, "the withdrawal");
        Assert.That((gone.Route.Prefix, gone.Route.Best), Is.EqualTo(("203.0.113.0/24", (Route?)null)));

        // the kept history: what happened to this neighbor, oldest first
        var history = await _api!.Unary(_api.Events.ListEventsAsync, new ListEventsRequest { Neighbor = "127.10.0.7", Kinds = { EventKind.Session } });
        var states = history.Events.Select(e => $"{e.Session.From}->{e.Session.To}").ToList();
        Assert.That(states, Does.Contain("OpenConfirm->Established").And.Contain("Established->Idle"));
        Assert.That(states.IndexOf("OpenConfirm->Established"), Is.LessThan(states.IndexOf("Established->Idle")));
        var routeHistory = Assert.ThrowsAsync<RpcException>(() => _api!.Unary(_api.Events.ListEventsAsync, new ListEventsRequest { Kinds = { EventKind.Route } }));
        Assert.That(routeHistory!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));

        await stop.CancelAsync();
        daemon.Signal("TERM");
        Assert.That(await daemon.WaitForExitAsync(Wait), Is.Zero);
    }
}
