using System.Globalization;
using System.Net;
using Bgp.Actors.Config;
using Bgp.Actors.Config.Persistence;
using Bgp.Actors.Config.Toml;
using Bgp.Api.Server;
using Grpc.Core;
using C = Bgp.Actors.Config;

namespace Bgp.Api.V1;

/// <summary>
/// PolicyService: policies, sets and chains. Every change is an edit of the configuration file
/// (validated by the same binder as the file, written atomically) followed by a reload of the
/// policy, which re-evaluates only the routes whose chains changed; no session is reset.
/// </summary>
internal sealed class PolicyApi(ApiContext api) : PolicyService.PolicyServiceBase
{
    public override Task<ListPoliciesResponse> ListPolicies(ListPoliciesRequest request, ServerCallContext context) =>
        Task.FromResult(List());

    public override Task<Policy> GetPolicy(GetPolicyRequest request, ServerCallContext context) =>
        Task.FromResult(Get(request.Name));

    [Mutating]
    public override Task<Policy> SetPolicy(SetPolicyRequest request, ServerCallContext context) =>
        SetAsync(request, context);

    [Mutating]
    public override Task<DeletePolicyResponse> DeletePolicy(DeletePolicyRequest request, ServerCallContext context) =>
        DeleteAsync(request, context);

    public override Task<ListDefinedSetsResponse> ListDefinedSets(ListDefinedSetsRequest request, ServerCallContext context) =>
        Task.FromResult(ListSets(request.Type));

    [Mutating]
    public override Task<DefinedSet> SetDefinedSet(SetDefinedSetRequest request, ServerCallContext context) =>
        SetSetAsync(request, context);

    [Mutating]
    public override Task<DeleteDefinedSetResponse> DeleteDefinedSet(DeleteDefinedSetRequest request, ServerCallContext context) =>
        DeleteSetAsync(request, context);

    [Mutating]
    public override Task<SetChainResponse> SetChain(SetChainRequest request, ServerCallContext context) =>
        SetChainAsync(request, context);

    private static readonly TomlPath Policies = TomlPath.Root.Key("policies");

    private ListPoliciesResponse List()
    {
        var config = api.Config;
        var response = new ListPoliciesResponse();
        response.Policies.AddRange(config.Policy.Policies.Select(PolicyText.ToProto));
        var global = new Chain { Target = new ChainTarget { Global = true } };
        global.ImportPolicy.AddRange(config.Global.ImportPolicy);
        global.ExportPolicy.AddRange(config.Global.ExportPolicy);
        if (global.ImportPolicy.Count + global.ExportPolicy.Count > 0) response.Chains.Add(global);
        foreach (var g in config.PeerGroups.Where(g => g.ImportPolicy is not null || g.ExportPolicy is not null))
            response.Chains.Add(ChainOf(new ChainTarget { PeerGroup = g.Name }, g.ImportPolicy ?? default, g.ExportPolicy ?? default));
        foreach (var n in config.Neighbors.Where(n => !n.ImportPolicy.IsEmpty || !n.ExportPolicy.IsEmpty))
            response.Chains.Add(ChainOf(new ChainTarget { Neighbor = n.Address.ToString() }, n.ImportPolicy, n.ExportPolicy));
        return response;
    }

    private static Chain ChainOf(ChainTarget target, Wire.EquatableArray<string> import, Wire.EquatableArray<string> export)
    {
        var chain = new Chain { Target = target };
        chain.ImportPolicy.AddRange(import);
        chain.ExportPolicy.AddRange(export);
        return chain;
    }

    private Policy Get(string name) =>
        api.Config.Policy.FindPolicy(name) is { } policy ? PolicyText.ToProto(policy) : throw new RpcException(new Status(StatusCode.NotFound, $"no policy `{name}`"));

    private async Task<Policy> SetAsync(SetPolicyRequest request, ServerCallContext call)
    {
        var policy = request.Policy ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "policy is required"));
        RequireName(policy.Name, "policy.name");
        var statements = policy.Statements.Select((s, i) => PolicyText.ToToml(s, i)).ToList();
        await api.ChangeConfigAsync((store, apply) => store.MutateAsync(editor =>
        {
            var path = Policies.Key(policy.Name);
            if (Exists(editor.Document, "policies", policy.Name) && editor.Remove(path) is { Success: false } removed) return removed;
            var result = editor.Set(path.Key("default_action"), new TomlString(policy.DefaultAction.Length == 0 ? "reject" : policy.DefaultAction));
            if (result.Success && policy.Description.Length > 0) result = editor.Set(path.Key("description"), new TomlString(policy.Description));
            foreach (var statement in statements)
                if (result.Success) result = editor.AppendArrayTable(path.Key("statements"), statement);
            return result;
        }, apply, call.CancellationToken), call);
        return Get(policy.Name);
    }

    private async Task<DeletePolicyResponse> DeleteAsync(DeletePolicyRequest request, ServerCallContext call)
    {
        var config = api.Config;
        if (config.Policy.FindPolicy(request.Name) is null) throw new RpcException(new Status(StatusCode.NotFound, $"no policy `{request.Name}`"));
        var users = ChainUsers(config, request.Name).ToList();
        if (users.Count > 0)
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"policy `{request.Name}` is in the chains of {string.Join(", ", users)}; take it out of them first"));
        await api.ChangeConfigAsync((store, apply) => store.RemoveAsync(Policies.Key(request.Name), apply, call.CancellationToken), call);
        return new DeletePolicyResponse();
    }

    private static IEnumerable<string> ChainUsers(BgpConfig config, string policy)
    {
        if (config.Global.ImportPolicy.Contains(policy) || config.Global.ExportPolicy.Contains(policy)) yield return "[global]";
        foreach (var g in config.PeerGroups.ToArray())
            if ((g.ImportPolicy?.Contains(policy) ?? false) || (g.ExportPolicy?.Contains(policy) ?? false)) yield return $"peer group {g.Name}";
        foreach (var n in config.Neighbors.ToArray())
            if (n.ImportPolicy.Contains(policy) || n.ExportPolicy.Contains(policy)) yield return $"neighbor {n.Address}";
    }

    private ListDefinedSetsResponse ListSets(DefinedSetType type)
    {
        var p = api.Config.Policy;
        var response = new ListDefinedSetsResponse();
        bool All(DefinedSetType t) => type == DefinedSetType.Unspecified || type == t;
        if (All(DefinedSetType.Prefix))
            foreach (var s in p.PrefixSets) response.Sets.Add(Set(DefinedSetType.Prefix, s.Name, s.Prefixes.Select(r => r.ToString())));
        if (All(DefinedSetType.AsPath))
            foreach (var s in p.AsPathSets) response.Sets.Add(Set(DefinedSetType.AsPath, s.Name, s.Expressions));
        if (All(DefinedSetType.Community))
            foreach (var s in p.CommunitySets) response.Sets.Add(Set(DefinedSetType.Community, s.Name, s.Communities.Select(c => c.Text)));
        if (All(DefinedSetType.Neighbor))
            foreach (var s in p.NeighborSets)
            {
                var set = Set(DefinedSetType.Neighbor, s.Name, []);
                set.Addresses.AddRange(s.Addresses.Select(a => a.ToString()));
                set.RemoteAsns.AddRange(s.RemoteAsns.Select(r => r.ToString()));
                set.PeerGroups.AddRange(s.PeerGroups);
                response.Sets.Add(set);
            }
        return response;

        static DefinedSet Set(DefinedSetType type, string name, IEnumerable<string> members)
        {
            var set = new DefinedSet { Type = type, Name = name };
            set.Members.AddRange(members);
            return set;
        }
    }

    private static string Section(DefinedSetType type) => type switch
    {
        DefinedSetType.Prefix => "prefix_sets",
        DefinedSetType.AsPath => "as_path_sets",
        DefinedSetType.Community => "community_sets",
        DefinedSetType.Neighbor => "neighbor_sets",
        _ => throw new RpcException(new Status(StatusCode.InvalidArgument, "type must be PREFIX, AS_PATH, COMMUNITY or NEIGHBOR")),
    };

    private async Task<DefinedSet> SetSetAsync(SetDefinedSetRequest request, ServerCallContext call)
    {
        var set = request.Set ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "set is required"));
        RequireName(set.Name, "set.name");
        string section = Section(set.Type);
        var path = TomlPath.Root.Key(section).Key(set.Name);
        await api.ChangeConfigAsync((store, apply) => store.MutateAsync(editor =>
        {
            if (set.Type != DefinedSetType.Neighbor) return editor.Set(path, TomlValues.Strings(set.Members));
            if (Exists(editor.Document, section, set.Name) && editor.Remove(path) is { Success: false } removed) return removed;
            var result = editor.Set(path.Key("addresses"), TomlValues.Strings(set.Addresses));
            if (result.Success) result = editor.Set(path.Key("remote_asns"), new TomlArray(set.RemoteAsns.Select(TomlValues.NumberOrString)));
            if (result.Success) result = editor.Set(path.Key("peer_groups"), TomlValues.Strings(set.PeerGroups));
            return result;
        }, apply, call.CancellationToken), call);
        return ListSets(set.Type).Sets.Single(s => s.Name == set.Name);
    }

    private async Task<DeleteDefinedSetResponse> DeleteSetAsync(DeleteDefinedSetRequest request, ServerCallContext call)
    {
        string section = Section(request.Type);
        if (!Exists(api.Config, request.Type, request.Name)) throw new RpcException(new Status(StatusCode.NotFound, $"no {section} entry `{request.Name}`"));
        var users = api.Config.Policy.Policies.Where(p => p.Statements.Any(s => Names(s.Match, request.Type, request.Name))).Select(p => p.Name).ToList();
        if (users.Count > 0)
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"`{request.Name}` is used by the policies {string.Join(", ", users)}; change them first"));
        await api.ChangeConfigAsync((store, apply) => store.RemoveAsync(TomlPath.Root.Key(section).Key(request.Name), apply, call.CancellationToken), call);
        return new DeleteDefinedSetResponse();
    }

    private static bool Exists(BgpConfig config, DefinedSetType type, string name) => type switch
    {
        DefinedSetType.Prefix => config.Policy.FindPrefixSet(name) is not null,
        DefinedSetType.AsPath => config.Policy.FindAsPathSet(name) is not null,
        DefinedSetType.Community => config.Policy.FindCommunitySet(name) is not null,
        _ => config.Policy.FindNeighborSet(name) is not null,
    };

    private static bool Names(MatchConfig m, DefinedSetType type, string name) => (type switch
    {
        DefinedSetType.Prefix => m.PrefixSet,
        DefinedSetType.AsPath => m.AsPathSet,
        DefinedSetType.Community => m.CommunitySet,
        _ => m.NeighborSet,
    })?.Name == name;

    private async Task<SetChainResponse> SetChainAsync(SetChainRequest request, ServerCallContext call)
    {
        var target = request.Target ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "target is required"));
        string key = request.Direction switch
        {
            PolicyDirection.Import => "import_policy",
            PolicyDirection.Export => "export_policy",
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, "direction must be IMPORT or EXPORT")),
        };
        int targets = (target.Global ? 1 : 0) + (target.Neighbor.Length > 0 ? 1 : 0) + (target.PeerGroup.Length > 0 ? 1 : 0);
        if (targets != 1) throw new RpcException(new Status(StatusCode.InvalidArgument, "target needs exactly one of global, neighbor, peer_group"));
        IPAddress? neighbor = target.Neighbor.Length > 0 ? api.RequireNeighbor(target.Neighbor, "target.neighbor") : null;
        if (target.PeerGroup.Length > 0 && !api.Config.PeerGroups.Any(g => g.Name == target.PeerGroup))
            throw new RpcException(new Status(StatusCode.NotFound, $"no peer group `{target.PeerGroup}`"));
        var value = TomlValues.Strings(request.Policies);
        TomlPath PathIn(TomlDocument document) =>
            target.Global ? TomlPath.Root.Key("global").Key(key)
            : neighbor is not null ? TomlPath.Root.Key("neighbors").Index(ConfigStore.NeighborIndex(document, neighbor)!.Value).Key(key)
            : TomlPath.Root.Key("peer_groups").Key(target.PeerGroup).Key(key);
        bool clearing = request.Policies.Count == 0 && !target.Global;
        var current = api.Store.Document;
        if (!clearing || current.TryGetValue(PathIn(current), out _))
            await api.ChangeConfigAsync((store, apply) => store.MutateAsync(editor =>
                clearing ? editor.Remove(PathIn(editor.Document)) : editor.Set(PathIn(editor.Document), value), apply, call.CancellationToken), call);
        var config = api.Config;
        Chain chain;
        if (target.Global) chain = ChainOf(target, config.Global.ImportPolicy, config.Global.ExportPolicy);
        else if (neighbor is not null) chain = ChainOf(target, config.FindNeighbor(neighbor)!.ImportPolicy, config.FindNeighbor(neighbor)!.ExportPolicy);
        else
        {
            var group = config.PeerGroups.First(g => g.Name == target.PeerGroup);
            chain = ChainOf(target, group.ImportPolicy ?? default, group.ExportPolicy ?? default);
        }
        return new SetChainResponse { Chain = chain };
    }

    internal static bool Exists(TomlDocument document, string section, string name) =>
        document.Root.TryGetValue(section, out var table) && table is TomlTable t && t.ContainsKey(name);

    internal static void RequireName(string name, string field)
    {
        if (name.Length is 0 or > 63 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field} must be 1 to 63 letters, digits, '-' or '_'"));
    }
}
