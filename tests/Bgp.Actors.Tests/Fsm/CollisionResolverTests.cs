using Bgp.Actors.Fsm;
using NUnit.Framework;

namespace Bgp.Actors.Tests.Fsm;

[TestFixture]
public sealed class CollisionResolverTests
{
    [TestCase(0x0A000001u, 0x0A000002u, CollisionOutcome.KeepIncoming)]
    [TestCase(0x0A000002u, 0x0A000001u, CollisionOutcome.KeepOutgoing)]
    [TestCase(0x01000000u, 0xC0000001u, CollisionOutcome.KeepIncoming)]
    public void The_connection_initiated_by_the_higher_BGP_identifier_survives_RFC_4271_section_6_8(uint local, uint remote, CollisionOutcome expected)
    {
        Assert.That(CollisionResolver.Resolve(local, remote), Is.EqualTo(expected));
    }

    [Test]
    public void Identifiers_compare_as_unsigned_32_bit_integers_so_128_0_0_0_beats_127_255_255_255()
    {
        Assert.That(CollisionResolver.Resolve(0x80000000u, 0x7FFFFFFFu), Is.EqualTo(CollisionOutcome.KeepOutgoing));
        Assert.That(CollisionResolver.Resolve(0x7FFFFFFFu, 0x80000000u), Is.EqualTo(CollisionOutcome.KeepIncoming));
    }

    [TestCase(65001u, 65002u, CollisionOutcome.KeepIncoming)]
    [TestCase(65002u, 65001u, CollisionOutcome.KeepOutgoing)]
    public void Equal_identifiers_fall_back_to_the_larger_AS_number_RFC_6286_section_2_3(uint localAs, uint remoteAs, CollisionOutcome expected)
    {
        Assert.That(CollisionResolver.Resolve(0x0A000001u, 0x0A000001u, localAs, remoteAs), Is.EqualTo(expected));
    }

    [TestCase(SessionState.Idle, CollisionCheck.None)]
    [TestCase(SessionState.Connect, CollisionCheck.None)]
    [TestCase(SessionState.Active, CollisionCheck.None)]
    [TestCase(SessionState.OpenSent, CollisionCheck.Resolve)]
    [TestCase(SessionState.OpenConfirm, CollisionCheck.Resolve)]
    [TestCase(SessionState.Established, CollisionCheck.CloseNew)]
    public void Collisions_are_detected_against_OpenSent_and_OpenConfirm_and_lose_against_Established_RFC_4271_section_6_8(SessionState existing, CollisionCheck expected)
    {
        Assert.That(CollisionResolver.Check(existing), Is.EqualTo(expected));
    }

    [Test]
    public void CollisionDetectEstablishedState_resolves_against_Established_too_RFC_4271_section_8_1_1()
    {
        Assert.That(CollisionResolver.Check(SessionState.Established, collisionDetectEstablishedState: true), Is.EqualTo(CollisionCheck.Resolve));
    }

    [Test]
    public void The_losing_connection_is_told_with_Cease_connection_collision_resolution_RFC_4486()
    {
        var state = FsmFixtures.Drive(FsmFixtures.Default, SessionState.OpenConfirm);

        var t = FsmFixtures.Step(FsmFixtures.Default, state, new OpenCollisionDump());

        Assert.That(t.Next.State, Is.EqualTo(SessionState.Idle));
        Assert.That(t.OfType<Bgp.Actors.Fsm.SendNotification>().Single().Notification,
            Is.EqualTo(new Bgp.Wire.NotificationMessage(Bgp.Wire.NotificationCode.Cease, (byte)Bgp.Wire.CeaseSubcode.ConnectionCollisionResolution)));
    }
}
