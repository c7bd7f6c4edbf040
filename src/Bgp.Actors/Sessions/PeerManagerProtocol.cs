using System.Net;
using System.Net.Sockets;
using Bgp.Actors.Config;
using Bgp.Actors.Config.Persistence;
using Bgp.Actors.Typed;

namespace Bgp.Actors.Sessions;

/// <summary>Everything the <see cref="PeerManagerActor"/> accepts.</summary>
public abstract record ManagerCommand
{
    private protected ManagerCommand() { }

    public sealed record AddPeer(NeighborConfig Neighbor, Reply<PeerChangeResult> Reply) : ManagerCommand;
    public sealed record RemovePeer(IPAddress Address, Reply<PeerChangeResult> Reply) : ManagerCommand;
    public sealed record EnablePeer(IPAddress Address, Reply<PeerChangeResult> Reply) : ManagerCommand;

    /// <summary>Disable with an optional RFC 9003 shutdown communication.</summary>
    public sealed record DisablePeer(IPAddress Address, string? ShutdownText, Reply<PeerChangeResult> Reply) : ManagerCommand;

    /// <summary>Soft reset in: ROUTE-REFRESH to the neighbor (one family, or all when null).</summary>
    public sealed record SoftResetPeer(IPAddress Address, Wire.AfiSafi? Family, Reply<RouteRefreshResult> Reply) : ManagerCommand;

    public sealed record ListPeers(Reply<IReadOnlyList<PeerStatus>> Reply) : ManagerCommand;
    public sealed record GetPeer(IPAddress Address, Reply<PeerStatus?> Reply) : ManagerCommand;

    /// <summary>
    /// Reload: apply what can change at run time, report the rest (<see cref="ConfigDiff"/>); all or nothing: when a
    /// part cannot be applied (a neighbor's settings, the policy) nothing is, and the answer says why.
    /// </summary>
    public sealed record ApplyConfig(BgpConfig Next, Reply<ConfigApplied> Reply) : ManagerCommand
    {
        /// <summary>
        /// How long to wait for the answer: removing or resetting neighbors waits for each one's Cease to be written, so a
        /// large change takes a while, and a caller that gave up early would think nothing was applied while it was.
        /// </summary>
        public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

        /// <summary>The peer manager as the configuration store's <see cref="ConfigApplier"/> (SIGHUP and the API alike).</summary>
        public static ConfigApplier By(ActorRef<ManagerCommand> manager) => async next =>
            (await manager.AskAsync<ManagerCommand, ConfigApplied>(r => new ApplyConfig(next, r), Timeout).ConfigureAwait(false)).Error;
    }

    /// <summary>Daemon shutdown: Cease with this text to every peer, then reply.</summary>
    public sealed record ShutdownAll(string ShutdownText, Reply<int> Reply) : ManagerCommand;

    internal sealed record Accepted(Socket Socket) : ManagerCommand;

    /// <summary>Test hook: passes a fault to one session, to exercise supervision.</summary>
    internal sealed record InjectFault(IPAddress Address, string Why) : ManagerCommand;
}

/// <summary>The answer to a peer mutation: done, or why not (unknown peer, duplicate...).</summary>
public sealed record PeerChangeResult(bool Ok, string Message)
{
    public static PeerChangeResult Done(string message) => new(true, message);
    public static PeerChangeResult Refused(string message) => new(false, message);
}

/// <summary>What a reload did: the difference it applied, or why it applied nothing.</summary>
public sealed record ConfigApplied(ConfigDiff? Diff, string? Error)
{
    public bool Success => Error is null;
}
