using Bgp.Actors.Fsm;
using Bgp.Wire;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using static Bgp.Actors.Fsm.SessionState;
using static Bgp.Actors.Tests.Fsm.FsmFixtures;

namespace Bgp.Actors.Tests.Fsm;

/// <summary>Invariants that hold for any sequence of events, whatever order the network delivers them in.</summary>
[TestFixture]
public sealed class FsmPropertyTests
{
    private const int Cases = 2000;

    private static readonly FsmSettings[] SettingsVariants =
    [
        Default, WithDelayOpen, PassiveOnly, Default with { AllowAutomaticStart = false },
        Default with { HoldTime = TimeSpan.Zero }, WithDelayOpen with { Passive = true },
    ];

    // Every event, with the ones on the way to Established repeated so random walks get there often.
    private static readonly FsmEvent[] Events =
    [
        .. FsmTransitionTableTests.AllEvents,
        new BgpOpen(Open(64999, PeerId)), new BgpOpen(Open(PeerAs, PeerId, hold: 0)), new BgpOpen(Open(PeerAs, 0)),
        new ManualStop(NotificationMessage.Shutdown("bye")),
        new ManualStart(), new TcpCrAcked(), new TcpConnectionConfirmed(), new BgpOpen(PeerOpen), new BgpOpen(PeerOpen),
        new KeepAliveMsg(), new KeepAliveMsg(), new UpdateMsg(), new IdleHoldTimerExpires(), new DelayOpenTimerExpires(),
    ];

    private static Gen<(FsmSettings Settings, ulong Seed, FsmEvent[] Events)> Walks =>
        from settings in Gen.Elements(SettingsVariants)
        from seed in Gen.Choose(0, int.MaxValue)
        from start in Gen.Elements(Idle, Connect, Active, OpenSent, OpenConfirm, Established)
        from length in Gen.Choose(0, 60)
        from tail in Gen.ArrayOf(Gen.Elements(Events), length)
        select (settings, (ulong)seed, (FsmEvent[])[.. PathTo(start), .. tail]);

    [Test]
    public void Any_sequence_of_events_keeps_the_RFC_4271_invariants()
    {
        int establishedCount = 0, downCount = 0;
        var config = FsCheck.Config.QuickThrowOnFailure.WithMaxTest(Cases)
            .WithReplay(new Replay(new Rnd(20260101UL, 0x9E3779B97F4A7C15UL), Microsoft.FSharp.Core.FSharpOption<int>.None));

        Prop.ForAll(Walks.ToArbitrary(), walk =>
        {
            var state = FsmState.Initial(walk.Seed);
            foreach (var ev in walk.Events)
            {
                var t = Bgp.Actors.Fsm.Fsm.Step(walk.Settings, state, ev);
                CheckStep(walk.Settings, state, ev, t);
                if (t.Next.State == Established && state.State != Established) establishedCount++;
                if (state.State == Established && t.Next.State != Established) downCount++;
                state = t.Next;
            }
        }).Check(config);

        Assert.That(establishedCount, Is.GreaterThan(Cases / 10), "the walks reach Established often enough to mean something");
        Assert.That(downCount, Is.GreaterThan(Cases / 20));
    }

    private static void CheckStep(FsmSettings settings, FsmState before, FsmEvent ev, FsmTransition t)
    {
        string Where() => $"{before.State} + {ev.GetType().Name} -> {t.Next.State}: [{string.Join(", ", t.Actions)}]";
        var actions = t.Actions.ToArray();

        foreach (var start in actions.OfType<StartTimer>())
            if (start.Duration <= TimeSpan.Zero) throw new AssertionException($"non-positive timer: {Where()}");

        bool entered = t.Next.State == Established && before.State != Established;
        if (entered && !(before.State == OpenConfirm && ev is KeepAliveMsg))
            throw new AssertionException($"Established entered other than from OpenConfirm on KEEPALIVE: {Where()}");
        if (entered != actions.OfType<SessionEstablished>().Any())
            throw new AssertionException($"SessionEstablished must come exactly with entering Established: {Where()}");

        bool left = before.State == Established && t.Next.State != Established;
        if (left != actions.OfType<SessionDown>().Any())
            throw new AssertionException($"SessionDown must come exactly with leaving Established: {Where()}");

        int drop = Array.FindIndex(actions, a => a is DropConnection);
        int down = Array.FindIndex(actions, a => a is SessionDown);
        int notify = Array.FindIndex(actions, a => a is SendNotification);
        if (left && (drop < 0 || down > drop)) throw new AssertionException($"SessionDown must precede DropConnection: {Where()}");
        if (notify >= 0 && drop >= 0 && notify > drop) throw new AssertionException($"NOTIFICATION after the drop: {Where()}");
        if (notify >= 0 && t.Next.State != Idle) throw new AssertionException($"a NOTIFICATION always ends the session: {Where()}");

        if (t.Next.State == Idle && before.State != Idle && drop < 0)
            throw new AssertionException($"falling to Idle must drop the connection: {Where()}");
        if (settings.Passive && actions.OfType<InitiateConnection>().Any())
            throw new AssertionException($"a passive session initiated a connection: {Where()}");
        if (t.Next.State is OpenConfirm or Established && t.Next.Session is null)
            throw new AssertionException($"no negotiated session in {t.Next.State}: {Where()}");
        if (t.Next.State is not (OpenConfirm or Established) && t.Next.Session is not null)
            throw new AssertionException($"a negotiated session outlived OpenConfirm/Established: {Where()}");
        if (t.Next.IdleHoldRunning && (t.Next.State != Idle || t.Next.AdministrativelyStopped || !settings.AllowAutomaticStart))
            throw new AssertionException($"idle hold running where no automatic restart may happen: {Where()}");
    }
}
