using System.Buffers.Binary;
using System.Net;
using System.Reflection;
using Bgp.Actors.Config;
using Bgp.Actors.Fsm;
using Bgp.Wire;

namespace Bgp.Actors.Sessions;

/// <summary>
/// Everything one session needs from the configuration, plus the knobs tests turn (remote port,
/// FSM timer overrides). Builds our OPEN and the FSM settings.
/// </summary>
public sealed record PeerSessionSettings(NeighborConfig Neighbor, GlobalConfig Global)
{
    /// <summary>The port we connect to: the neighbor's <c>remote_port</c> (RFC 4271 §8.2.1: 179 unless set).</summary>
    public int RemotePort { get; init; } = Neighbor.RemotePort;

    /// <summary>Outgoing TTL without GTSM: eBGP between loopbacks or across routers needs more than 1.</summary>
    public int MultihopTtl { get; init; } = 64;

    /// <summary>First idle-hold after a failure (RFC 4271 §8.1.1 DampPeerOscillations); doubles per consecutive failure.</summary>
    public TimeSpan IdleHoldTime { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan IdleHoldMaxTime { get; init; } = TimeSpan.FromSeconds(120);

    public TimeSpan? DelayOpenTime { get; init; }

    /// <summary>Seed for the FSM's jitter; fixed in tests, random in the daemon.</summary>
    public ulong Seed { get; init; } = (ulong)Random.Shared.NextInt64();

    public IPAddress Address => Neighbor.Address;

    public bool IsInternal => Neighbor.RemoteAsn == Global.Asn;

    public static uint ToBgpIdentifier(IPAddress routerId) => BinaryPrimitives.ReadUInt32BigEndian(routerId.GetAddressBytes());

    /// <summary>
    /// Our OPEN: AS_TRANS in My AS when ours needs 4 octets (RFC 6793 §4.1), the configured hold
    /// time, and the capabilities we honour today: multiprotocol per configured family (RFC 4760),
    /// route refresh (RFC 2918), 4-octet AS (RFC 6793), extended messages (RFC 8654) and our
    /// software version (draft-ietf-idr-software-version).
    /// </summary>
    public OpenMessage BuildLocalOpen()
    {
        var caps = new List<Capability>();
        foreach (var family in Neighbor.Families) caps.Add(new MultiprotocolCapability(family));
        caps.Add(RouteRefreshCapability.Instance);
        caps.Add(new FourOctetAsCapability(Global.Asn));
        caps.Add(ExtendedMessageCapability.Instance);
        caps.Add(new SoftwareVersionCapability("BgpActors/" + SoftwareVersion));
        ushort myAs = Global.Asn > ushort.MaxValue ? BgpLimits.AsTrans : (ushort)Global.Asn;
        return new OpenMessage(myAs, (ushort)Neighbor.HoldTime, ToBgpIdentifier(Global.RouterId), new EquatableArray<Capability>([.. caps]));
    }

    public FsmSettings BuildFsmSettings(OpenMessage localOpen) =>
        new(localOpen, Global.Asn, ToBgpIdentifier(Global.RouterId), Neighbor.RemoteAsn)
        {
            ConnectRetryTime = TimeSpan.FromSeconds(Math.Max(1, Neighbor.ConnectRetry)),
            Passive = Neighbor.Passive,
            DelayOpenTime = DelayOpenTime,
            IdleHoldTime = IdleHoldTime,
            LargeHoldTime = TimeSpan.FromSeconds(Math.Max(1, Neighbor.OpenTimeout)),
            IdleHoldMaxTime = IdleHoldMaxTime,
        };

    private static string SoftwareVersion =>
        (typeof(PeerSessionSettings).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
            .Split('+')[0];
}
