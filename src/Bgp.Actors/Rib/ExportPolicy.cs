using Bgp.Actors.Policy;
using Bgp.Wire;

namespace Bgp.Actors.Rib;

/// <summary>Why a route is or is not advertised to a peer (the export rules, in the order they are checked).</summary>
public enum ExportVerdict
{
    Advertise,
    /// <summary>No eligible route for the prefix.</summary>
    NoRoute,
    /// <summary>The route came from this peer.</summary>
    FromSamePeer,
    /// <summary>The peer is configured with <c>export = "none"</c>.</summary>
    ExportNone,
    /// <summary>The family was not negotiated with the peer.</summary>
    FamilyNotNegotiated,
    /// <summary>NO_ADVERTISE community (RFC 1997).</summary>
    NoAdvertise,
    /// <summary>NO_EXPORT or NO_EXPORT_SUBCONFED community towards an external peer (RFC 1997).</summary>
    NoExport,
    /// <summary>
    /// Learned from an internal peer that is not our route-reflector client, going to another such
    /// peer: internal routes are not passed between internal peers (RFC 4271 §9.2), and a
    /// reflector reflects a non-client's routes only to its clients (RFC 4456 §6).
    /// </summary>
    InternalToInternal,
    /// <summary>The peer's AS is already in the AS_PATH (it would discard the route as a loop).</summary>
    PeerAsInPath,
    /// <summary>Next hop self is due but the session has no local address of the family's kind.</summary>
    NoNextHop,
    /// <summary>The peer's export policy rejected it.</summary>
    PolicyRejected,
}

/// <summary>Our identity, which export rules write into routes.</summary>
public sealed record ExportContext(uint LocalAs, uint RouterId, uint ClusterId);

/// <summary>
/// Results memoised on a source attribute set: for export, per (source session, target session,
/// export chain, statements applied); for import, per (source session, import chain, statements
/// applied) with no target. Sessions are keyed by slot and <see cref="RibPeer.MemoEpoch"/>, so an
/// entry for an earlier session, or from before a policy change, never matches.
/// </summary>
internal sealed class AttributeMemo
{
    public const int NoTarget = -1;

    private Entry[] _entries = new Entry[2];
    private int _count;

    private struct Entry
    {
        public int To;
        public long ToEpoch;
        public int From;
        public long FromEpoch;
        public object? Chain;
        public int[]? Applied;
        public ExportVerdict Verdict;
        public RouteAttributes? Result;
    }

    public bool TryGet(RibPeer from, int to, long toEpoch, object? chain, ReadOnlySpan<int> applied, out ExportVerdict verdict, out RouteAttributes? result)
    {
        for (int i = 0; i < _count; i++)
        {
            ref var e = ref _entries[i];
            if (e.To == to && e.ToEpoch == toEpoch && e.From == from.Index && e.FromEpoch == from.MemoEpoch && ReferenceEquals(e.Chain, chain)
                && applied.SequenceEqual(e.Applied))
            {
                verdict = e.Verdict;
                result = e.Result;
                return true;
            }
        }
        verdict = default;
        result = null;
        return false;
    }

    public void Add(RibPeer from, int to, long toEpoch, object? chain, ReadOnlySpan<int> applied, ExportVerdict verdict, RouteAttributes? result)
    {
        var entry = new Entry
        {
            To = to, ToEpoch = toEpoch, From = from.Index, FromEpoch = from.MemoEpoch, Chain = chain,
            Applied = applied.IsEmpty ? null : applied.ToArray(), Verdict = verdict, Result = result,
        };
        // stale entries (an earlier session in a slot, an older policy) are overwritten in place
        for (int i = 0; i < _count; i++)
        {
            ref var e = ref _entries[i];
            if (e.To == to && e.From == from.Index && (e.ToEpoch != toEpoch || e.FromEpoch != from.MemoEpoch || !ReferenceEquals(e.Chain, chain)))
            {
                e = entry;
                return;
            }
        }
        if (_count == _entries.Length) Array.Resize(ref _entries, _count * 2);
        _entries[_count++] = entry;
    }
}

/// <summary>
/// The export rules: whether the best route for a prefix goes to a peer, and with which attributes.
/// eBGP: own AS prepended, next hop self (unless <c>next_hop_unchanged</c>, or an injected route
/// that names its next hop), no LOCAL_PREF, no MED learned from another AS (RFC 4271 §5.1.4),
/// no ORIGINATOR_ID/CLUSTER_LIST/AIGP. Route-server clients (RFC 7947): AS_PATH, next hop, MED
/// and communities untouched. iBGP: LOCAL_PREF always present (default 100), next hop and
/// AS_PATH unchanged; internal routes reach other internal peers only through route reflection
/// (RFC 4456), which adds ORIGINATOR_ID and prepends our CLUSTER_ID. Unrecognised optional
/// non-transitive attributes are dropped, transitive ones get the Partial bit.
/// </summary>
public static class ExportPolicy
{
    /// <summary>
    /// Whether the best route for <paramref name="prefix"/> goes to <paramref name="to"/>, and with
    /// which attributes: the rules below, then the peer's export policy (which sees the route as
    /// the RIB holds it), then the per-peer-type changes (AS prepend, next hop, ...), which follow
    /// what the policy asked for. <paramref name="scratch"/> holds at least the chain's statement count.
    /// </summary>
    internal static ExportVerdict Evaluate(RibPeer from, RouteAttributes attributes, RibPeer to, AfiSafi family, Prefix prefix,
        ExportContext ctx, AttributeTable table, Span<int> scratch, out RouteAttributes? exported)
    {
        exported = null;
        if (from.Index == to.Index) return ExportVerdict.FromSamePeer;
        if (to.Info.ExportNone) return ExportVerdict.ExportNone;
        if (!to.Info.Families.Contains(family)) return ExportVerdict.FamilyNotNegotiated;
        var chain = to.ExportChain;
        int count = 0;
        ExportVerdict? decided = null;
        if (chain is not null)
        {
            decided = Decide(from.Role, attributes, to.Role, to.Info.RemoteAs);
            if (decided != ExportVerdict.Advertise) return decided.Value;
            if (!chain.Evaluate(new PolicyInput(family, prefix, attributes, from.Source), scratch, out count)) return ExportVerdict.PolicyRejected;
        }
        var applied = scratch[..count];
        var memo = attributes.Memo ??= new AttributeMemo();
        if (memo.TryGet(from, to.Index, to.MemoEpoch, chain, applied, out var verdict, out exported))
        {
            // a result whose last reference went has left the table: put it back rather than keep two equal sets
            if (exported is { References: 0 }) exported = table.Intern(exported);
            return verdict;
        }
        verdict = decided ?? Decide(from.Role, attributes, to.Role, to.Info.RemoteAs);
        if (verdict == ExportVerdict.Advertise)
        {
            var source = attributes;
            var overrides = ExportOverrides.None;
            if (count > 0) source = chain!.Apply(attributes, family, applied, new PolicyContext(ctx.LocalAs, to.LocalAddress, Export: true), out overrides);
            var result = Transform(from, source, to, family, ctx, overrides);
            if (result is null) verdict = ExportVerdict.NoNextHop;
            else exported = ReferenceEquals(result, attributes) ? attributes : table.Intern(result);
        }
        memo.Add(from, to.Index, to.MemoEpoch, chain, applied, verdict, exported);
        return verdict;
    }

    /// <summary>The rules that decide whether a route goes out at all (not its attributes).</summary>
    public static ExportVerdict Decide(PeerRole from, RouteAttributes attributes, PeerRole to, uint toAs)
    {
        if (attributes.NoAdvertise) return ExportVerdict.NoAdvertise;
        bool toExternal = to is PeerRole.External or PeerRole.RouteServerClient;
        if (toExternal)
        {
            if (attributes.NoExport || attributes.NoExportSubconfed) return ExportVerdict.NoExport;
            if (attributes.AsPath.Contains(toAs)) return ExportVerdict.PeerAsInPath;
            return ExportVerdict.Advertise;
        }
        // towards an internal peer
        return from switch
        {
            PeerRole.Internal => to == PeerRole.ReflectorClient ? ExportVerdict.Advertise : ExportVerdict.InternalToInternal,
            PeerRole.ReflectorClient => ExportVerdict.Advertise,
            _ => ExportVerdict.Advertise,
        };
    }

    private static RouteAttributes? Transform(RibPeer from, RouteAttributes attributes, RibPeer to, AfiSafi family, ExportContext ctx, ExportOverrides overrides)
    {
        bool fromLocal = from.Role == PeerRole.Local;
        bool fromInternal = from.Info.IsInternal;
        var list = new List<PathAttribute>(attributes.Attributes.Count + 3);
        NextHop nextHop;
        bool unspecifiedNextHop = IsUnspecified(attributes.NextHop.Address);
        bool forceSelf = (overrides & ExportOverrides.NextHopSelf) != 0, keep = (overrides & ExportOverrides.NextHopKept) != 0;

        switch (to.Role)
        {
            case PeerRole.RouteServerClient:
                foreach (var a in attributes.Attributes)
                {
                    if (a.Type is AttrType.LocalPref or AttrType.OriginatorId or AttrType.ClusterList or AttrType.Aigp) continue;
                    if (PassOn(a) is { } kept) list.Add(kept);
                }
                if (!attributes.Has(AttrType.AsPath)) list.Add(new AsPathAttribute(AsPath.Empty));
                if (unspecifiedNextHop || forceSelf)
                {
                    if (SelfFor(to, family) is not { } self) return null;
                    nextHop = new NextHop(self);
                }
                else nextHop = attributes.NextHop;
                break;

            case PeerRole.External:
                bool prepended = false;
                foreach (var a in attributes.Attributes)
                {
                    switch (a)
                    {
                        case LocalPrefAttribute or OriginatorIdAttribute or ClusterListAttribute or AigpAttribute:
                            continue;
                        case MedAttribute when !fromLocal && (overrides & ExportOverrides.MedSet) == 0:
                            continue;   // RFC 4271 §5.1.4: a MED learned from one AS is not passed to another (unless policy set it)
                        case AsPathAttribute p:
                            list.Add(new AsPathAttribute(Prepend(p.Path, ctx.LocalAs)));
                            prepended = true;
                            continue;
                    }
                    if (PassOn(a) is { } kept) list.Add(kept);
                }
                if (!prepended) list.Add(new AsPathAttribute(AsPath.FromSequence(ctx.LocalAs)));
                if (!forceSelf && (keep || to.Info.NextHopUnchanged || fromLocal) && !unspecifiedNextHop) nextHop = attributes.NextHop;
                else if (SelfFor(to, family) is { } self) nextHop = new NextHop(self);
                else return null;
                break;

            default: // internal peers
                bool reflecting = fromInternal;
                bool hasLocalPref = false, hasOriginator = false, hasClusterList = false;
                foreach (var a in attributes.Attributes)
                {
                    switch (a)
                    {
                        case LocalPrefAttribute:   // from an external peer, only one its import policy set (the received one is dropped on import)
                            hasLocalPref = true;
                            break;
                        case OriginatorIdAttribute:
                            hasOriginator = true;
                            if (!reflecting) continue;
                            break;
                        case ClusterListAttribute c:
                            hasClusterList = true;
                            if (!reflecting) continue;
                            list.Add(new ClusterListAttribute(new EquatableArray<uint>([ctx.ClusterId, .. c.ClusterIds])));
                            continue;
                    }
                    if (PassOn(a) is { } kept) list.Add(kept);
                }
                if (!hasLocalPref) list.Add(new LocalPrefAttribute(Candidate.DefaultLocalPref));
                if (!attributes.Has(AttrType.AsPath)) list.Add(new AsPathAttribute(AsPath.Empty));
                if (reflecting)
                {
                    if (!hasOriginator) list.Add(new OriginatorIdAttribute(IpAddr.V4(from.Info.RouterId)));
                    if (!hasClusterList) list.Add(new ClusterListAttribute(new EquatableArray<uint>([ctx.ClusterId])));
                }
                if (unspecifiedNextHop || forceSelf)
                {
                    if (SelfFor(to, family) is not { } self) return null;
                    nextHop = new NextHop(self);
                }
                else nextHop = attributes.NextHop;
                break;
        }
        if (!attributes.Has(AttrType.Origin)) list.Add(OriginAttribute.Igp);
        var normalized = RouteAttributes.Normalize(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list));
        if (nextHop == attributes.NextHop && normalized.Equals(attributes.Attributes)) return attributes;
        return new RouteAttributes(normalized, nextHop);
    }

    private static PathAttribute? PassOn(PathAttribute a) => a is RawAttribute raw ? raw.PassedOn() : a;

    private static bool IsUnspecified(IpAddr address) => address.High == 0 && address.Low == 0;

    /// <summary>Our address on the session, if it is of the family's kind (IPv4 routes need an IPv4 next hop).</summary>
    private static IpAddr? SelfFor(RibPeer to, AfiSafi family) =>
        to.LocalAddress is { } local && local.Afi == family.Afi ? local : null;

    /// <summary>Prepends <paramref name="asn"/> to the leading AS_SEQUENCE, or in a new one (RFC 4271 §5.1.2).</summary>
    public static AsPath Prepend(AsPath path, uint asn)
    {
        var segments = path.Segments;
        if (segments.Count > 0 && segments[0].SegmentType == AsPathSegmentType.AsSequence && segments[0].Asns.Count < 255)
        {
            var first = segments[0];
            var asns = new uint[first.Asns.Count + 1];
            asns[0] = asn;
            first.Asns.AsSpan().CopyTo(asns.AsSpan(1));
            var result = segments.ToArray();
            result[0] = new AsPathSegment(AsPathSegmentType.AsSequence, new EquatableArray<uint>(asns));
            return new AsPath(new EquatableArray<AsPathSegment>(result));
        }
        return new AsPath(new EquatableArray<AsPathSegment>([AsPathSegment.Sequence(asn), .. segments]));
    }
}
