using Bgp.Actors.Fsm;
using Bgp.Actors.Typed;

namespace Bgp.Actors.Sessions;

/// <summary>Everything a <see cref="PeerSessionActor"/> accepts.</summary>
public abstract record SessionCommand
{
    private protected SessionCommand() { }

    /// <summary>Administratively enable the session (ManualStart, passive when configured).</summary>
    public sealed record Enable(Reply<bool>? Acted = null) : SessionCommand;

    /// <summary>Administratively disable it: Cease with this NOTIFICATION (default: Administrative Shutdown).</summary>
    public sealed record Disable(Wire.NotificationMessage? Notification = null, Reply<bool>? Acted = null) : SessionCommand;

    /// <summary>A connection the peer opened to one of our listeners (already checked to be this peer's).</summary>
    public sealed record Incoming(BgpTransport Transport) : SessionCommand;

    /// <summary>New settings that need no new OPEN (description, limits): applied without a reset.</summary>
    public sealed record Reconfigure(PeerSessionSettings Settings) : SessionCommand;

    /// <summary>A snapshot of state, negotiation and counters.</summary>
    public sealed record GetStatus(Reply<PeerStatus> Reply) : SessionCommand, IQueryMessage;

    /// <summary>Routes from the RIB to encode and send; acknowledged with <see cref="Rib.RibCommand.BatchSent"/>.</summary>
    public sealed record SendRoutes(Rib.OutboundBatch Batch) : SessionCommand;

    /// <summary>
    /// Soft reset in: asks the peer to send its routes again (ROUTE-REFRESH, RFC 2918) for one family,
    /// or every negotiated family when null. Replies with the families asked, or the reason it could not.
    /// </summary>
    public sealed record RequestRouteRefresh(Wire.AfiSafi? Family, Reply<RouteRefreshResult> Reply) : SessionCommand;

    /// <summary>
    /// From the RIB: the peer sent more routes of a family than <c>max_prefixes</c> allows (RFC 4486).
    /// <paramref name="SessionId"/> is the <see cref="Rib.RibPeerInfo.SessionId"/> of the session that sent them.
    /// </summary>
    public sealed record PrefixLimitExceeded(Wire.AfiSafi Family, uint Limit, long SessionId) : SessionCommand;

    internal sealed record Connected(int SlotId, BgpTransport Transport) : SessionCommand;
    internal sealed record ConnectFailed(int SlotId, string Reason) : SessionCommand;
    /// <summary>A connection's inbound stream has started; acknowledged at once with <see cref="InboundAck"/>.</summary>
    internal sealed record InboundStarted(int ConnectionId) : SessionCommand;

    /// <summary>
    /// Frames a connection read while the session was busy, in order. Acknowledged to the stream
    /// (<see cref="InboundAck"/>) once handled, unless the RIB's window for this peer is full; the
    /// stream reads nothing more until then.
    /// </summary>
    internal sealed record Inbound(int ConnectionId, List<InboundFrame> Frames) : SessionCommand;

    /// <summary>The inbound stream ended (peer closed, read error); not sent after our own close.</summary>
    internal sealed record Closed(int ConnectionId, string Reason) : SessionCommand;

    /// <summary>The RIB has applied this much of the work the session handed it (<see cref="Rib.RibCommand.UpdatesReceived"/>).</summary>
    public sealed record RibApplied(long Work) : SessionCommand;

    /// <summary>What the session answers a connection's inbound stream with: send the next batch.</summary>
    internal sealed class InboundAck
    {
        public static readonly InboundAck Instance = new();
        private InboundAck() { }
    }
    internal sealed record TimerFired(int SlotId, TimerKind Timer) : SessionCommand;

    /// <summary>Test hook: makes the handler throw, to exercise supervision.</summary>
    internal sealed record InjectFault(string Why) : SessionCommand;
}

/// <summary>What a <see cref="SessionCommand.RequestRouteRefresh"/> did: the families asked for, or why none.</summary>
public sealed record RouteRefreshResult(IReadOnlyList<Wire.AfiSafi> Families, string? Error)
{
    public bool Success => Error is null;
}

/// <summary>
/// Counters of one peer; they survive session restarts (the manager owns the object). The session
/// is the only writer; the manager reads them (and the published state below) to answer status
/// queries without waiting for a session that is busy pushing a full table into the RIB. A reader
/// may see counters a few messages old, never torn values (aligned 64-bit fields).
/// </summary>
public sealed class PeerCounters
{
    /// <summary>The session's state as last published (after every FSM step and admin change).</summary>
    public volatile SessionState State = SessionState.Idle;
    public volatile bool Enabled;
    public volatile NegotiatedSession? Negotiated;
    public volatile string? FsmError;

    public long[] MessagesIn { get; } = new long[6];
    public long[] MessagesOut { get; } = new long[6];
    public long PrefixesAnnouncedIn { get; set; }
    public long PrefixesWithdrawnIn { get; set; }
    public long PrefixesAnnouncedOut { get; set; }
    public long PrefixesWithdrawnOut { get; set; }
    public long TreatAsWithdrawIn { get; set; }
    public long NotificationsIn { get; set; }
    public long NotificationsOut { get; set; }
    public long EstablishedTransitions { get; set; }
    public long Flaps { get; set; }
    public DateTimeOffset? EstablishedSince { get; set; }
    public DateTimeOffset LastStateChange { get; set; }
    public string? LastError { get; set; }
    public string? LastNotificationIn { get; set; }
    public string? LastNotificationOut { get; set; }

    private readonly Queue<DateTimeOffset> _restarts = new();

    /// <summary>
    /// Counts a restart of the session after a failure and returns how long the new instance waits
    /// before it starts: 100 ms for the first within a minute, doubling per further one, at most 10 s.
    /// </summary>
    public TimeSpan RestartBackoff(DateTimeOffset now)
    {
        while (_restarts.Count > 0 && now - _restarts.Peek() > TimeSpan.FromMinutes(1)) _restarts.Dequeue();
        _restarts.Enqueue(now);
        double ms = 100 * Math.Pow(2, Math.Min(_restarts.Count - 1, 10));
        return TimeSpan.FromMilliseconds(Math.Min(ms, 10_000));
    }

    public void CountIn(Wire.MessageType type)
    {
        if ((int)type < MessagesIn.Length) MessagesIn[(int)type]++;
    }

    public void CountOut(Wire.MessageType type)
    {
        if ((int)type < MessagesOut.Length) MessagesOut[(int)type]++;
    }
}

/// <summary>What <see cref="SessionCommand.GetStatus"/> answers: an immutable copy.</summary>
public sealed record PeerStatus(
    System.Net.IPAddress Address,
    uint RemoteAs,
    string? Description,
    bool Enabled,
    SessionState State,
    TimeSpan? Uptime,
    NegotiatedSession? Negotiated,
    long UpdatesIn,
    long UpdatesOut,
    long KeepalivesIn,
    long KeepalivesOut,
    long OpensIn,
    long OpensOut,
    long NotificationsIn,
    long NotificationsOut,
    long RouteRefreshIn,
    long PrefixesAnnouncedIn,
    long PrefixesWithdrawnIn,
    long TreatAsWithdrawIn,
    long EstablishedTransitions,
    long Flaps,
    string? LastError,
    string? LastNotificationIn,
    string? LastNotificationOut)
{
    public long PrefixesAnnouncedOut { get; init; }
    public long PrefixesWithdrawnOut { get; init; }
    public long RouteRefreshOut { get; init; }

    /// <summary>When the session reached Established (the session's clock), null unless Established; <see cref="Uptime"/> is now minus this.</summary>
    public DateTimeOffset? EstablishedSince { get; init; }

    /// <summary>A copy of what a session published in its counters.</summary>
    public static PeerStatus From(Config.NeighborConfig neighbor, PeerCounters c, DateTimeOffset now) =>
        new(neighbor.Address, neighbor.RemoteAsn, neighbor.Description, c.Enabled, c.State,
            c.EstablishedSince is { } since ? now - since : null,
            c.Negotiated,
            c.MessagesIn[(int)Wire.MessageType.Update], c.MessagesOut[(int)Wire.MessageType.Update],
            c.MessagesIn[(int)Wire.MessageType.Keepalive], c.MessagesOut[(int)Wire.MessageType.Keepalive],
            c.MessagesIn[(int)Wire.MessageType.Open], c.MessagesOut[(int)Wire.MessageType.Open],
            c.NotificationsIn, c.NotificationsOut, c.MessagesIn[(int)Wire.MessageType.RouteRefresh],
            c.PrefixesAnnouncedIn, c.PrefixesWithdrawnIn, c.TreatAsWithdrawIn,
            c.EstablishedTransitions, c.Flaps, c.FsmError ?? c.LastError, c.LastNotificationIn, c.LastNotificationOut)
        {
            PrefixesAnnouncedOut = c.PrefixesAnnouncedOut,
            PrefixesWithdrawnOut = c.PrefixesWithdrawnOut,
            RouteRefreshOut = c.MessagesOut[(int)Wire.MessageType.RouteRefresh],
            EstablishedSince = c.EstablishedSince,
        };
}
