using System.Net;
using Bgp.Actors.Rib;
using Bgp.Wire;

namespace Bgp.Actors.Tests.Rib;

/// <summary>
/// A <see cref="Bgp.Actors.Rib.Rib"/> with peers brought up by name, UPDATEs built from a few
/// arguments, and a drain that plays the session: it takes every batch for a peer and keeps what
/// the peer would hold afterwards.
/// </summary>
internal sealed class RibHarness
{
    public const uint LocalAs = 65000;
    public static readonly IPAddress RouterId = IPAddress.Parse("192.0.2.1");
    public static readonly IPAddress ClusterId = IPAddress.Parse("192.0.2.99");

    public RibHarness(DecisionOptions? options = null, int batchPrefixes = 2048) =>
        Rib = new Bgp.Actors.Rib.Rib(new RibSettings(LocalAs, RouterId, ClusterId)
        {
            Decision = options ?? DecisionOptions.Default,
            BatchPrefixes = batchPrefixes,
        });

    public Bgp.Actors.Rib.Rib Rib { get; }

    /// <summary>Per peer: what it holds (prefix → attributes) and the End-of-RIBs it got.</summary>
    public sealed class PeerView
    {
        public readonly Dictionary<(AfiSafi, Prefix), RouteAttributes> Holds = [];
        public readonly List<AfiSafi> EndOfRib = [];
        public int Announcements;
        public int Withdrawals;
        public int Batches;
    }

    private readonly Dictionary<IPAddress, PeerView> _views = [];

    internal RibPeer Up(string address, uint asn, PeerRole role, string? routerId = null, string? local = null,
        bool exportNone = false, bool importNone = false, bool nextHopUnchanged = false,
        Bgp.Actors.Config.PrefixLimit[]? maxPrefixes = null, params AfiSafi[] families)
    {
        var ip = IPAddress.Parse(address);
        var info = new RibPeerInfo(ip, asn, LocalAs, Id(routerId ?? address), role,
            IPAddress.Parse(local ?? (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "2001:db8::1" : "192.0.2.1")),
            new FamilySet(families.Length == 0 ? [AfiSafi.Ipv4Unicast, AfiSafi.Ipv6Unicast] : families), CodecContext.Default)
        {
            ExportNone = exportNone,
            ImportNone = importNone,
            NextHopUnchanged = nextHopUnchanged,
            MaxPrefixes = maxPrefixes is null ? default : new EquatableArray<Bgp.Actors.Config.PrefixLimit>(maxPrefixes),
        };
        _views[ip] = new PeerView();
        return Rib.PeerUp(info);
    }

    public int Down(string address) => Rib.PeerDown(IPAddress.Parse(address));

    public static uint Id(string dotted) => RibSettings.ToUInt(IPAddress.Parse(dotted));

    /// <summary>An IPv4 announcement in the UPDATE body (NEXT_HOP) or an IPv6 one in MP_REACH_NLRI.</summary>
    public void Announce(string peer, string prefix, string nextHop, params PathAttribute[] attributes)
    {
        var p = Prefix.Parse(prefix);
        var list = new List<PathAttribute>(attributes);
        if (!list.Exists(a => a.Type == AttrType.Origin)) list.Insert(0, OriginAttribute.Igp);
        UpdateMessage update;
        if (!p.IsV6)
        {
            list.Add(new NextHopAttribute(IpAddr.Parse(nextHop)));
            update = new UpdateMessage(default, new EquatableArray<PathAttribute>([.. list]), new EquatableArray<Nlri>([new Nlri(p)]));
        }
        else
        {
            list.Add(new MpReachAttribute(AfiSafi.Ipv6Unicast, new NextHop(IpAddr.Parse(nextHop)), new EquatableArray<Nlri>([new Nlri(p)])));
            update = new UpdateMessage(default, new EquatableArray<PathAttribute>([.. list]), default);
        }
        Rib.Apply(IPAddress.Parse(peer), update);
    }

    public void Withdraw(string peer, string prefix)
    {
        var p = Prefix.Parse(prefix);
        var update = p.IsV6
            ? new UpdateMessage(default, new EquatableArray<PathAttribute>([new MpUnreachAttribute(AfiSafi.Ipv6Unicast, new EquatableArray<Nlri>([new Nlri(p)]))]), default)
            : new UpdateMessage(new EquatableArray<Nlri>([new Nlri(p)]), default, default);
        Rib.Apply(IPAddress.Parse(peer), update);
    }

    /// <summary>Takes every batch for the peer and applies it to the peer's view.</summary>
    public PeerView Drain(string address)
    {
        var ip = IPAddress.Parse(address);
        var view = _views[ip];
        var peer = Rib.Peer(ip)!;
        for (int i = 0; i < 10_000; i++)
        {
            var batch = Rib.TakeBatch(peer);
            if (batch is null) break;
            view.Batches++;
            foreach (var part in batch.Families)
            {
                foreach (var n in part.Withdrawn)
                {
                    view.Holds.Remove((part.Family, n.Prefix));
                    view.Withdrawals++;
                }
                foreach (var (attributes, nlri) in part.Announced)
                    foreach (var n in nlri)
                    {
                        view.Holds[(part.Family, n.Prefix)] = attributes;
                        view.Announcements++;
                    }
                if (part.EndOfRib) view.EndOfRib.Add(part.Family);
            }
        }
        return view;
    }

    public RouteAttributes? Holds(string address, string prefix)
    {
        var p = Prefix.Parse(prefix);
        return Drain(address).Holds.GetValueOrDefault((p.IsV6 ? AfiSafi.Ipv6Unicast : AfiSafi.Ipv4Unicast, p));
    }

    public static AsPathAttribute Path(params uint[] asns) => new(AsPath.FromSequence(asns));
}
