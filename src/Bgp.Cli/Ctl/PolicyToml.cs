using System.Globalization;
using System.Text;
using PolicyFileKeys = Bgp.Actors.Config.PolicyFileKeys;
using Bgp.Actors.Config.Toml;
using Bgp.Api.V1;

namespace Bgp.Cli.Ctl;

/// <summary>
/// A policy as the configuration file writes it (docs/CONFIGURATION.md, "Policy"), to and from the
/// API's <see cref="Policy"/> message. The API carries the file's text forms, so reading moves values
/// without interpreting them: the shape is checked here (known keys, a string or an integer where the
/// file takes one; errors as FILE:LINE:COLUMN), the values themselves (prefix ranges, community
/// patterns, set names, the reject-with-set rule) by the daemon, with the checks of its own file.
/// </summary>
internal static class PolicyToml
{

    /// <summary>
    /// Policy <paramref name="name"/> from TOML holding either its part of the configuration file
    /// (<c>[policies.NAME]</c> and <c>[[policies.NAME.statements]]</c>) or only its keys
    /// (<c>description</c>, <c>default_action</c>, <c>[[statements]]</c>). A usage error otherwise.
    /// </summary>
    public static Policy Read(string text, string fileName, string name) => new Reader(fileName).Policy(text, name);

    private sealed class Reader(string fileName)
    {
        public Policy Policy(string text, string name)
        {
            var parsed = TomlDocument.Parse(text, fileName);
            if (!parsed.TryGetDocument(out var document)) throw new UsageException(parsed.Diagnostics[0].ToString());
            var table = document.Root;
            if (table.ContainsKey("policies"))
            {
                foreach (var other in table.Entries.Where(e => e.Key.Name != "policies"))
                    throw Error(other.Key.Span, $"`{other.Key.Name}`: a policy file holds [policies.{name}] and nothing else (sets: bgpactorsctl policy sets set)");
                if (table["policies"] is not TomlTable policies) throw Error(table["policies"].Span, "`policies` must be a table ([policies.NAME])");
                foreach (var other in policies.Entries.Where(e => e.Key.Name != name))
                    throw Error(other.Key.Span, $"[policies.{other.Key.Name}] is not policy `{name}`: a file holds one policy");
                if (!policies.TryGetValue(name, out var value)) throw new UsageException($"{fileName}: there is no [policies.{name}] in the file");
                table = value as TomlTable ?? throw Error(value.Span, $"`policies.{name}` must be a table");
            }

            var policy = new Policy { Name = name };
            foreach (var (key, value) in table)
            {
                switch (key.Name)
                {
                    case "description": policy.Description = String(key, value); break;
                    case "default_action": policy.DefaultAction = String(key, value); break;
                    case "statements":
                        if (value is not TomlArray array || array.Any(item => item is not TomlTable))
                            throw Error(value.Span, "`statements` must be an array of tables ([[policies.NAME.statements]])");
                        policy.Statements.AddRange(array.Cast<TomlTable>().Select(Statement));
                        break;
                    default: throw Unknown(key, table == document.Root ? "the policy (or write [policies.NAME])" : $"[policies.{name}]", PolicyFileKeys.Policy);
                }
            }
            return policy;
        }

        private Statement Statement(TomlTable table)
        {
            var statement = new Statement();
            foreach (var (key, value) in table)
            {
                switch (key.Name)
                {
                    case "name": statement.Name = String(key, value); break;
                    case "action":
                        statement.Action = String(key, value) switch
                        {
                            "accept" => StatementAction.Accept,
                            "reject" => StatementAction.Reject,
                            "next" => StatementAction.Next,
                            var other => throw Error(value.Span, $"`action` must be \"accept\", \"reject\" or \"next\", not \"{other}\""),
                        };
                        break;
                    case "match": statement.Match = Match(Table(key, value)); break;
                    case "set": statement.Set = Set(Table(key, value)); break;
                    default: throw Unknown(key, "a statement", PolicyFileKeys.Statement);
                }
            }
            if (!table.ContainsKey("action"))
                throw Error(table.Span, "a statement needs `action` (\"accept\", \"reject\" or \"next\": apply `set` and go on)");
            return statement;
        }

        private Match Match(TomlTable table)
        {
            var m = new Match();
            foreach (var (key, value) in table)
            {
                switch (key.Name)
                {
                    case "prefix_set": m.PrefixSet = String(key, value); break;
                    case "prefixes": m.Prefixes.AddRange(Strings(key, value)); break;
                    case "as_path_set": m.AsPathSet = String(key, value); break;
                    case "as_path": m.AsPath = String(key, value); break;
                    case "as_path_length": m.AsPathLength = Scalar(key, value); break;
                    case "origin_asn": m.OriginAsn.AddRange(Scalars(key, value)); break;
                    case "community_set": m.CommunitySet = String(key, value); break;
                    case "communities": m.Communities.AddRange(Strings(key, value)); break;
                    case "community_match": m.CommunityMatch = String(key, value); break;
                    case "neighbor_set": m.NeighborSet = String(key, value); break;
                    case "route_type": m.RouteType.AddRange(Strings(key, value)); break;
                    case "origin": m.Origin = String(key, value); break;
                    case "next_hop": m.NextHop.AddRange(Strings(key, value)); break;
                    case "local_pref": m.LocalPref = Scalar(key, value); break;
                    case "med": m.Med = Scalar(key, value); break;
                    case "family":
                        foreach (var family in Strings(key, value))
                            m.Family.Add(Format.ParseFamily(family) is var f && f != Family.Unspecified
                                ? f : throw Error(value.Span, $"`family`: unknown family \"{family}\" (ipv4-unicast, ipv6-unicast)"));
                        break;
                    default: throw Unknown(key, "`match`", PolicyFileKeys.Match);
                }
            }
            return m;
        }

        private Actions Set(TomlTable table)
        {
            var a = new Actions();
            foreach (var (key, value) in table)
            {
                switch (key.Name)
                {
                    case "local_pref": a.LocalPref = Scalar(key, value); break;
                    case "med": a.Med = Scalar(key, value); break;
                    case "next_hop": a.NextHop = String(key, value); break;
                    case "communities": a.Communities = Edit(key, value); break;
                    case "ext_communities": a.ExtCommunities = Edit(key, value); break;
                    case "large_communities": a.LargeCommunities = Edit(key, value); break;
                    case "as_path_prepend": a.AsPathPrepend = Prepend(key, value); break;
                    case "remove_private_as": a.RemovePrivateAs = String(key, value); break;
                    default: throw Unknown(key, "`set`", PolicyFileKeys.Set);
                }
            }
            return a;
        }

        private CommunityEdit Edit(TomlKey key, TomlValue value)
        {
            var edit = new CommunityEdit();
            foreach (var (part, items) in Table(key, value))
            {
                // An empty `replace` means "remove every community of the kind": it is kept (replace_set), where
                // empty `add`/`remove` lists change nothing.
                switch (part.Name)
                {
                    case "replace": edit.Replace.AddRange(Strings(part, items, emptyAllowed: true)); edit.ReplaceSet = true; break;
                    case "remove": edit.Remove.AddRange(Strings(part, items, emptyAllowed: true)); break;
                    case "add": edit.Add.AddRange(Strings(part, items, emptyAllowed: true)); break;
                    default: throw Unknown(part, $"`{key.Name}`", PolicyFileKeys.CommunityEdit);
                }
            }
            return edit;
        }

        private Prepend Prepend(TomlKey key, TomlValue value)
        {
            if (value is TomlInteger) return new Prepend { Asn = "own", Times = Times(key, value) };
            var prepend = new Prepend { Asn = "own", Times = 1 };
            foreach (var (part, item) in Table(key, value, "a count, or a table { asn = \"own\" | \"last\" | N, times = N }"))
            {
                switch (part.Name)
                {
                    case "asn": prepend.Asn = Scalar(part, item); break;
                    case "times": prepend.Times = Times(part, item); break;
                    default: throw Unknown(part, "`as_path_prepend`", PolicyFileKeys.Prepend);
                }
            }
            return prepend;
        }

        /// <summary>1 to 32: the API reads 0 as "once", so a 0 in the file must not get that far.</summary>
        private uint Times(TomlKey key, TomlValue value) =>
            value is TomlInteger { Value: >= 1 and <= 32 } n ? (uint)n.Value
                : throw Error(value.Span, $"`{key.Name}` must be an integer between 1 and 32");

        private TomlTable Table(TomlKey key, TomlValue value, string what = "a table") =>
            value as TomlTable ?? throw Error(value.Span, $"`{key.Name}` must be {what}");

        /// <summary>
        /// A non-empty string: the API's empty string means "not given", so an empty value would be
        /// dropped rather than refused.
        /// </summary>
        private string String(TomlKey key, TomlValue value) => value switch
        {
            TomlString { Value.Length: > 0 } s => s.Value,
            TomlString => throw Error(value.Span, $"`{key.Name}` is empty"),
            _ => throw Error(value.Span, $"`{key.Name}` must be a string"),
        };

        /// <summary>A number or a text form ("100..200", "+10", "last"), as the API carries both: as text. Negative numbers are refused here ("-10" is a change).</summary>
        private string Scalar(TomlKey key, TomlValue value) => value switch
        {
            TomlInteger { Value: >= 0 } n => n.Value.ToString(CultureInfo.InvariantCulture),
            TomlInteger => throw Error(value.Span, $"`{key.Name}` must not be negative (\"-N\" as a string subtracts)"),
            TomlString => String(key, value),
            _ => throw Error(value.Span, $"`{key.Name}` must be an integer or a string"),
        };

        /// <summary>
        /// One value or an array of them. An empty array is refused where the API cannot carry it: an
        /// absent condition matches every route, an empty one none.
        /// </summary>
        private List<string> Strings(TomlKey key, TomlValue value, bool emptyAllowed = false) =>
            Many(key, value, emptyAllowed, item => item is TomlString s ? s.Value : throw Error(item.Span, $"`{key.Name}` takes strings"));

        private List<string> Scalars(TomlKey key, TomlValue value) => Many(key, value, false, item => Scalar(key, item));

        private List<string> Many(TomlKey key, TomlValue value, bool emptyAllowed, Func<TomlValue, string> read)
        {
            if (value is not TomlArray array) return [read(value)];
            if (array.Count == 0 && !emptyAllowed)
                throw Error(value.Span, $"`{key.Name}` is empty: leave the key out to match every route");
            return [.. array.Select(read)];
        }

        private UsageException Unknown(TomlKey key, string where, string[] known) =>
            Error(key.Span, $"unknown key `{key.Name}` in {where} (known: {string.Join(", ", known)})");

        private UsageException Error(TomlSpan span, string message) => new($"{(span.IsEmpty ? fileName : span.ToString())}: {message}");
    }

    /// <summary>The policy as the configuration file writes it, for <c>policy NAME --toml</c>; <see cref="Read"/> reads it back.</summary>
    public static string Write(Policy policy)
    {
        var key = TomlWriter.FormatKey(policy.Name);
        var text = new StringBuilder().Append("[policies.").Append(key).Append("]\n");
        if (policy.Description.Length > 0) text.Append("description = ").Append(TomlWriter.FormatString(policy.Description)).Append('\n');
        text.Append("default_action = ").Append(TomlWriter.FormatString(policy.DefaultAction.Length == 0 ? "reject" : policy.DefaultAction)).Append('\n');
        foreach (var s in policy.Statements)
        {
            text.Append("\n[[policies.").Append(key).Append(".statements]]\n");
            if (s.Name.Length > 0) text.Append("name = ").Append(TomlWriter.FormatString(s.Name)).Append('\n');
            text.Append("action = ").Append(TomlWriter.FormatString(Action(s.Action))).Append('\n');
            if (PolicyText.Match(s.Match) is { Count: > 0 } match) text.Append("match = ").Append(TomlWriter.FormatValue(new TomlTable(match))).Append('\n');
            if (PolicyText.Set(s.Set) is { Count: > 0 } set) text.Append("set = ").Append(TomlWriter.FormatValue(new TomlTable(set))).Append('\n');
        }
        return text.ToString();
    }

    public static string Action(StatementAction action) => action switch
    {
        StatementAction.Accept => "accept",
        StatementAction.Reject => "reject",
        StatementAction.Next => "next",
        _ => "unspecified",
    };

    /// <summary>Entries as an inline table's inside: <c>prefix_set = "bogons", origin_asn = [64510]</c> (empty: none).</summary>
    public static string Inline(IEnumerable<KeyValuePair<string, TomlValue>> entries) =>
        string.Join(", ", entries.Select(e => $"{TomlWriter.FormatKey(e.Key)} = {TomlWriter.FormatValue(e.Value)}"));
}
