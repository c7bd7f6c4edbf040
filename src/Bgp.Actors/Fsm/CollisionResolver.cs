namespace Bgp.Actors.Fsm;

/// <summary>Which of two colliding connections to the same peer survives (RFC 4271 §6.8).</summary>
public enum CollisionOutcome
{
    /// <summary>Keep the connection we initiated; dump the peer's.</summary>
    KeepOutgoing,

    /// <summary>Keep the connection the peer initiated; dump ours.</summary>
    KeepIncoming,
}

/// <summary>What to do when an OPEN arrives on a new connection while another connection to the same peer exists.</summary>
public enum CollisionCheck
{
    /// <summary>No collision: the existing connection has not got as far as sending an OPEN (Idle, Connect, Active).</summary>
    None,

    /// <summary>Resolve by BGP identifier with <see cref="CollisionResolver.Resolve"/>.</summary>
    Resolve,

    /// <summary>The existing connection is Established: close the new one (RFC 4271 §6.8).</summary>
    CloseNew,
}

/// <summary>
/// RFC 4271 §6.8 connection collision detection, as pure decisions; the session actor owns both
/// connections and feeds <see cref="OpenCollisionDump"/> to the loser.
/// </summary>
public static class CollisionResolver
{
    /// <summary>
    /// Whether an OPEN received on a new connection collides with the existing connection in
    /// <paramref name="existing"/>. RFC 4271 §6.8: OpenConfirm connections MUST be examined; OpenSent ones
    /// MAY be when the peer's identifier is known by other means, which holds here: both connections are
    /// with the one configured peer, so the new OPEN's identifier is the existing connection's peer's.
    /// Idle, Connect and Active cannot collide. A collision with Established closes the new connection
    /// unless <paramref name="collisionDetectEstablishedState"/> (RFC 4271 §8.1.1) asks to resolve it.
    /// </summary>
    public static CollisionCheck Check(SessionState existing, bool collisionDetectEstablishedState = false) => existing switch
    {
        SessionState.OpenSent or SessionState.OpenConfirm => CollisionCheck.Resolve,
        SessionState.Established => collisionDetectEstablishedState ? CollisionCheck.Resolve : CollisionCheck.CloseNew,
        _ => CollisionCheck.None,
    };

    /// <summary>
    /// RFC 4271 §6.8: keep the connection initiated by the speaker with the higher BGP identifier,
    /// compared as unsigned 32-bit host-order integers. RFC 6286 §2.3: with equal identifiers (possible
    /// only between ASes), keep the connection initiated by the speaker with the larger AS number.
    /// </summary>
    public static CollisionOutcome Resolve(uint localBgpId, uint remoteBgpId, uint localAs = 0, uint remoteAs = 0)
    {
        if (localBgpId != remoteBgpId)
            return localBgpId < remoteBgpId ? CollisionOutcome.KeepIncoming : CollisionOutcome.KeepOutgoing;
        return localAs < remoteAs ? CollisionOutcome.KeepIncoming : CollisionOutcome.KeepOutgoing;
    }
}
