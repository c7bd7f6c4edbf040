using System.Net;
using Bgp.Actors.Fsm;
using Bgp.Actors.Rib;
using Bgp.Wire;

namespace Bgp.Actors.Events;

/// <summary>Something that happened, for the event and route watch streams (the API) and the recent history.</summary>
public abstract record BgpEvent(DateTimeOffset Time)
{
    /// <summary>The neighbor it concerns; null for routes we originate.</summary>
    public abstract IPAddress? Peer { get; }
}

/// <summary>A session's FSM changed state; <see cref="Reason"/> is the FSM event, or why a session went down.</summary>
public sealed record SessionStateEvent(DateTimeOffset Time, IPAddress Address, uint RemoteAs, SessionState From, SessionState To, string Reason)
    : BgpEvent(Time)
{
    public override IPAddress? Peer => Address;
}

/// <summary>A NOTIFICATION sent to or received from a neighbor, decoded (names and the RFC 8203 shutdown communication).</summary>
public sealed record NotificationEvent(DateTimeOffset Time, IPAddress Address, uint RemoteAs, bool Sent, NotificationCode Code, byte Subcode,
    string Description, string? ShutdownCommunication) : BgpEvent(Time)
{
    public override IPAddress? Peer => Address;
}

/// <summary>A neighbor was added, removed, enabled or disabled (API or reload).</summary>
public sealed record NeighborChangeEvent(DateTimeOffset Time, IPAddress Address, string Change) : BgpEvent(Time)
{
    public override IPAddress? Peer => Address;
}

/// <summary>
/// The best route for a prefix changed: <see cref="Best"/> is the new best route, or null when no
/// route is left. <see cref="Current"/> marks the routes a watch with the current table starts with.
/// </summary>
public sealed record RouteEvent(DateTimeOffset Time, AfiSafi Family, Prefix Prefix, RibRoute? Best, bool Current = false) : BgpEvent(Time)
{
    public override IPAddress? Peer => Best is { PeerRole: not PeerRole.Local } best ? best.Peer : null;
}
