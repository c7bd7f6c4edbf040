using System.Net;
using Bgp.Wire;

namespace Bgp.Actors.Rib;

/// <summary>How a peer relates to us: decides the export rules that apply to it.</summary>
public enum PeerRole
{
    /// <summary>Routes we originate (injected); not a session.</summary>
    Local,
    /// <summary>External peer (different AS).</summary>
    External,
    /// <summary>Internal peer (same AS), not a route-reflector client.</summary>
    Internal,
    /// <summary>Internal peer that is our route-reflector client (RFC 4456).</summary>
    ReflectorClient,
    /// <summary>External peer served transparently as a route-server client (RFC 7947).</summary>
    RouteServerClient,
}

/// <summary>
/// What the RIB needs to know about a peer whose session is up: identity, role, and the
/// per-neighbor switches that shape import and export. Built by the session from its settings and
/// the negotiated session (<see cref="RibCommand.PeerUp"/>).
/// </summary>
public sealed record RibPeerInfo(
    IPAddress Address,
    uint RemoteAs,
    uint LocalAs,
    uint RouterId,
    PeerRole Role,
    IPAddress? LocalAddress,
    FamilySet Families,
    CodecContext Codec)
{
    /// <summary><c>export = "none"</c>: nothing is advertised to this peer.</summary>
    public bool ExportNone { get; init; }

    /// <summary><c>import = "none"</c>: routes are kept in Adj-RIB-In but never eligible.</summary>
    public bool ImportNone { get; init; }

    /// <summary>Which Established period of the session this is (echoed back to it so it can ignore stale news).</summary>
    public long SessionId { get; init; }

    /// <summary><c>max_prefixes</c>: most routes kept from this peer per family (RFC 4486).</summary>
    public EquatableArray<Config.PrefixLimit> MaxPrefixes { get; init; }

    /// <summary><c>next_hop_unchanged = true</c>: eBGP routes keep their next hop towards this peer.</summary>
    public bool NextHopUnchanged { get; init; }

    public bool IsExternal => Role is PeerRole.External or PeerRole.RouteServerClient;
    public bool IsInternal => Role is PeerRole.Internal or PeerRole.ReflectorClient;
}

/// <summary>A peer slot in the RIB: its info, the index its routes carry, and its export state.</summary>
internal sealed class RibPeer
{
    public RibPeer(int index, RibPeerInfo info, long epoch)
    {
        Index = index;
        Info = info;
        Epoch = epoch;
        MemoEpoch = epoch;
        Source = new Policy.PolicySource(IpAddr.FromIPAddress(info.Address), info.RemoteAs, null,
            info.Role == PeerRole.Local ? Config.RouteType.Local : info.IsInternal ? Config.RouteType.Internal : Config.RouteType.External);
        Address = IpAddr.FromIPAddress(info.Address);
        LocalAddress = info.LocalAddress is { } l ? IpAddr.FromIPAddress(l) : null;
    }

    public int Index { get; }
    public RibPeerInfo Info { get; }

    /// <summary>Distinguishes this session from an earlier one in the same slot (memo keys, acknowledgements).</summary>
    public long Epoch { get; }

    /// <summary>
    /// Keys this peer's entries in the attribute memos: starts as <see cref="Epoch"/> and moves on
    /// whenever something policy results depend on changes (its chains, its peer group).
    /// </summary>
    public long MemoEpoch;

    /// <summary>The peer as policy conditions see it (its peer group comes from the policy in force).</summary>
    public Policy.PolicySource Source;

    /// <summary>Import policy for routes from this peer, export policy for routes to it (null: none).</summary>
    public Policy.PolicyChain? ImportChain;
    public Policy.PolicyChain? ExportChain;

    public IpAddr Address { get; }
    public IpAddr? LocalAddress { get; }
    public PeerRole Role => Info.Role;

    /// <summary>Adj-RIB-Out and dirty marks, per family (indexed like <see cref="Rib.Families"/>).</summary>
    public readonly PeerExport[] Exports = [new(), new()];

    /// <summary>Batches handed to the session and not yet acknowledged.</summary>
    public int InFlight;

    /// <summary>Families whose initial table is still being sent (End-of-RIB follows).</summary>
    public readonly HashSet<AfiSafi> Initial = [];

    /// <summary>Routes held from this peer (Adj-RIB-In), per family slot.</summary>
    public readonly long[] Received = new long[2];

    /// <summary>Of <see cref="Received"/>, the routes that take no part in the decision (<see cref="Ineligible"/>).</summary>
    public readonly long[] IneligibleCount = new long[2];

    /// <summary>Prefixes whose current advertisement this peer holds (Adj-RIB-Out size), per family slot.</summary>
    public readonly long[] OutCount = new long[2];

    /// <summary>The <c>max_prefixes</c> limit per family slot (null: none).</summary>
    public readonly uint?[] Limits = new uint?[2];

    /// <summary>The first limit the peer went past; routes beyond it are not stored.</summary>
    public (AfiSafi Family, uint Limit)? LimitExceeded;

    /// <summary>Whether the session has been told to close for <see cref="LimitExceeded"/>.</summary>
    public bool LimitReported;

    /// <summary>Counters for the summary.</summary>
    public long Advertised;
    public long Withdrawn;
    public long UpdatesQueued;

    /// <summary>Prefixes still to re-evaluate for this peer, all families.</summary>
    public int DirtyCount
    {
        get
        {
            int n = 0;
            foreach (var e in Exports) n += e.DirtyCount;
            return n;
        }
    }
}
