using System.Globalization;
using Bgp.Actors.Config;
using Bgp.Actors.Config.Toml;
using Bgp.Actors.Policy;
using Grpc.Core;
using C = Bgp.Actors.Config;

namespace Bgp.Api.V1;

/// <summary>
/// Policy between its configuration records, the API messages and the TOML written to the file.
/// The API carries the file's text forms, so one binder validates both.
/// </summary>
public static class PolicyText
{
    public static Policy ToProto(PolicyDefinition definition)
    {
        var policy = new Policy
        {
            Name = definition.Name,
            Description = definition.Description ?? "",
            DefaultAction = definition.DefaultAction == PolicyResult.Accept ? "accept" : "reject",
        };
        foreach (var s in definition.Statements)
            policy.Statements.Add(new Statement
            {
                Name = s.Name,
                Action = ToProto(s.Action),
                Match = s.Match == MatchConfig.Always ? null : ToProto(s.Match),
                Set = s.Set.IsEmpty ? null : ToProto(s.Set),
            });
        return policy;
    }

    private static StatementAction ToProto(C.StatementAction action) => action switch
    {
        C.StatementAction.Accept => StatementAction.Accept,
        C.StatementAction.Reject => StatementAction.Reject,
        _ => StatementAction.Next,
    };

    private static Match ToProto(MatchConfig m)
    {
        var match = new Match
        {
            PrefixSet = m.PrefixSet?.ToString() ?? "",
            AsPathSet = m.AsPathSet?.ToString() ?? "",
            AsPath = m.AsPath ?? "",
            AsPathLength = m.AsPathLength?.ToString(255) ?? "",
            CommunitySet = m.CommunitySet?.ToString() ?? "",
            CommunityMatch = m.CommunityMatch == CommunityMatchMode.All ? "all" : "",
            NeighborSet = m.NeighborSet?.ToString() ?? "",
            Origin = m.Origin?.ToString().ToLowerInvariant() ?? "",
            LocalPref = m.LocalPref?.ToString() ?? "",
            Med = m.Med?.ToString() ?? "",
        };
        match.Prefixes.AddRange(m.Prefixes?.Select(p => p.ToString()) ?? []);
        match.OriginAsn.AddRange(m.OriginAsn?.Select(r => r.ToString()) ?? []);
        match.Communities.AddRange(m.Communities?.Select(c => c.Text) ?? []);
        match.RouteType.AddRange(m.RouteType?.Select(t => t.ToString().ToLowerInvariant()) ?? []);
        match.NextHop.AddRange(m.NextHop?.Select(p => p.ToString()) ?? []);
        match.Family.AddRange(m.Family?.Select(ProtoMapping.ToFamily) ?? []);
        return match;
    }

    private static Actions ToProto(SetConfig s)
    {
        var actions = new Actions
        {
            LocalPref = s.LocalPref?.ToString() ?? "",
            Med = s.Med?.ToString() ?? "",
            NextHop = s.NextHop?.ToString() ?? "",
            Communities = ToProto(s.Communities),
            ExtCommunities = ToProto(s.ExtCommunities),
            LargeCommunities = ToProto(s.LargeCommunities),
            RemovePrivateAs = s.RemovePrivateAs?.ToString().ToLowerInvariant() ?? "",
        };
        if (s.AsPathPrepend is { } p)
            actions.AsPathPrepend = new Prepend
            {
                Asn = p.Source switch { PrependSource.Own => "own", PrependSource.Last => "last", _ => p.Asn.ToString(CultureInfo.InvariantCulture) },
                Times = (uint)p.Times,
            };
        return actions;
    }

    private static CommunityEdit? ToProto(C.CommunityEdit? edit)
    {
        if (edit is null) return null;
        var proto = new CommunityEdit { ReplaceSet = edit.Replace is not null };
        proto.Add.AddRange(edit.Add.Select(c => c.Text));
        proto.Remove.AddRange(edit.Remove.Select(c => c.Text));
        proto.Replace.AddRange(edit.Replace?.Select(c => c.Text) ?? []);
        return proto;
    }

    /// <summary>The keys of one [[policies.NAME.statements]] element.</summary>
    public static List<KeyValuePair<string, TomlValue>> ToToml(Statement s, int index)
    {
        var entries = new List<KeyValuePair<string, TomlValue>>();
        if (s.Name.Length > 0) entries.Add(new("name", new TomlString(s.Name)));
        entries.Add(new("action", new TomlString(s.Action switch
        {
            StatementAction.Accept => "accept",
            StatementAction.Reject => "reject",
            StatementAction.Next => "next",
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, $"statement {(s.Name.Length > 0 ? s.Name : (index + 1).ToString(CultureInfo.InvariantCulture))} needs an action")),
        })));
        if (Match(s.Match) is { Count: > 0 } match) entries.Add(new("match", new TomlTable(match)));
        if (Set(s.Set) is { Count: > 0 } set) entries.Add(new("set", new TomlTable(set)));
        return entries;
    }

    /// <summary>A statement's conditions as the file's <c>match</c> table (empty: none).</summary>
    public static List<KeyValuePair<string, TomlValue>> Match(Match? m)
    {
        var e = new List<KeyValuePair<string, TomlValue>>();
        if (m is null) return e;
        Text(e, "prefix_set", m.PrefixSet);
        List(e, "prefixes", m.Prefixes);
        Text(e, "as_path_set", m.AsPathSet);
        Text(e, "as_path", m.AsPath);
        Range(e, "as_path_length", m.AsPathLength);
        if (m.OriginAsn.Count > 0) e.Add(new("origin_asn", new TomlArray(m.OriginAsn.Select(TomlValues.NumberOrString))));
        Text(e, "community_set", m.CommunitySet);
        List(e, "communities", m.Communities);
        Text(e, "community_match", m.CommunityMatch);
        Text(e, "neighbor_set", m.NeighborSet);
        List(e, "route_type", m.RouteType);
        Text(e, "origin", m.Origin);
        List(e, "next_hop", m.NextHop);
        Range(e, "local_pref", m.LocalPref);
        Range(e, "med", m.Med);
        if (m.Family.Count > 0) e.Add(new("family", TomlValues.Families(m.Family)));
        return e;
    }

    /// <summary>A statement's changes as the file's <c>set</c> table (empty: none).</summary>
    public static List<KeyValuePair<string, TomlValue>> Set(Actions? a)
    {
        var e = new List<KeyValuePair<string, TomlValue>>();
        if (a is null) return e;
        Range(e, "local_pref", a.LocalPref);
        Range(e, "med", a.Med);
        Text(e, "next_hop", a.NextHop);
        Edit(e, "communities", a.Communities);
        Edit(e, "ext_communities", a.ExtCommunities);
        Edit(e, "large_communities", a.LargeCommunities);
        if (a.AsPathPrepend is { } p)
        {
            // our own AS N times is written `as_path_prepend = N`, as people write it
            uint times = p.Times == 0 ? 1 : p.Times;
            e.Add(new("as_path_prepend", p.Asn is "" or "own"
                ? new TomlInteger(times)
                : new TomlTable([new("asn", TomlValues.NumberOrString(p.Asn)), new("times", new TomlInteger(times))])));
        }
        Text(e, "remove_private_as", a.RemovePrivateAs);
        return e;
    }

    private static void Edit(List<KeyValuePair<string, TomlValue>> e, string key, CommunityEdit? edit)
    {
        if (edit is null) return;
        var entries = new List<KeyValuePair<string, TomlValue>>();
        if (edit.Replace.Count > 0 || edit.ReplaceSet) entries.Add(new("replace", TomlValues.Strings(edit.Replace)));
        if (edit.Remove.Count > 0) entries.Add(new("remove", TomlValues.Strings(edit.Remove)));
        if (edit.Add.Count > 0) entries.Add(new("add", TomlValues.Strings(edit.Add)));
        if (entries.Count > 0) e.Add(new(key, new TomlTable(entries)));
    }

    private static void Text(List<KeyValuePair<string, TomlValue>> e, string key, string value)
    {
        if (value.Length > 0) e.Add(new(key, new TomlString(value)));
    }

    private static void List(List<KeyValuePair<string, TomlValue>> e, string key, IReadOnlyCollection<string> values)
    {
        if (values.Count > 0) e.Add(new(key, TomlValues.Strings(values)));
    }

    /// <summary>A range, or a value to set: written as an integer when it is a plain number.</summary>
    private static void Range(List<KeyValuePair<string, TomlValue>> e, string key, string value)
    {
        if (value.Length > 0) e.Add(new(key, TomlValues.NumberOrString(value)));
    }
}
