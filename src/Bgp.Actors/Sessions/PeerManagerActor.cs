using System.Net;
using System.Net.Sockets;
using Bgp.Actors.Config;
using Bgp.Actors.Events;
using Bgp.Actors.Policy;
using Bgp.Actors.Rib;
using Bgp.Actors.Runtime;
using Bgp.Wire;
using Microsoft.Extensions.Logging;

namespace Bgp.Actors.Sessions;

/// <summary>
/// Owns the set of configured peers: one <see cref="PeerSessionActor"/> child per neighbor, named
/// by its address, supervised one-for-one so a failing session restarts alone. Receives peer
/// mutations (API, reload), accepted sockets from the <see cref="BgpListener"/>, and status
/// queries. Hands an accepted socket to the session of the peer it comes from; a connection from
/// an address that is not a configured neighbor is closed with a log line saying how to add it.
/// </summary>
public sealed class PeerManagerActor(
    BgpConfig config,
    ActorRef<RibCommand> rib,
    IBgpConnector connector,
    BgpListener? listener,
    Func<NeighborConfig, GlobalConfig, PeerSessionSettings>? settingsFactory = null,
    EventHub? events = null) : Actor<ManagerCommand>
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    private readonly Dictionary<IPAddress, Peer> _peers = [];
    private readonly Func<NeighborConfig, GlobalConfig, PeerSessionSettings> _settingsFactory =
        settingsFactory ?? ((n, g) => new PeerSessionSettings(n, g));
    private BgpConfig _config = config;
    private RoutingPolicy _policy = RoutingPolicy.Empty;

    /// <summary>Counters live here, not in the session, so a restarted session keeps its history.</summary>
    private sealed record Peer(NeighborConfig Neighbor, ActorRef<SessionCommand> Session, PeerCounters Counters);

    /// <summary>Children of a crashed manager instance are gone with it; the new instance spawns them anew.</summary>
    protected override async ValueTask OnStartAsync()
    {
        _peers.Clear();
        await PublishPolicyAsync();
        foreach (var neighbor in _config.Neighbors) Spawn(neighbor);
        listener?.Start(socket => Context.Self.TellAsync(new ManagerCommand.Accepted(socket)));
        Context.Log.LogInformation("peer manager: {Count} neighbors configured, AS{Asn}, router id {RouterId}",
            _peers.Count, _config.Global.Asn, _config.Global.RouterId);
    }

    /// <summary>
    /// Compiles the configuration's policy and hands it to the RIB, which re-evaluates the routes
    /// whose chains changed. Chains that did not change keep their compiled instance (and the
    /// RIB's memoised results).
    /// </summary>
    private async ValueTask PublishPolicyAsync(BgpConfig? source = null)
    {
        _policy = RoutingPolicy.Compile(source ?? _config, _policy);
        await rib.TellAsync(new RibCommand.SetPolicy(_policy));
    }

    protected override async ValueTask OnReceiveAsync(ManagerCommand message)
    {
        switch (message)
        {
            case ManagerCommand.InjectFault fault:
                if (_peers.TryGetValue(fault.Address, out var faulty)) await faulty.Session.TellAsync(new SessionCommand.InjectFault(fault.Why));
                break;
            case ManagerCommand.Accepted accepted:
                await AcceptAsync(accepted.Socket);
                break;
            case ManagerCommand.AddPeer add:
                var added = Add(add.Neighbor);
                if (added.Ok) await PublishPolicyAsync();
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
                    await toEnable.Session.TellAsync(new SessionCommand.Enable(enabled));
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
                    await toDisable.Session.TellAsync(new SessionCommand.Disable(NotificationMessage.Shutdown(disable.ShutdownText), disabled));
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
                    await p.Session.TellAsync(new SessionCommand.Disable(NotificationMessage.Shutdown(shutdown.ShutdownText), done));
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
        events?.Publish(new NeighborChangeEvent(Context.Time.GetUtcNow(), address, change));

    private PeerChangeResult Unknown(IPAddress address) => PeerChangeResult.Refused($"no neighbor {address} is configured");

    private void Spawn(NeighborConfig neighbor, PeerCounters? counters = null)
    {
        counters ??= new PeerCounters();
        var settings = _settingsFactory(neighbor, _config.Global);
        var session = Context.Spawn(neighbor.Address.ToString(),
            () => new PeerSessionActor(settings, rib, connector, counters, enabled: neighbor.Enabled, events: events),
            new ActorOptions { MailboxCapacity = 4096, QueryMailboxCapacity = 64 });
        if (neighbor.Md5Password is { } key) listener?.SetMd5Key(neighbor.Address, key);
        _peers[neighbor.Address] = new Peer(neighbor, session, counters);
    }

    private PeerChangeResult Add(NeighborConfig neighbor)
    {
        if (_peers.ContainsKey(neighbor.Address)) return PeerChangeResult.Refused($"neighbor {neighbor.Address} already exists");
        Context.Log.LogInformation("neighbor {Peer} AS{RemoteAs} added", neighbor.Address, neighbor.RemoteAsn);
        Changed(neighbor.Address, $"added (AS{neighbor.RemoteAsn})");
        Spawn(neighbor);
        _config = _config with { Neighbors = new EquatableArray<NeighborConfig>([.. _config.Neighbors, neighbor]) };
        return PeerChangeResult.Done($"neighbor {neighbor.Address} added");
    }

    private async Task<PeerChangeResult> RemoveAsync(IPAddress address, CeaseSubcode why)
    {
        if (!_peers.Remove(address, out var peer)) return Unknown(address);
        if (why == CeaseSubcode.PeerDeconfigured) Changed(address, "removed");
        await peer.Session.TellAsync(new SessionCommand.Disable(new NotificationMessage(NotificationCode.Cease, (byte)why)));
        try
        {
            // queued behind Disable: once answered, the Cease is on its way and stopping cannot overtake it
            await peer.Session.AskAsync<SessionCommand, PeerStatus>(r => new SessionCommand.GetStatus(r), AskTimeout);
        }
        catch (AskTimeoutException)
        {
            Context.Log.LogWarning("neighbor {Peer}: session did not acknowledge the Cease; stopping it anyway", address);
        }
        Context.Stop(peer.Session);
        await peer.Session.Completion.WaitAsync(AskTimeout);
        if (peer.Neighbor.Md5Password is not null) listener?.SetMd5Key(address, null);
        _config = _config with { Neighbors = new EquatableArray<NeighborConfig>([.. _config.Neighbors.Where(n => !n.Address.Equals(address))]) };
        Context.Log.LogInformation("neighbor {Peer} removed", address);
        return PeerChangeResult.Done($"neighbor {address} removed");
    }

    /// <summary>
    /// Reload: neighbors added and removed; a neighbor whose change needs a new OPEN is bounced
    /// with Cease/Other Configuration Change (RFC 4486); other neighbor changes apply in place.
    /// Global changes that need a restart are reported and left alone.
    /// </summary>
    private async Task<ConfigDiff> ApplyAsync(BgpConfig next)
    {
        var diff = ConfigDiff.Compute(_config, next);
        // policy first, so sessions that come up after this already get the new chains
        _config = _config with
        {
            Policy = next.Policy,
            Global = _config.Global with { ImportPolicy = next.Global.ImportPolicy, ExportPolicy = next.Global.ExportPolicy },
        };
        await PublishPolicyAsync(_config with { Neighbors = next.Neighbors });
        var nextByAddress = next.Neighbors.ToDictionary(n => n.Address);
        foreach (var address in _peers.Keys.ToList())
            if (!nextByAddress.ContainsKey(address)) await RemoveAsync(address, CeaseSubcode.PeerDeconfigured);
        foreach (var neighbor in next.Neighbors.ToList())
        {
            if (!_peers.TryGetValue(neighbor.Address, out var existing))
            {
                Add(neighbor);
                continue;
            }
            if (existing.Neighbor == neighbor) continue;
            string path = $"neighbors[{neighbor.Address}]";
            bool resets = diff.Changes.Any(c => c.ResetsSession && c.Path.StartsWith(path, StringComparison.Ordinal));
            if (resets)
            {
                Changed(neighbor.Address, "reset: changed settings need a new OPEN");
                await RemoveAsync(neighbor.Address, CeaseSubcode.OtherConfigurationChange);
                Spawn(neighbor, existing.Counters);
                Context.Log.LogInformation("neighbor {Peer}: changed settings need a new OPEN; session reset", neighbor.Address);
            }
            else
            {
                await existing.Session.TellAsync(new SessionCommand.Reconfigure(_settingsFactory(neighbor, _config.Global)));
                _peers[neighbor.Address] = existing with { Neighbor = neighbor };
                if (existing.Neighbor.Enabled != neighbor.Enabled)
                {
                    Changed(neighbor.Address, neighbor.Enabled ? "enabled" : "disabled");
                    await existing.Session.TellAsync(neighbor.Enabled
                        ? new SessionCommand.Enable()
                        : new SessionCommand.Disable(NotificationMessage.Shutdown(null)));
                }
            }
        }
        // neighbors, peer groups and policy are now what the file says; the rest of [global] stays until a restart
        _config = _config with { Neighbors = next.Neighbors, PeerGroups = next.PeerGroups };
        if (diff.RequiresRestart)
            Context.Log.LogWarning("reload: {Count} changes need a restart and were not applied: {Changes}",
                diff.Changes.Count(c => c.Class == ChangeClass.RestartRequired),
                string.Join(", ", diff.Changes.Where(c => c.Class == ChangeClass.RestartRequired).Select(c => c.Path)));
        return diff;
    }

    private async ValueTask AcceptAsync(Socket socket)
    {
        var remote = BgpTransport.Normalize((IPEndPoint)socket.RemoteEndPoint!);
        if (!_peers.TryGetValue(remote.Address, out var peer))
        {
            Context.Log.LogWarning(
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
            Context.Log.LogWarning("peer {Peer}: cannot set TTL options on the accepted socket: {Error}", remote.Address, ex.Message);
        }
        await peer.Session.TellAsync(new SessionCommand.Incoming(BgpTransport.FromSocket(socket)));
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

    private PeerStatus Status(Peer peer) => PeerStatus.From(peer.Neighbor, peer.Counters, Context.Time.GetUtcNow());
}
