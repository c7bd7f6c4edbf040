using System.Globalization;
using System.Net;
using Bgp.Actors.Config.Toml;
using Bgp.Actors.Policy;
using Bgp.Wire;

namespace Bgp.Actors.Config;

/// <summary>[prefix_sets], [as_path_sets], [community_sets], [neighbor_sets.NAME], [policies.NAME] and the chains that name them.</summary>
internal sealed partial class ConfigBinder
{
    private static readonly string[] NeighborSetKeys = ["addresses", "remote_asns", "peer_groups"];

    private static readonly (string Name, PolicyResult Value)[] PolicyResults = [("accept", PolicyResult.Accept), ("reject", PolicyResult.Reject)];
    private static readonly (string Name, StatementAction Value)[] StatementActions =
        [("accept", StatementAction.Accept), ("reject", StatementAction.Reject), ("next", StatementAction.Next)];
    private static readonly (string Name, RouteType Value)[] RouteTypes =
        [("local", RouteType.Local), ("internal", RouteType.Internal), ("external", RouteType.External)];
    private static readonly (string Name, Origin Value)[] Origins = [("igp", Origin.Igp), ("egp", Origin.Egp), ("incomplete", Origin.Incomplete)];
    private static readonly (string Name, CommunityMatchMode Value)[] CommunityMatchModes = [("any", CommunityMatchMode.Any), ("all", CommunityMatchMode.All)];
    private static readonly (string Name, RemovePrivateMode Value)[] RemovePrivateModes =
        [("remove", RemovePrivateMode.Remove), ("all", RemovePrivateMode.All), ("replace", RemovePrivateMode.Replace)];

    /// <summary>The policy part of the file: names first (so that references in any order resolve), then each definition.</summary>
    private PolicyConfig BindPolicy(TomlTable root, ICollection<string> peerGroupNames)
    {
        var prefixSets = new List<PrefixSetConfig>();
        var asPathSets = new List<AsPathSetConfig>();
        var communitySets = new List<CommunitySetConfig>();
        var neighborSets = new List<NeighborSetConfig>();
        var policies = new List<PolicyDefinition>();
        foreach (var (key, value) in root)
        {
            switch (key.Name)
            {
                case "prefix_sets":
                    foreach (var (name, list) in NamedEntries(key.Name, value, "an array of prefixes"))
                        if (Strings(name, list) is { } items && Collect<PrefixRange>(items, TryPrefixRange) is { } ranges) prefixSets.Add(new(name, new(ranges)));
                    break;
                case "as_path_sets":
                    foreach (var (name, list) in NamedEntries(key.Name, value, "an array of AS path expressions"))
                        if (Strings(name, list) is { } items && Collect<string>(items, TryAsPath) is { } paths) asPathSets.Add(new(name, new(paths)));
                    break;
                case "community_sets":
                    foreach (var (name, list) in NamedEntries(key.Name, value, "an array of communities"))
                        if (Strings(name, list) is { } items && Collect<CommunityPattern>(items, TryCommunity) is { } patterns) communitySets.Add(new(name, new(patterns)));
                    break;
                case "neighbor_sets":
                    foreach (var (name, table) in NamedEntries(key.Name, value, "a table ([neighbor_sets.NAME])"))
                        if (BindNeighborSet(name, table, peerGroupNames) is { } set) neighborSets.Add(set);
                    break;
            }
        }
        var config = new PolicyConfig(new([.. prefixSets]), new([.. asPathSets]), new([.. communitySets]), new([.. neighborSets]), default);
        // references to a set that failed to bind are not reported again as unknown
        _namesWritten = [.. root.Entries.Where(e => e.Key.Name.EndsWith("_sets", StringComparison.Ordinal) && e.Value is TomlTable)
            .SelectMany(e => ((TomlTable)e.Value).Keys.Select(k => $"{e.Key.Name}.{k}"))];
        if (root.TryGetValue("policies", out var policiesValue))
            foreach (var (name, table) in NamedEntries("policies", policiesValue, "a table ([policies.NAME])"))
                if (BindPolicyDefinition(name, table, config) is { } policy) policies.Add(policy);
        _policyNames = root.TryGetValue("policies", out var p) && p is TomlTable pt ? [.. pt.Keys] : [];
        return config with { Policies = new([.. policies]) };
    }

    private HashSet<string> _namesWritten = [];
    private HashSet<string> _policyNames = [];

    /// <summary>The NAME = value entries of a table of named things, with NAME checked.</summary>
    private IEnumerable<(string Name, TomlValue Value)> NamedEntries(string section, TomlValue value, string expected)
    {
        if (value is not TomlTable table)
        {
            WrongType(section, value, $"a table of NAME = {expected}");
            yield break;
        }
        foreach (var (key, item) in table)
        {
            if (!ValidName(key, section)) continue;
            yield return (key.Name, item);
        }
    }

    private bool ValidName(TomlKey key, string what)
    {
        if (key.Name.Length is > 0 and <= 63 && key.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return true;
        Error("invalid-name", $"a name in [{what}] is 1 to 63 letters, digits, `-` or `_`", key.Span, $"\"{key.Name}\" is not a valid name");
        return false;
    }

    private List<(string Text, TomlSpan Span)>? Strings(string key, TomlValue value)
    {
        if (value is not TomlArray { IsArrayOfTables: false } array)
        {
            WrongType(key, value, "an array of strings");
            return null;
        }
        var result = new List<(string, TomlSpan)>(array.Count);
        bool ok = true;
        foreach (var item in array)
        {
            if (item is TomlString s) result.Add((s.Value, item.Span));
            else { WrongType(key, item, "a string"); ok = false; }
        }
        return ok ? result : null;
    }

    private delegate bool TryParser<T>(string text, out T value, out string? error);

    /// <summary>Parses every item, reporting each bad one; null when any was bad.</summary>
    private T[]? Collect<T>(List<(string Text, TomlSpan Span)> items, TryParser<T> parse)
    {
        var result = new T[items.Count];
        bool ok = true;
        for (int i = 0; i < items.Count; i++)
        {
            if (parse(items[i].Text, out result[i], out var error)) continue;
            Error("invalid-value", $"invalid entry \"{items[i].Text}\"", items[i].Span, error ?? "not valid");
            ok = false;
        }
        return ok ? result : null;
    }

    private static bool TryPrefixRange(string text, out PrefixRange range, out string? error) => PrefixRange.TryParse(text, out range, out error);

    private static bool TryAsPath(string text, out string expression, out string? error)
    {
        expression = text;
        return AsPathRegex.TryCreate(text, out _, out error);
    }

    private static bool TryCommunity(string text, out CommunityPattern pattern, out string? error)
    {
        bool ok = CommunityPattern.TryParse(text, out var p, out error);
        pattern = p!;
        return ok;
    }

    private static bool TryAsnRange(string text, out UIntRange range, out string? error) => UIntRange.TryParse(text, uint.MaxValue, out range, out error);

    /// <summary>An address (a /32 or /128) or a prefix.</summary>
    private static bool TryAddressOrPrefix(string text, out Prefix prefix, out string? error)
    {
        error = null;
        if (text.Contains('/')) return PrefixRange.ParsePrefix(text, out prefix, out error);
        if (TryParseAddress(text, out var address))
        {
            var ip = IpAddr.FromIPAddress(address);
            prefix = Prefix.Create(ip, ip.IsV6 ? 128 : 32);
            return true;
        }
        prefix = default;
        error = $"`{text}` is not an IP address or prefix";
        return false;
    }

    private NeighborSetConfig? BindNeighborSet(string name, TomlValue value, ICollection<string> peerGroupNames)
    {
        if (value is not TomlTable table)
        {
            WrongType($"neighbor_sets.{name}", value, "a table with addresses, remote_asns and/or peer_groups");
            return null;
        }
        Prefix[] addresses = [];
        UIntRange[] asns = [];
        string[] groups = [];
        bool ok = true;
        foreach (var (key, item) in table)
        {
            switch (key.Name)
            {
                case "addresses": ok &= Assign(Strings(key.Name, item) is { } a ? Collect<Prefix>(a, TryAddressOrPrefix) : null, ref addresses); break;
                case "remote_asns": ok &= Assign(AsnList(key.Name, item), ref asns); break;
                case "peer_groups":
                    var list = Strings(key.Name, item);
                    if (list is null) { ok = false; break; }
                    foreach (var (group, span) in list)
                        if (!peerGroupNames.Contains(group))
                        {
                            UnknownReference("peer group", group, span, peerGroupNames, $"define it as [peer_groups.{group}]");
                            ok = false;
                        }
                    groups = [.. list.Select(g => g.Text)];
                    break;
                default: UnknownKey(key, $"[neighbor_sets.{name}]", NeighborSetKeys); ok = false; break;
            }
        }
        return ok ? new NeighborSetConfig(name, new(addresses), new(asns), new(groups)) : null;
    }

    private static bool Assign<T>(T[]? value, ref T[] target)
    {
        if (value is null) return false;
        target = value;
        return true;
    }

    /// <summary>AS numbers as integers or range strings ("64512..65534").</summary>
    private UIntRange[]? AsnList(string key, TomlValue value)
    {
        var items = value is TomlArray { IsArrayOfTables: false } array ? array.ToList() : [value];
        var result = new List<UIntRange>();
        bool ok = true;
        foreach (var item in items)
        {
            if (item is TomlInteger)
            {
                if (Integer(key, item, 0, uint.MaxValue, "an AS number between 0 and 4294967295") is long n) result.Add(new((uint)n, (uint)n));
                else ok = false;
            }
            else if (item is TomlString s)
            {
                if (TryAsnRange(s.Value, out var range, out var error)) result.Add(range);
                else { Error("invalid-value", $"`{key}`: invalid AS range \"{s.Value}\"", item.Span, error!); ok = false; }
            }
            else { WrongType(key, item, "AS numbers or range strings such as \"64512..65534\""); ok = false; }
        }
        return ok ? [.. result] : null;
    }

    private void UnknownReference(string what, string name, TomlSpan span, ICollection<string> known, string help)
    {
        string? suggestion = Suggest(name, [.. known]);
        Error("unknown-reference", $"unknown {what} `{name}`", span,
            suggestion is null ? $"no {what} has this name" : $"did you mean `{suggestion}`?",
            known.Count == 0 ? help : $"defined: {string.Join(", ", known)}");
    }

    private PolicyDefinition? BindPolicyDefinition(string name, TomlValue value, PolicyConfig sets)
    {
        if (value is not TomlTable table)
        {
            WrongType($"policies.{name}", value, "a table ([policies.NAME])");
            return null;
        }
        var defaultAction = PolicyResult.Reject;
        string? description = null;
        var statements = new List<StatementConfig>();
        bool ok = true;
        foreach (var (key, item) in table)
        {
            switch (key.Name)
            {
                case "description": ok &= (description = String(key.Name, item, 255)) is not null; break;
                case "default_action": ok &= Assign(Keyword(key.Name, item, PolicyResults), ref defaultAction); break;
                case "statements" when item is TomlArray { IsArrayOfTables: true } array:
                    var names = new Dictionary<string, TomlSpan>();
                    for (int i = 0; i < array.Count; i++)
                    {
                        var statement = BindStatement(name, i, (TomlTable)array[i], sets);
                        if (statement is null) { ok = false; continue; }
                        if (names.TryGetValue(statement.Name, out var first))
                        {
                            Error("duplicate", $"policy `{name}` has two statements named `{statement.Name}`", ((TomlTable)array[i]).Span,
                                $"already used at line {first.Line}", "statement names identify them in explanations and the API");
                            ok = false;
                        }
                        else names[statement.Name] = ((TomlTable)array[i]).Span;
                        statements.Add(statement);
                    }
                    break;
                case "statements": WrongType("statements", item, $"an array of tables ([[policies.{name}.statements]])"); ok = false; break;
                default: UnknownKey(key, $"[policies.{name}]", PolicyFileKeys.Policy); ok = false; break;
            }
        }
        return ok ? new PolicyDefinition(name, defaultAction, new([.. statements])) { Description = description } : null;
    }

    private StatementConfig? BindStatement(string policy, int index, TomlTable table, PolicyConfig sets)
    {
        string where = $"[[policies.{policy}.statements]]";
        string name = $"{index + 1}";
        StatementAction? action = null;
        MatchConfig? match = MatchConfig.Always;
        SetConfig? set = SetConfig.Nothing;
        bool ok = true;
        foreach (var (key, value) in table)
        {
            switch (key.Name)
            {
                case "name": ok &= AssignRef(String(key.Name, value, 63), ref name); break;
                case "action": ok &= (action = Keyword(key.Name, value, StatementActions)) is not null; break;
                case "match" when value is TomlTable m: match = BindMatch(policy, m, sets); ok &= match is not null; break;
                case "set" when value is TomlTable s: set = BindSet(policy, s); ok &= set is not null; break;
                case "match" or "set": WrongType(key.Name, value, "a table"); ok = false; break;
                default: UnknownKey(key, where, PolicyFileKeys.Statement); ok = false; break;
            }
        }
        if (!table.ContainsKey("action"))
        {
            Error("missing-key", $"missing key `action` in a statement of policy `{policy}`", table.Span,
                "what should a matching route get?", "`action = \"accept\"`, `\"reject\"` or `\"next\"` (apply `set` and go on with the next statement)");
            return null;
        }
        if (action == StatementAction.Reject && set is { IsEmpty: false } && table.TryGetKey("set", out var setKey))
        {
            Error("conflict", "a `reject` statement cannot change the route", setKey.Span, "`set` has no effect on a rejected route",
                "remove `set`, or use `action = \"accept\"` or `\"next\"`");
            return null;
        }
        if (!ok || action is null || match is null || set is null) return null;
        return new StatementConfig(name, action.Value, match, set);
    }

    private MatchConfig? BindMatch(string policy, TomlTable table, PolicyConfig sets)
    {
        string where = $"[policies.{policy}.statements.match]";
        var m = new MatchConfig();
        bool ok = true;
        foreach (var (key, value) in table)
        {
            switch (key.Name)
            {
                case "prefix_set": ok &= (m = m with { PrefixSet = Reference(key.Name, value, "prefix set", "prefix_sets", sets.PrefixSets.Select(s => s.Name)) }).PrefixSet is not null; break;
                case "as_path_set": ok &= (m = m with { AsPathSet = Reference(key.Name, value, "AS path set", "as_path_sets", sets.AsPathSets.Select(s => s.Name)) }).AsPathSet is not null; break;
                case "community_set": ok &= (m = m with { CommunitySet = Reference(key.Name, value, "community set", "community_sets", sets.CommunitySets.Select(s => s.Name)) }).CommunitySet is not null; break;
                case "neighbor_set": ok &= (m = m with { NeighborSet = Reference(key.Name, value, "neighbor set", "neighbor_sets", sets.NeighborSets.Select(s => s.Name)) }).NeighborSet is not null; break;
                case "prefixes":
                    var prefixes = Strings(key.Name, value) is { } p ? Collect<PrefixRange>(p, TryPrefixRange) : null;
                    ok &= prefixes is not null;
                    m = m with { Prefixes = prefixes is null ? null : new(prefixes) };
                    break;
                case "as_path":
                    var expression = String(key.Name, value, 1024);
                    if (expression is not null && !AsPathRegex.TryCreate(expression, out _, out var regexError))
                    {
                        Error("invalid-value", "`as_path` is not a valid expression", value.Span, regexError!);
                        expression = null;
                    }
                    ok &= expression is not null;
                    m = m with { AsPath = expression };
                    break;
                case "as_path_length": ok &= (m = m with { AsPathLength = Range(key.Name, value, 255) }).AsPathLength is not null; break;
                case "local_pref": ok &= (m = m with { LocalPref = Range(key.Name, value, uint.MaxValue) }).LocalPref is not null; break;
                case "med": ok &= (m = m with { Med = Range(key.Name, value, uint.MaxValue) }).Med is not null; break;
                case "origin_asn":
                    var origins = AsnList(key.Name, value);
                    ok &= origins is not null;
                    m = m with { OriginAsn = origins is null ? null : new(origins) };
                    break;
                case "communities":
                    var communities = Strings(key.Name, value) is { } c ? Collect<CommunityPattern>(c, TryCommunity) : null;
                    ok &= communities is not null;
                    m = m with { Communities = communities is null ? null : new(communities) };
                    break;
                case "community_match":
                    var mode = Keyword(key.Name, value, CommunityMatchModes);
                    ok &= mode is not null;
                    m = m with { CommunityMatch = mode ?? CommunityMatchMode.Any };
                    break;
                case "route_type":
                    var types = KeywordList(key.Name, value, RouteTypes);
                    ok &= types is not null;
                    m = m with { RouteType = types is null ? null : new(types) };
                    break;
                case "origin": ok &= (m = m with { Origin = Keyword(key.Name, value, Origins) }).Origin is not null; break;
                case "next_hop":
                    var nextHops = (value is TomlString ? [(((TomlString)value).Value, value.Span)] : Strings(key.Name, value)) is { } n ? Collect<Prefix>(n, TryAddressOrPrefix) : null;
                    ok &= nextHops is not null;
                    m = m with { NextHop = nextHops is null ? null : new(nextHops) };
                    break;
                case "family":
                    var families = KeywordList(key.Name, value, FamilyNames);
                    ok &= families is not null;
                    m = m with { Family = families is null ? null : new(families) };
                    break;
                default: UnknownKey(key, where, PolicyFileKeys.Match); ok = false; break;
            }
        }
        if (table.ContainsKey("community_match") && !table.ContainsKey("communities") && !table.ContainsKey("community_set"))
        {
            Error("conflict", "`community_match` needs `communities` or `community_set`", table["community_match"].Span, "nothing to match");
            ok = false;
        }
        return ok ? m : null;
    }

    /// <summary>A set name, optionally negated with a leading <c>!</c>.</summary>
    private SetRef? Reference(string key, TomlValue value, string what, string section, IEnumerable<string> defined)
    {
        string? text = String(key, value, 64);
        if (text is null) return null;
        bool negated = text.StartsWith('!');
        string name = negated ? text[1..] : text;
        if (defined.Contains(name)) return new SetRef(name, negated);
        if (_namesWritten.Contains($"{section}.{name}")) return null;   // defined, but with errors already reported
        var known = defined.ToList();
        UnknownReference(what, name, value.Span, known, $"define it in [{section}]");
        return null;
    }

    /// <summary>An integer (exactly that) or a range string ("100..200", "100..", "..200").</summary>
    private UIntRange? Range(string key, TomlValue value, uint limit)
    {
        if (value is TomlInteger)
            return Integer(key, value, 0, limit, $"between 0 and {limit}") is long n ? new UIntRange((uint)n, (uint)n) : null;
        if (value is TomlString s)
        {
            if (UIntRange.TryParse(s.Value, limit, out var range, out var error)) return range;
            Error("invalid-value", $"`{key}` is not a valid range", value.Span, error!, "write a number, or a range such as \"100..200\", \"100..\" or \"..200\"");
            return null;
        }
        WrongType(key, value, "an integer or a range string such as \"100..200\"");
        return null;
    }

    private T[]? KeywordList<T>(string key, TomlValue value, (string Name, T Value)[] choices) where T : struct
    {
        var items = value is TomlArray { IsArrayOfTables: false } array ? array.ToList() : [value];
        var result = new List<T>();
        foreach (var item in items)
        {
            if (Keyword(key, item, choices) is not T t) return null;
            result.Add(t);
        }
        return [.. result];
    }

    private SetConfig? BindSet(string policy, TomlTable table)
    {
        string where = $"[policies.{policy}.statements.set]";
        var s = new SetConfig();
        bool ok = true;
        foreach (var (key, value) in table)
        {
            switch (key.Name)
            {
                case "local_pref": ok &= (s = s with { LocalPref = Change(key.Name, value) }).LocalPref is not null; break;
                case "med": ok &= (s = s with { Med = Change(key.Name, value) }).Med is not null; break;
                case "next_hop": ok &= (s = s with { NextHop = NextHopSetting(value) }).NextHop is not null; break;
                case "communities": ok &= (s = s with { Communities = Edit(key.Name, value, CommunityKind.Standard) }).Communities is not null; break;
                case "ext_communities": ok &= (s = s with { ExtCommunities = Edit(key.Name, value, CommunityKind.Extended) }).ExtCommunities is not null; break;
                case "large_communities": ok &= (s = s with { LargeCommunities = Edit(key.Name, value, CommunityKind.Large) }).LargeCommunities is not null; break;
                case "as_path_prepend": ok &= (s = s with { AsPathPrepend = Prepend(value) }).AsPathPrepend is not null; break;
                case "remove_private_as": ok &= (s = s with { RemovePrivateAs = Keyword(key.Name, value, RemovePrivateModes) }).RemovePrivateAs is not null; break;
                default: UnknownKey(key, where, PolicyFileKeys.Set); ok = false; break;
            }
        }
        return ok ? s : null;
    }

    /// <summary><c>200</c> sets, <c>"+10"</c> adds, <c>"-10"</c> subtracts.</summary>
    private ValueChange? Change(string key, TomlValue value)
    {
        if (value is TomlInteger)
            return Integer(key, value, 0, uint.MaxValue, "between 0 and 4294967295") is long n ? new ValueChange(ValueOp.Set, (uint)n) : null;
        if (value is TomlString { Value: [('+' or '-') and var sign, .. var digits] } s
            && uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out uint amount))
            return new ValueChange(sign == '+' ? ValueOp.Add : ValueOp.Subtract, amount);
        if (value is TomlString bad)
        {
            Error("invalid-value", $"`{key}` must be a number, \"+N\" or \"-N\"", value.Span, $"\"{bad.Value}\" is none of these",
                "an integer sets the value; \"+10\" adds 10, \"-10\" subtracts 10");
            return null;
        }
        WrongType(key, value, "an integer, or a string \"+N\" / \"-N\"");
        return null;
    }

    private NextHopSetting? NextHopSetting(TomlValue value)
    {
        if (value is TomlString { Value: "self" }) return new NextHopSetting(NextHopMode.Self);
        if (value is TomlString { Value: "unchanged" }) return new NextHopSetting(NextHopMode.Unchanged);
        if (value is TomlString s && TryParseAddress(s.Value, out var address)) return new NextHopSetting(NextHopMode.Address, address);
        if (value is TomlString other)
            Error("invalid-value", "`next_hop` must be \"self\", \"unchanged\" or an IP address", value.Span, $"\"{other.Value}\" is none of these");
        else WrongType("next_hop", value, "\"self\", \"unchanged\" or an IP address string");
        return null;
    }

    private CommunityEdit? Edit(string key, TomlValue value, CommunityKind kind)
    {
        if (value is not TomlTable table)
        {
            WrongType(key, value, "a table such as { add = [...], remove = [...], replace = [...] }");
            return null;
        }
        CommunityPattern[]? replace = null;
        CommunityPattern[] remove = [], add = [];
        bool ok = true;
        foreach (var (editKey, item) in table)
        {
            if (!PolicyFileKeys.CommunityEdit.Contains(editKey.Name))
            {
                UnknownKey(editKey, $"`{key}`", PolicyFileKeys.CommunityEdit);
                ok = false;
                continue;
            }
            var items = Strings($"{key}.{editKey.Name}", item);
            var patterns = items is null ? null : Collect<CommunityPattern>(items, TryCommunity);
            if (patterns is null) { ok = false; continue; }
            for (int i = 0; i < patterns.Length; i++)
            {
                if (patterns[i].Kind != kind)
                {
                    Error("invalid-value", $"`{key}.{editKey.Name}` takes {KindName(kind)} communities", items![i].Span,
                        $"\"{patterns[i].Text}\" is a {KindName(patterns[i].Kind)} community",
                        "standard ones go in `communities`, rt:/soo: ones in `ext_communities`, A:B:C ones in `large_communities`");
                    ok = false;
                }
                else if (editKey.Name != "remove" && !patterns[i].IsExact)
                {
                    Error("invalid-value", $"`{key}.{editKey.Name}` needs exact communities", items![i].Span,
                        $"\"{patterns[i].Text}\" is a pattern", "wildcards and ranges are for `remove` and for matching");
                    ok = false;
                }
            }
            switch (editKey.Name)
            {
                case "add": add = patterns; break;
                case "remove": remove = patterns; break;
                default: replace = patterns; break;
            }
        }
        return ok ? new CommunityEdit(replace is null ? null : new(replace), new(remove), new(add)) : null;
    }

    private static string KindName(CommunityKind kind) => kind switch
    {
        CommunityKind.Standard => "standard",
        CommunityKind.Extended => "extended",
        _ => "large",
    };

    /// <summary>An integer (our AS that many times) or { asn = "own" | "last" | N, times = N }.</summary>
    private PrependSetting? Prepend(TomlValue value)
    {
        const string Times = "between 1 and 32";
        if (value is TomlInteger)
            return Integer("as_path_prepend", value, 1, PrependSetting.MaxTimes, Times) is long n ? new PrependSetting(PrependSource.Own, 0, (int)n) : null;
        if (value is not TomlTable table)
        {
            WrongType("as_path_prepend", value, "a count (our AS that many times) or { asn = \"own\" | \"last\" | N, times = N }");
            return null;
        }
        var source = PrependSource.Own;
        uint asn = 0;
        int times = 1;
        bool ok = true;
        foreach (var (key, item) in table)
        {
            switch (key.Name)
            {
                case "asn" when item is TomlString { Value: "own" }: source = PrependSource.Own; break;
                case "asn" when item is TomlString { Value: "last" }: source = PrependSource.Last; break;
                case "asn" when item is TomlInteger:
                    if (Asn("as_path_prepend.asn", item) is uint a) (source, asn) = (PrependSource.Asn, a); else ok = false;
                    break;
                case "asn":
                    Error("invalid-value", "`as_path_prepend.asn` must be \"own\", \"last\" or an AS number", item.Span, $"found {Describe(item)}");
                    ok = false;
                    break;
                case "times": ok &= Assign(Integer("as_path_prepend.times", item, 1, PrependSetting.MaxTimes, Times), ref times); break;
                default: UnknownKey(key, "`as_path_prepend`", PolicyFileKeys.Prepend); ok = false; break;
            }
        }
        return ok ? new PrependSetting(source, asn, times) : null;
    }

    /// <summary><c>import_policy</c>/<c>export_policy</c>: policy names, each defined in [policies].</summary>
    private EquatableArray<string>? Chain(string key, TomlValue value)
    {
        var items = value is TomlString single ? [(single.Value, value.Span)] : Strings(key, value);
        if (items is null) return null;
        bool ok = true;
        foreach (var (name, span) in items)
        {
            if (_policyNames.Contains(name)) continue;
            UnknownReference("policy", name, span, _policyNames, $"define it as [policies.{name}]");
            ok = false;
        }
        if (!ok) return null;
        return new EquatableArray<string>([.. items.Select(i => i.Text)]);
    }
}
