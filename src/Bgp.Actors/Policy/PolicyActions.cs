using Bgp.Actors.Config;
using Bgp.Actors.Rib;
using Bgp.Wire;

namespace Bgp.Actors.Policy;

/// <summary>Export-only instructions a policy gives the export rules, which otherwise decide these themselves.</summary>
[Flags]
public enum ExportOverrides : byte
{
    None = 0,
    /// <summary>Next hop self, whatever the peer type.</summary>
    NextHopSelf = 1,
    /// <summary>Next hop as the route has it (received, or set by the policy), also towards external peers.</summary>
    NextHopKept = 2,
    /// <summary>The MED was set by policy: it goes to external peers too (RFC 4271 §5.1.4 leaves that to configuration).</summary>
    MedSet = 4,
}

/// <summary>Where policy actions apply: our AS and our address on the session concerned.</summary>
public readonly record struct PolicyContext(uint LocalAs, IpAddr? LocalAddress, bool Export);

/// <summary>A route's attributes while a chain's changes are applied to them; built into a new attribute set at the end.</summary>
internal sealed class RouteDraft
{
    private readonly RouteAttributes _source;

    public RouteDraft(RouteAttributes source)
    {
        _source = source;
        NextHop = source.NextHop;
        LocalPref = source.LocalPref;
        Med = source.Med;
        AsPath = source.AsPath;
    }

    public NextHop NextHop;
    public uint? LocalPref;
    public uint? Med;
    public AsPath AsPath;
    public List<Community>? Communities;
    public List<ExtendedCommunity>? ExtendedCommunities;
    public List<LargeCommunity>? LargeCommunities;
    public ExportOverrides Overrides;
    private bool _localPrefChanged, _medChanged, _pathChanged;

    public void SetLocalPref(uint value) { LocalPref = value; _localPrefChanged = true; }
    public void SetMed(uint value) { Med = value; _medChanged = true; }
    public void SetAsPath(AsPath path) { AsPath = path; _pathChanged = true; }

    public List<Community> StandardList() => Communities ??= [.. _source.Communities];
    public List<ExtendedCommunity> ExtendedList() => ExtendedCommunities ??= [.. _source.ExtendedCommunities];
    public List<LargeCommunity> LargeList() => LargeCommunities ??= [.. _source.LargeCommunities];

    /// <summary>The resulting attribute set (not interned), or the source itself when nothing changed.</summary>
    public RouteAttributes Build()
    {
        bool any = _localPrefChanged || _medChanged || _pathChanged || Communities is not null || ExtendedCommunities is not null || LargeCommunities is not null;
        if (!any && NextHop == _source.NextHop) return _source;
        var list = new List<PathAttribute>(_source.Attributes.Count + 3);
        foreach (var a in _source.Attributes)
        {
            switch (a.Type)
            {
                case AttrType.LocalPref when _localPrefChanged:
                case AttrType.MultiExitDisc when _medChanged:
                case AttrType.AsPath when _pathChanged:
                case AttrType.Communities when Communities is not null:
                case AttrType.ExtendedCommunities when ExtendedCommunities is not null:
                case AttrType.LargeCommunities when LargeCommunities is not null:
                    continue;
            }
            list.Add(a);
        }
        if (_localPrefChanged && LocalPref is uint lp) list.Add(new LocalPrefAttribute(lp));
        if (_medChanged && Med is uint med) list.Add(new MedAttribute(med));
        if (_pathChanged) list.Add(new AsPathAttribute(AsPath));
        if (Communities is { Count: > 0 }) list.Add(new CommunitiesAttribute(new EquatableArray<Community>([.. Communities])));
        if (ExtendedCommunities is { Count: > 0 }) list.Add(new ExtendedCommunitiesAttribute(new EquatableArray<ExtendedCommunity>([.. ExtendedCommunities])));
        if (LargeCommunities is { Count: > 0 }) list.Add(new LargeCommunitiesAttribute(new EquatableArray<LargeCommunity>([.. LargeCommunities])));
        var normalized = RouteAttributes.Normalize(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list));
        if (NextHop == _source.NextHop && normalized.Equals(_source.Attributes)) return _source;
        return new RouteAttributes(normalized, NextHop);
    }
}

/// <summary>The compiled <see cref="SetConfig"/> of a statement.</summary>
internal sealed class Modifications(SetConfig set)
{
    public SetConfig Config { get; } = set;

    public void Apply(RouteDraft draft, AfiSafi family, in PolicyContext context)
    {
        var set = Config;
        if (set.LocalPref is { } lp) draft.SetLocalPref(lp.Apply(draft.LocalPref, Candidate.DefaultLocalPref));
        if (set.Med is { } med)
        {
            draft.SetMed(med.Apply(draft.Med, 0));
            draft.Overrides |= ExportOverrides.MedSet;
        }
        if (set.NextHop is { } nh) ApplyNextHop(draft, nh, family, context);
        if (set.Communities is { } std) Edit(draft.StandardList(), std, static p => p.Standard, static (p, c) => p.Matches(c));
        if (set.ExtCommunities is { } ext) Edit(draft.ExtendedList(), ext, static p => p.Extended, static (p, c) => p.Matches(c));
        if (set.LargeCommunities is { } large) Edit(draft.LargeList(), large, static p => p.Large, static (p, c) => p.Matches(c));
        if (set.RemovePrivateAs is { } mode) draft.SetAsPath(RemovePrivate(draft.AsPath, mode, context.LocalAs));
        if (set.AsPathPrepend is { } prepend)
        {
            uint? asn = prepend.Source switch
            {
                PrependSource.Own => context.LocalAs,
                PrependSource.Last => draft.AsPath.FirstAs,
                _ => prepend.Asn,
            };
            if (asn is uint a)
            {
                var path = draft.AsPath;
                for (int i = 0; i < prepend.Times; i++) path = ExportPolicy.Prepend(path, a);
                draft.SetAsPath(path);
            }
        }
    }

    private static void ApplyNextHop(RouteDraft draft, NextHopSetting setting, AfiSafi family, in PolicyContext context)
    {
        switch (setting.Mode)
        {
            case NextHopMode.Unchanged:
                if (context.Export) draft.Overrides = (draft.Overrides & ~ExportOverrides.NextHopSelf) | ExportOverrides.NextHopKept;
                break;
            case NextHopMode.Self:
                if (context.Export) draft.Overrides = (draft.Overrides & ~ExportOverrides.NextHopKept) | ExportOverrides.NextHopSelf;
                else if (context.LocalAddress is { } local && local.Afi == family.Afi) draft.NextHop = new NextHop(local);
                break;
            default:
                var address = IpAddr.FromIPAddress(setting.Address!);
                if (address.Afi != family.Afi) break;   // an IPv4 next hop cannot carry an IPv6 route: left as it is
                draft.NextHop = new NextHop(address);
                if (context.Export) draft.Overrides = (draft.Overrides & ~ExportOverrides.NextHopSelf) | ExportOverrides.NextHopKept;
                break;
        }
    }

    private static void Edit<T>(List<T> list, CommunityEdit edit, Func<CommunityPattern, T> value, Func<CommunityPattern, T, bool> matches)
    {
        if (edit.Replace is { } replace)
        {
            list.Clear();
            foreach (var p in replace) if (!list.Contains(value(p))) list.Add(value(p));
        }
        foreach (var p in edit.Remove) list.RemoveAll(c => matches(p, c));
        foreach (var p in edit.Add) if (!list.Contains(value(p))) list.Add(value(p));
    }

    /// <summary>RFC 6996 private-use AS numbers.</summary>
    public static bool IsPrivate(uint asn) => asn is >= 64512 and <= 65534 or >= 4200000000 and <= 4294967294;

    public static AsPath RemovePrivate(AsPath path, RemovePrivateMode mode, uint localAs)
    {
        bool anyPrivate = false, allPrivate = true;
        foreach (var s in path.Segments)
            foreach (var asn in s.Asns)
            {
                if (IsPrivate(asn)) anyPrivate = true; else allPrivate = false;
            }
        if (!anyPrivate || (mode == RemovePrivateMode.Remove && !allPrivate)) return path;
        var segments = new List<AsPathSegment>(path.Segments.Count);
        foreach (var s in path.Segments)
        {
            var asns = mode == RemovePrivateMode.Replace
                ? s.Asns.Select(a => IsPrivate(a) ? localAs : a).ToArray()
                : s.Asns.Where(a => !IsPrivate(a)).ToArray();
            if (asns.Length > 0) segments.Add(new AsPathSegment(s.SegmentType, new EquatableArray<uint>(asns)));
        }
        return new AsPath(new EquatableArray<AsPathSegment>([.. segments]));
    }
}
