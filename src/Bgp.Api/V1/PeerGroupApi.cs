using System.Globalization;
using Bgp.Actors.Config;
using Bgp.Actors.Config.Toml;
using Bgp.Api.Server;
using Grpc.Core;

namespace Bgp.Api.V1;

/// <summary>
/// PeerGroupService. A change is an edit of [peer_groups.NAME] followed by a reload: members are
/// compared after inheritance, so only those whose effective settings changed are touched (and
/// only session-affecting changes reset a session, as on SIGHUP).
/// </summary>
internal sealed class PeerGroupApi(ApiContext api) : PeerGroupService.PeerGroupServiceBase
{
    public override Task<ListPeerGroupsResponse> ListPeerGroups(ListPeerGroupsRequest request, ServerCallContext context) =>
        Task.FromResult(List());

    public override Task<PeerGroup> GetPeerGroup(GetPeerGroupRequest request, ServerCallContext context) =>
        Task.FromResult(Get(request.Name));

    [Mutating]
    public override Task<PeerGroup> SetPeerGroup(SetPeerGroupRequest request, ServerCallContext context) =>
        SetAsync(request, context);

    [Mutating]
    public override Task<DeletePeerGroupResponse> DeletePeerGroup(DeletePeerGroupRequest request, ServerCallContext context) =>
        DeleteAsync(request, context);

    private ListPeerGroupsResponse List()
    {
        var response = new ListPeerGroupsResponse();
        response.PeerGroups.AddRange(api.Config.PeerGroups.Select(g => ToProto(g, api.Config)));
        return response;
    }

    private PeerGroup Get(string name) =>
        api.Config.PeerGroups.FirstOrDefault(g => g.Name == name) is { } group
            ? ToProto(group, api.Config)
            : throw new RpcException(new Status(StatusCode.NotFound, $"no peer group `{name}`"));

    private async Task<PeerGroup> SetAsync(SetPeerGroupRequest request, ServerCallContext call)
    {
        var group = request.PeerGroup ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "peer_group is required"));
        PolicyApi.RequireName(group.Name, "peer_group.name");
        var entries = TomlEntries(group);
        var path = TomlPath.Root.Key("peer_groups").Key(group.Name);
        await api.ChangeConfigAsync((store, apply) => store.MutateAsync(editor =>
        {
            if (PolicyApi.Exists(editor.Document, "peer_groups", group.Name) && editor.Remove(path) is { Success: false } removed) return removed;
            return editor.Set(path, new TomlTable(entries));
        }, apply, call.CancellationToken), call);
        return Get(group.Name);
    }

    private async Task<DeletePeerGroupResponse> DeleteAsync(DeletePeerGroupRequest request, ServerCallContext call)
    {
        var config = api.Config;
        if (!config.PeerGroups.Any(g => g.Name == request.Name)) throw new RpcException(new Status(StatusCode.NotFound, $"no peer group `{request.Name}`"));
        var users = config.Neighbors.Where(n => n.PeerGroup == request.Name).Select(n => $"neighbor {n.Address}")
            .Concat(config.Policy.NeighborSets.Where(s => s.PeerGroups.Contains(request.Name)).Select(s => $"neighbor set {s.Name}")).ToList();
        if (users.Count > 0)
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"peer group `{request.Name}` is named by {string.Join(", ", users)}; change them first"));
        await api.ChangeConfigAsync((store, apply) => store.RemoveAsync(TomlPath.Root.Key("peer_groups").Key(request.Name), apply, call.CancellationToken), call);
        return new DeletePeerGroupResponse();
    }

    private static List<KeyValuePair<string, TomlValue>> TomlEntries(PeerGroup g)
    {
        var e = new List<KeyValuePair<string, TomlValue>>();
        if (g.Description.Length > 0) e.Add(new("description", new TomlString(g.Description)));
        if (g.RemoteAsn != 0) e.Add(new("remote_asn", new TomlInteger(g.RemoteAsn)));
        if (g.LocalAddress.Length > 0) e.Add(new("local_address", new TomlString(g.LocalAddress)));
        if (g.HasPassive) e.Add(new("passive", new TomlBoolean(g.Passive)));
        if (g.HasHoldTime) e.Add(new("hold_time", new TomlInteger(g.HoldTime)));
        if (g.ConnectRetry != 0) e.Add(new("connect_retry", new TomlInteger(g.ConnectRetry)));
        if (g.Families.Count > 0)
            e.Add(new("families", TomlValues.Families(g.Families)));
        if (g.Md5Password.Length > 0) e.Add(new("md5_password", new TomlString(g.Md5Password)));
        if (g.TtlSecurityHops != 0) e.Add(new("ttl_security", new TomlInteger(g.TtlSecurityHops)));
        if (g.MaxPrefixes.Count > 0)
            e.Add(new("max_prefixes", TomlValues.PrefixLimits(g.MaxPrefixes)));
        if (g.HasRouteServerClient) e.Add(new("route_server_client", new TomlBoolean(g.RouteServerClient)));
        if (g.HasRouteReflectorClient) e.Add(new("route_reflector_client", new TomlBoolean(g.RouteReflectorClient)));
        if (g.ImportPolicy.Count > 0) e.Add(new("import_policy", TomlValues.Strings(g.ImportPolicy)));
        if (g.ExportPolicy.Count > 0) e.Add(new("export_policy", TomlValues.Strings(g.ExportPolicy)));
        if (g.RemotePort != 0) e.Add(new("remote_port", new TomlInteger(g.RemotePort)));
        if (g.HasEnabled) e.Add(new("enabled", new TomlBoolean(g.Enabled)));
        return e;
    }

    private static PeerGroup ToProto(PeerGroupConfig g, BgpConfig config)
    {
        var proto = new PeerGroup
        {
            Name = g.Name,
            Description = g.Description ?? "",
            RemoteAsn = g.RemoteAsn ?? 0,
            LocalAddress = g.LocalAddress?.ToString() ?? "",
            ConnectRetry = (uint)(g.ConnectRetry ?? 0),
            TtlSecurityHops = (uint)(g.TtlSecurityHops ?? 0),
            RemotePort = (uint)(g.RemotePort ?? 0),
        };
        if (g.Passive is bool passive) proto.Passive = passive;
        if (g.HoldTime is int hold) proto.HoldTime = (uint)hold;
        if (g.Enabled is bool enabled) proto.Enabled = enabled;
        if (g.RouteServerClient is bool rs) proto.RouteServerClient = rs;
        if (g.RouteReflectorClient is bool rr) proto.RouteReflectorClient = rr;
        proto.Families.AddRange(g.Families?.Select(ProtoMapping.ToFamily) ?? []);
        if (g.MaxPrefixes is { } max)
        {
            if (max.Uniform is uint all)
                foreach (var f in g.Families ?? default) proto.MaxPrefixes[f.ToString()] = all;
            foreach (var limit in max.PerFamily) proto.MaxPrefixes[limit.Family.ToString()] = limit.Limit;
        }
        proto.ImportPolicy.AddRange(g.ImportPolicy ?? default);
        proto.ExportPolicy.AddRange(g.ExportPolicy ?? default);
        proto.Members.AddRange(config.Neighbors.Where(n => n.PeerGroup == g.Name).Select(n => n.Address.ToString()));
        return proto;
    }
}
