using Bgp.Actors.Fsm;
using Bgp.Wire;
using NUnit.Framework;
using BgpFsm = Bgp.Actors.Fsm.Fsm;

namespace Bgp.Actors.Tests.Fsm;

/// <summary>The setups the FSM tests share: our OPEN, the peer's, settings variants, and a driver that walks the FSM into a state.</summary>
internal static class FsmFixtures
{
    public const uint LocalAs = 65001;
    public const uint PeerAs = 65002;
    public const uint LocalId = 0x0A000001;   // 10.0.0.1
    public const uint PeerId = 0x0A000002;    // 10.0.0.2
    public const ulong Seed = 20260101;

    public static OpenMessage Open(uint asn, uint id, ushort hold = 90, params Capability[] extra) =>
        new(asn <= ushort.MaxValue ? (ushort)asn : OpenValidator.AsTrans, hold, id,
            [new MultiprotocolCapability(AfiSafi.Ipv4Unicast), new MultiprotocolCapability(AfiSafi.Ipv6Unicast),
             RouteRefreshCapability.Instance, new FourOctetAsCapability(asn), .. extra]);

    public static readonly OpenMessage LocalOpen = Open(LocalAs, LocalId);
    public static readonly OpenMessage PeerOpen = Open(PeerAs, PeerId);

    public static FsmSettings Settings(OpenMessage? local = null, uint expectedRemoteAs = PeerAs) =>
        new(local ?? LocalOpen, LocalAs, LocalId, expectedRemoteAs);

    public static readonly FsmSettings Default = Settings();
    public static readonly FsmSettings WithDelayOpen = Default with { DelayOpenTime = TimeSpan.FromSeconds(5) };
    public static readonly FsmSettings PassiveOnly = Default with { Passive = true };

    public static FsmTransition Step(FsmSettings settings, FsmState state, FsmEvent ev) => BgpFsm.Step(settings, state, ev);

    /// <summary>Feeds the events in order and returns the last transition.</summary>
    public static FsmTransition Run(FsmSettings settings, FsmState state, params FsmEvent[] events)
    {
        var t = new FsmTransition(state, []);
        foreach (var ev in events) t = BgpFsm.Step(settings, t.Next, ev);
        return t;
    }

    /// <summary>The events that take a fresh FSM to <paramref name="target"/> by the normal active path.</summary>
    public static FsmEvent[] PathTo(SessionState target) => target switch
    {
        SessionState.Idle => [],
        SessionState.Connect => [new ManualStart()],
        SessionState.Active => [new ManualStartWithPassiveTcpEstablishment()],
        SessionState.OpenSent => [new ManualStart(), new TcpCrAcked()],
        SessionState.OpenConfirm => [new ManualStart(), new TcpCrAcked(), new BgpOpen(PeerOpen)],
        SessionState.Established => [new ManualStart(), new TcpCrAcked(), new BgpOpen(PeerOpen), new KeepAliveMsg()],
        _ => throw new ArgumentOutOfRangeException(nameof(target)),
    };

    public static FsmState Drive(FsmSettings settings, SessionState target, ulong seed = Seed)
    {
        var next = Run(settings, FsmState.Initial(seed), PathTo(target)).Next;
        Assert.That(next.State, Is.EqualTo(target), "setup");
        return next;
    }

    public static IEnumerable<T> OfType<T>(this FsmTransition t) => t.Actions.OfType<T>();

    public static TimeSpan Timer(this FsmTransition t, TimerKind kind) =>
        t.OfType<StartTimer>().Single(s => s.Timer == kind).Duration;
}
