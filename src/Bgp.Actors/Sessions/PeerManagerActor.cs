using System.Net;
using System.Net.Sockets;
using Bgp.Actors.Config;
using Bgp.Actors.Events;
using Bgp.Actors.Policy;
using Akka.Actor;
using Bgp.Actors.Rib;
using Bgp.Actors.Typed;
using Bgp.Wire;
using Microsoft.Extensions.Logging;

namespace Bgp.Actors.Sessions;

/// <summary>
/// Owns the set of configured peers: one <see cref="PeerSessionActor"/> child per neighbor, named
/// by its address, supervised one-for-one so a failing session restarts alone. Receives peer
/// mutations (API, reload), accepted sockets from the <see cref="BgpListener"/>, and status
/// queries. Hands an accepted socket to the session of the peer it comes from; a connection from
/// an address that is not a configured neighbor is closed with a log line saying how to add it.
/// Handlers that wait (a session closing, a reload) run with Akka's <c>ReceiveAsync</c>: the
/// manager takes its next message only when the current one is done, so changes apply in order.
/// </summary>
public sealed class PeerManagerActor : ReceiveActor
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A failing session restarts alone (its counters live here, so it keeps its history); more
    /// than <see cref="MaxRestarts"/> restarts within a minute stop it. The restarted session waits
    /// a backoff before it dials (<see cref="PeerCounters.RestartBackoff"/>).
    /// </summary>
    public const int MaxRestarts = 10;

    private readonly ActorRef<RibCommand> rib;
    private readonly IBgpConnector connector;
    private readonly BgpListener? listener;
    private readonly EventHub? events;
    private ILogger _log = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    private TimeProvider _clock = TimeProvider.System;
    private int _generation;

    public PeerManagerActor(BgpConfig config, ActorRef<RibCommand> rib, IBgpConnector connector, BgpListener? listener,
        Func<NeighborConfig, GlobalConfig, PeerSessionSettings>? settingsFactory = null, EventHub? events = null)
    {
        _config = config;
        this.rib = rib;
        this.connector = connector;
        this.listener = listener;
        this.events = events;
        _settingsFactory = settingsFactory ?? ((n, g) => new PeerSessionSettings(n, g));
        ReceiveAsync<ManagerCommand>(OnReceiveAsync);
    }

    public static Props Props(BgpConfig config, ActorRef<RibCommand> rib, IBgpConnector connector, BgpListener? listener,
        Func<NeighborConfig, GlobalConfig, PeerSessionSettings>? settingsFactory = null, EventHub? events = null) =>
        Akka.Actor.Props.Create(() => new PeerManagerActor(config, rib, connector, listener, settingsFactory, events));

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(MaxRestarts, TimeSpan.FromMinutes(1), _ => Directive.Restart);

    private readonly Dictionary<IPAddress, Peer> _peers = [];
    private readonly Func<NeighborConfig, GlobalConfig, PeerSessionSettings> _settingsFactory;
    private BgpConfig _config;
    private RoutingPolicy _policy = RoutingPolicy.Empty;

    /// <summary>Counters live here, not in the session, so a restarted session keeps its history.</summary>
    private sealed record Peer(NeighborConfig Neighbor, ActorRef<SessionCommand> Session, PeerCounters Counters);

    /// <summary>Children of a crashed manager instance are gone with it; the new instance spawns them anew.</summary>
    protected override void PreStart()
    {
        _log = Context.LoggerFactory().CreateLogger("Bgp.Actors.Peers");
        _clock = ActorServices.Of(Context.System).Clock;
        _peers.Clear();
        PublishPolicy();
        foreach (var neighbor in _config.Neighbors) Spawn(neighbor);
        var self = Self;
        listener?.Start(socket =>
        {
            self.Tell(new ManagerCommand.Accepted(socket));
            return ValueTask.CompletedTask;
        });
        _log.LogInformation("peer manager: {Count} neighbors configured, AS{Asn}, router id {RouterId}",
            _peers.Count, _config.Global.Asn, _config.Global.RouterId);
    }

    /// <summary>
    /// Compiles the configuration's policy and hands it to the RIB, which re-evaluates the routes
    /// whose chains changed. Chains that did not change keep their compiled instance (and the
    /// RIB's memoised results).
    /// </summary>
    private void PublishPolicy(BgpConfig? source = null)
    {
        _policy = RoutingPolicy.Compile(source ?? _config, _policy);
        rib.Tell(new RibCommand.SetPolicy(_policy));
    }

    private async Task OnReceiveAsync(ManagerCommand message)
    {
        switch (message)
        {
            case ManagerCommand.InjectFault fault:
                if (_peers.TryGetValue(fault.Address, out var faulty)) faulty.Session.Tell(new SessionCommand.InjectFault(fault.Why));
                break;
            case ManagerCommand.Accepted accepted:
                Accept(accepted.Socket);
                break;
            case ManagerCommand.AddPeer add:
                var added = Add(add.Neighbor);
                if (added.Ok) PublishPolicy();
                add.Reply.Complete(added);
                break;
            case ManagerCommand.RemovePeer remove:
                remove.Reply.Complete(await RemoveAsync(remove.Address, CeaseSubcode.PeerDeconfigured));
                break;
            case ManagerCommand.EnablePeer enable:
                if (_peers.TryGetValue(enable.Address, out var toEnable))
                {
                    var enabled = new Reply<bool>();
                    // the change first: the session's own events are its effects and must come after it
                    Changed(enable.Address, "enabled");
                    toEnable.Session.Tell(new SessionCommand.Enable(enabled));
                    SetEnabled(toEnable, true);
                    _ = ReplyWhenActedAsync(enabled, enable.Reply, PeerChangeResult.Done($"neighbor {enable.Address} enabled"));
                }
                else enable.Reply.Complete(Unknown(enable.Address));
                break;
            case ManagerCommand.DisablePeer disable:
                if (_peers.TryGetValue(disable.Address, out var toDisable))
                {
                    var disabled = new Reply<bool>();
                    Changed(disable.Address, disable.ShutdownText is { Length: > 0 } text ? $"disabled: {text}" : "disabled");
                    toDisable.Session.Tell(new SessionCommand.Disable(NotificationMessage.Shutdown(disable.ShutdownText), disabled));
                    SetEnabled(toDisable, false);
                    _ = ReplyWhenActedAsync(disabled, disable.Reply, PeerChangeResult.Done($"neighbor {disable.Address} disabled"));
                }
                else disable.Reply.Complete(Unknown(disable.Address));
                break;
            case ManagerCommand.SoftResetPeer reset:
                if (_peers.TryGetValue(reset.Address, out var toReset)) _ = ForwardAsync(toReset, reset);
                else reset.Reply.Complete(new RouteRefreshResult([], $"no neighbor {reset.Address} is configured"));
                break;
            case ManagerCommand.ListPeers list:
                // from what the sessions published: a session busy with a full table is not asked
                list.Reply.Complete([.. _peers.Values.Select(Status)]);
                break;
            case ManagerCommand.GetPeer get:
                get.Reply.Complete(_peers.TryGetValue(get.Address, out var peer) ? Status(peer) : null);
                break;
            case ManagerCommand.ApplyConfig apply:
                apply.Reply.Complete(await ApplyAsync(apply.Next));
                break;
            case ManagerCommand.ShutdownAll shutdown:
                var acted = new List<Task>();
                foreach (var p in _peers.Values)
                {
                    var done = new Reply<bool>();
                    p.Session.Tell(new SessionCommand.Disable(NotificationMessage.Shutdown(shutdown.ShutdownText), done));
                    acted.Add(done.Task);
                }
                // answered once every session has sent its Cease (or the ask timeout passed)
                int count = _peers.Count;
                _ = Task.WhenAll(acted).WaitAsync(AskTimeout)
                    .ContinueWith(_ => shutdown.Reply.Complete(count), TaskScheduler.Default);
                break;
        }
    }

    /// <summary>
    /// Records an enable or disable commanded at run time as the neighbor's <c>enabled</c>, so a configuration
    /// that says the same (the API persists it) is no change, and one that does not is applied.
    /// </summary>
    private void SetEnabled(Peer peer, bool enabled)
    {
        if (peer.Neighbor.Enabled == enabled) return;
        var neighbor = peer.Neighbor with { Enabled = enabled };
        _peers[neighbor.Address] = peer with { Neighbor = neighbor };
        _config = _config with
        {
            Neighbors = new EquatableArray<NeighborConfig>([.. _config.Neighbors.Select(n => n.Address.Equals(neighbor.Address) ? neighbor : n)]),
        };
    }

    private void Changed(IPAddress address, string change) =>
        events?.Publish(new NeighborChangeEvent(_clock.GetUtcNow(), address, change));

    private PeerChangeResult Unknown(IPAddress address) => PeerChangeResult.Refused($"no neighbor {address} is configured");

    private void Spawn(NeighborConfig neighbor, PeerCounters? counters = null, PeerSessionSettings? prepared = null)
    {
        counters ??= new PeerCounters();
        // published before the session exists: Akka creates the actor later, and AddNeighbor's answer reads this
        counters.Enabled = neighbor.Enabled;
        var settings = prepared ?? _settingsFactory(neighbor, _config.Global);
        // a reset neighbor's new session gets a fresh name: the old one may not be gone from the tree yet
        string name = ++_generation == 1 ? neighbor.Address.ToString() : $"{neighbor.Address}-{_generation}";
        var session = Context.Spawn<SessionCommand>(PeerSessionActor.Props(settings, rib, connector, counters, neighbor.Enabled, events), name);
        if (neighbor.Md5Password is { } key) listener?.SetMd5Key(neighbor.Address, key);
        _peers[neighbor.Address] = new Peer(neighbor, session, counters);
    }

    private PeerChangeResult Add(NeighborConfig neighbor, PeerSessionSettings? prepared = null)
    {
        if (_peers.ContainsKey(neighbor.Address)) return PeerChangeResult.Refused($"neighbor {neighbor.Address} already exists");
        _log.LogInformation("neighbor {Peer} AS{RemoteAs} added", neighbor.Address, neighbor.RemoteAsn);
        Changed(neighbor.Address, $"added (AS{neighbor.RemoteAsn})");
        Spawn(neighbor, prepared: prepared);
        _config = _config with { Neighbors = new EquatableArray<NeighborConfig>([.. _config.Neighbors, neighbor]) };
        return PeerChangeResult.Done($"neighbor {neighbor.Address} added");
    }

    private async Task<PeerChangeResult> RemoveAsync(IPAddress address, CeaseSubcode why)
    {
        if (!_peers.Remove(address, out var peer)) return Unknown(address);
        if (why == CeaseSubcode.PeerDeconfigured) Changed(address, "removed");
        var acted = new Reply<bool>();
        peer.Session.Tell(new SessionCommand.Disable(new NotificationMessage(NotificationCode.Cease, (byte)why), acted));
        try
        {
            // answered once the Cease is written and the connection closed: stopping cannot overtake it
            await acted.Task.WaitAsync(AskTimeout);
        }
        catch (TimeoutException)
        {
            _log.LogWarning("neighbor {Peer}: session did not acknowledge the Cease; stopping it anyway", address);
        }
        try
        {
            await peer.Session.Untyped.GracefulStop(AskTimeout);
        }
        catch (TaskCanceledException)
        {
            _log.LogWarning("neighbor {Peer}: session did not stop within {Timeout}", address, AskTimeout);
        }
        if (peer.Neighbor.Md5Password is not null) listener?.SetMd5Key(address, null);
        _config = _config with { Neighbors = new EquatableArray<NeighborConfig>([.. _config.Neighbors.Where(n => !n.Address.Equals(address))]) };
        _log.LogInformation("neighbor {Peer} removed", address);
        return PeerChangeResult.Done($"neighbor {address} removed");
    }

    /// <summary>
    /// Reload: neighbors added and removed; a neighbor whose change needs a new OPEN is bounced
    /// with Cease/Other Configuration Change (RFC 4486); other neighbor changes apply in place.
    /// Global changes that need a restart are reported and left alone.
    /// </summary>
    private async Task<ConfigApplied> ApplyAsync(BgpConfig next)
    {
        var diff = ConfigDiff.Compute(_config, next);
        var withPolicy = _config with
        {
            Policy = next.Policy,
            Global = _config.Global with { ImportPolicy = next.Global.ImportPolicy, ExportPolicy = next.Global.ExportPolicy },
        };

        // Everything that can fail, before anything changes: the compiled policy and the settings of every neighbor that
        // is new or changed. One failure and nothing of this configuration is applied.
        RoutingPolicy policy;
        var prepared = new Dictionary<IPAddress, PeerSessionSettings>();
        string part = "the policy";
        try
        {
            policy = RoutingPolicy.Compile(withPolicy with { Neighbors = next.Neighbors }, _policy);
            foreach (var neighbor in next.Neighbors)
            {
                if (_peers.TryGetValue(neighbor.Address, out var current) && current.Neighbor == neighbor) continue;
                part = $"neighbor {neighbor.Address}";
                prepared[neighbor.Address] = _settingsFactory(neighbor, withPolicy.Global);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogError("reload refused, nothing applied: {Part}: {Error}", part, e.Message);
            return new ConfigApplied(null, $"{part}: {e.Message}");
        }

        // policy first, so sessions that come up after this already get the new chains
        _config = withPolicy;
        _policy = policy;
        rib.Tell(new RibCommand.SetPolicy(_policy));
        var nextByAddress = next.Neighbors.ToDictionary(n => n.Address);
        foreach (var address in _peers.Keys.ToList())
            if (!nextByAddress.ContainsKey(address)) await RemoveAsync(address, CeaseSubcode.PeerDeconfigured);
        foreach (var neighbor in next.Neighbors.ToList())
        {
            if (!_peers.TryGetValue(neighbor.Address, out var existing))
            {
                Add(neighbor, prepared[neighbor.Address]);
                continue;
            }
            if (existing.Neighbor == neighbor) continue;
            string path = $"neighbors[{neighbor.Address}]";
            bool resets = diff.Changes.Any(c => c.ResetsSession && c.Path.StartsWith(path, StringComparison.Ordinal));
            if (resets)
            {
                Changed(neighbor.Address, "reset: changed settings need a new OPEN");
                await RemoveAsync(neighbor.Address, CeaseSubcode.OtherConfigurationChange);
                Spawn(neighbor, existing.Counters, prepared[neighbor.Address]);
                _log.LogInformation("neighbor {Peer}: changed settings need a new OPEN; session reset", neighbor.Address);
            }
            else
            {
                existing.Session.Tell(new SessionCommand.Reconfigure(prepared[neighbor.Address]));
                _peers[neighbor.Address] = existing with { Neighbor = neighbor };
                if (existing.Neighbor.Enabled != neighbor.Enabled)
                {
                    Changed(neighbor.Address, neighbor.Enabled ? "enabled" : "disabled");
                    existing.Session.Tell(neighbor.Enabled
                        ? new SessionCommand.Enable()
                        : new SessionCommand.Disable(NotificationMessage.Shutdown(null)));
                }
            }
        }
        // neighbors, peer groups and policy are now what the file says; the rest of [global] stays until a restart
        _config = _config with { Neighbors = next.Neighbors, PeerGroups = next.PeerGroups };
        if (diff.RequiresRestart)
            _log.LogWarning("reload: {Count} changes need a restart and were not applied: {Changes}",
                diff.Changes.Count(c => c.Class == ChangeClass.RestartRequired),
                string.Join(", ", diff.Changes.Where(c => c.Class == ChangeClass.RestartRequired).Select(c => c.Path)));
        return new ConfigApplied(diff, null);
    }

    private void Accept(Socket socket)
    {
        var remote = BgpTransport.Normalize((IPEndPoint)socket.RemoteEndPoint!);
        if (!_peers.TryGetValue(remote.Address, out var peer))
        {
            _log.LogWarning(
                "connection from {Remote} refused: {Address} is not a configured neighbor; to peer with it add a [[neighbors]] entry with address = \"{Address}\" and remote_asn, then reload (SIGHUP)",
                remote, remote.Address, remote.Address);
            socket.Dispose();
            return;
        }
        try
        {
            if (peer.Neighbor.TtlSecurityHops is int hops) TcpSocketOptions.SetTtlSecurity(socket, hops);
            else TcpSocketOptions.SetTtl(socket, 64);
        }
        catch (SocketException ex)
        {
            _log.LogWarning("peer {Peer}: cannot set TTL options on the accepted socket: {Error}", remote.Address, ex.Message);
        }
        peer.Session.Tell(new SessionCommand.Incoming(BgpTransport.FromSocket(socket)));
    }

    private static async Task ForwardAsync(Peer peer, ManagerCommand.SoftResetPeer reset)
    {
        try
        {
            reset.Reply.Complete(await peer.Session.AskAsync<SessionCommand, RouteRefreshResult>(
                r => new SessionCommand.RequestRouteRefresh(reset.Family, r), AskTimeout));
        }
        catch (Exception ex)
        {
            reset.Reply.Fail(ex);
        }
    }

    /// <summary>
    /// Answers an enable/disable once the session has acted on it (so a status read next shows it),
    /// without holding up the manager; a session too busy to act within the ask timeout still gets
    /// the command, and the answer says it is queued.
    /// </summary>
    private static async Task ReplyWhenActedAsync(Reply<bool> acted, Reply<PeerChangeResult> reply, PeerChangeResult done)
    {
        try
        {
            await acted.Task.WaitAsync(AskTimeout).ConfigureAwait(false);
            reply.Complete(done);
        }
        catch (TimeoutException)
        {
            reply.Complete(done with { Message = done.Message + " (queued: the session has not acted on it yet)" });
        }
    }

    private PeerStatus Status(Peer peer) => PeerStatus.From(peer.Neighbor, peer.Counters, _clock.GetUtcNow());
}
