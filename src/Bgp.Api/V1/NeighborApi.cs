using System.Net;
using Bgp.Actors.Config;
using Bgp.Actors.Config.Persistence;
using Bgp.Actors.Config.Toml;
using Bgp.Actors.Rib;
using Bgp.Actors.Sessions;
using Bgp.Api.Server;
using Grpc.Core;
using Google.Protobuf.WellKnownTypes;
using FsmState = Bgp.Actors.Fsm.SessionState;

namespace Bgp.Api.V1;

/// <summary>NeighborService: list, show, add, delete, enable, disable, soft reset.</summary>
internal sealed class NeighborApi(ApiContext api) : NeighborService.NeighborServiceBase
{
    public override Task<ListNeighborsResponse> ListNeighbors(ListNeighborsRequest request, ServerCallContext context) =>
        ListAsync(request, context);

    public override Task<Neighbor> GetNeighbor(GetNeighborRequest request, ServerCallContext context) =>
        GetAsync(request, context);

    [Mutating]
    public override Task<Neighbor> AddNeighbor(AddNeighborRequest request, ServerCallContext context) =>
        AddAsync(request, context);

    [Mutating]
    public override Task<DeleteNeighborResponse> DeleteNeighbor(DeleteNeighborRequest request, ServerCallContext context) =>
        DeleteAsync(request, context);

    [Mutating]
    public override Task<Neighbor> EnableNeighbor(EnableNeighborRequest request, ServerCallContext context) =>
        EnableAsync(request, context);

    [Mutating]
    public override Task<Neighbor> DisableNeighbor(DisableNeighborRequest request, ServerCallContext context) =>
        DisableAsync(request, context);

    [Mutating]
    public override Task<SoftResetNeighborResponse> SoftResetNeighbor(SoftResetNeighborRequest request, ServerCallContext context) =>
        SoftResetAsync(request, context);

    private async Task<ListNeighborsResponse> ListAsync(ListNeighborsRequest request, ServerCallContext call)
    {
        var statuses = await api.AskAsync<ManagerCommand, IReadOnlyList<PeerStatus>>(api.Manager, r => new ManagerCommand.ListPeers(r), call);
        var counts = await RibCountsAsync(call);
        var response = new ListNeighborsResponse();
        foreach (var status in statuses.OrderBy(s => s.Address.GetAddressBytes(), AddressOrder.Instance))
            response.Neighbors.Add(ToProto(status, api.Config.FindNeighbor(status.Address), counts.GetValueOrDefault(status.Address)));
        return response;
    }

    private async Task<Neighbor> GetAsync(GetNeighborRequest request, ServerCallContext call) =>
        await NeighborAsync(ProtoMapping.Address(request.Address, "address"), call);

    private async Task<Neighbor> NeighborAsync(IPAddress address, ServerCallContext call)
    {
        var status = await api.AskAsync<ManagerCommand, PeerStatus?>(api.Manager, r => new ManagerCommand.GetPeer(address, r), call)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"no neighbor {address} is configured"));
        var counts = await RibCountsAsync(call);
        return ToProto(status, api.Config.FindNeighbor(address), counts.GetValueOrDefault(address));
    }

    private async Task<IReadOnlyDictionary<IPAddress, PeerRibCounts>> RibCountsAsync(ServerCallContext call) =>
        (await api.AskAsync<RibCommand, RibSummary>(api.Rib, r => new RibCommand.GetSummary(r), call)).Peers;

    private async Task<Neighbor> AddAsync(AddNeighborRequest request, ServerCallContext call)
    {
        var n = request.Neighbor ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "neighbor is required"));
        var address = ProtoMapping.Address(n.Address, "neighbor.address");
        if (api.Config.FindNeighbor(address) is not null) throw new RpcException(new Status(StatusCode.AlreadyExists, $"neighbor {address} is already configured"));
        var entries = TomlEntries(n, address);
        await api.ChangeConfigAsync((store, apply) => store.AddNeighborAsync(entries, apply, call.CancellationToken), call);
        return await NeighborAsync(address, call);
    }

    private async Task<DeleteNeighborResponse> DeleteAsync(DeleteNeighborRequest request, ServerCallContext call)
    {
        var address = api.RequireNeighbor(request.Address, "address");
        await api.ChangeConfigAsync((store, apply) => store.RemoveNeighborAsync(address, apply, call.CancellationToken), call);
        return new DeleteNeighborResponse();
    }

    private async Task<Neighbor> EnableAsync(EnableNeighborRequest request, ServerCallContext call)
    {
        var address = api.RequireNeighbor(request.Address, "address");
        await api.ChangeConfigAsync((store, apply) => SetEnabledAsync(store, address, true, apply, call.CancellationToken), call, async () =>
            Check(await api.AskAsync<ManagerCommand, PeerChangeResult>(api.Manager, r => new ManagerCommand.EnablePeer(address, r), call)));
        return await NeighborAsync(address, call);
    }

    /// <summary>Disables with the shutdown text and persists <c>enabled = false</c>, so a restart keeps the neighbor down.</summary>
    private async Task<Neighbor> DisableAsync(DisableNeighborRequest request, ServerCallContext call)
    {
        var address = api.RequireNeighbor(request.Address, "address");
        string? text = string.IsNullOrEmpty(request.ShutdownText) ? null : request.ShutdownText;
        await api.ChangeConfigAsync((store, apply) => SetEnabledAsync(store, address, false, apply, call.CancellationToken), call, async () =>
            Check(await api.AskAsync<ManagerCommand, PeerChangeResult>(api.Manager, r => new ManagerCommand.DisablePeer(address, text, r), call)));
        return await NeighborAsync(address, call);
    }

    /// <summary>
    /// The neighbor's <c>enabled</c> key: <c>false</c> to disable; to enable, the key is removed, or written
    /// <c>true</c> when the neighbor's peer group says <c>enabled = false</c>. Unchanged files are not rewritten.
    /// </summary>
    private static Task<ConfigMutationResult> SetEnabledAsync(ConfigStore store, IPAddress address, bool enabled, ConfigApplier apply, CancellationToken ct)
    {
        var current = store.Current;
        var unchanged = Task.FromResult(new ConfigMutationResult(true, current, null, null, []));
        var neighbor = current.FindNeighbor(address);
        bool groupDisables = neighbor?.PeerGroup is { } name && current.PeerGroups.FirstOrDefault(g => g.Name == name)?.Enabled == false;
        var document = store.Document;
        if (ConfigStore.NeighborIndex(document, address) is not int index)
            throw new RpcException(new Status(StatusCode.NotFound, $"no neighbor {address} in {store.Path}"));
        var path = TomlPath.Root.Key("neighbors").Index(index).Key("enabled");
        TomlValue? written = document.TryGetValue(path, out var value) ? value : null;
        if (enabled && !groupDisables) return written is null ? unchanged : store.RemoveAsync(path, apply, ct);
        if (written is TomlBoolean b && b.Value == enabled) return unchanged;
        return store.SetAsync(path, new TomlBoolean(enabled), apply, ct);
    }

    private async Task<SoftResetNeighborResponse> SoftResetAsync(SoftResetNeighborRequest request, ServerCallContext call)
    {
        var address = api.RequireNeighbor(request.Address, "address");
        var family = request.Family == Family.Unspecified ? (Wire.AfiSafi?)null
            : ProtoMapping.ToAfiSafi(request.Family) ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"unknown family {request.Family}"));
        var result = await api.AskAsync<ManagerCommand, RouteRefreshResult>(api.Manager, r => new ManagerCommand.SoftResetPeer(address, family, r), call);
        if (!result.Success) throw new RpcException(new Status(StatusCode.FailedPrecondition, result.Error!));
        var response = new SoftResetNeighborResponse();
        response.Refreshed.AddRange(result.Families.Select(ProtoMapping.ToFamily));
        return response;
    }

    private static void Check(PeerChangeResult result)
    {
        if (!result.Ok) throw new RpcException(new Status(StatusCode.FailedPrecondition, result.Message));
    }

    /// <summary>The [[neighbors]] keys for a new neighbor: only what the request sets, so defaults and the peer group apply.</summary>
    private static List<KeyValuePair<string, TomlValue>> TomlEntries(NeighborConfig n, IPAddress address)
    {
        var e = new List<KeyValuePair<string, TomlValue>> { new("address", new TomlString(address.ToString())) };
        if (n.RemoteAsn != 0) e.Add(new("remote_asn", new TomlInteger(n.RemoteAsn)));
        if (n.Description.Length > 0) e.Add(new("description", new TomlString(n.Description)));
        if (n.PeerGroup.Length > 0) e.Add(new("peer_group", new TomlString(n.PeerGroup)));
        if (n.LocalAddress.Length > 0) e.Add(new("local_address", new TomlString(n.LocalAddress)));
        if (n.Passive) e.Add(new("passive", new TomlBoolean(true)));
        if (n.HasHoldTime) e.Add(new("hold_time", new TomlInteger(n.HoldTime)));
        if (n.ConnectRetry != 0) e.Add(new("connect_retry", new TomlInteger(n.ConnectRetry)));
        if (n.Families.Count > 0)
            e.Add(new("families", TomlValues.Families(n.Families)));
        if (n.Md5Password.Length > 0) e.Add(new("md5_password", new TomlString(n.Md5Password)));
        if (n.TtlSecurityHops != 0) e.Add(new("ttl_security", new TomlInteger(n.TtlSecurityHops)));
        if (n.MaxPrefixes.Count > 0)
            e.Add(new("max_prefixes", TomlValues.PrefixLimits(n.MaxPrefixes)));
        if (n.RouteServerClient) e.Add(new("route_server_client", new TomlBoolean(true)));
        if (n.RouteReflectorClient) e.Add(new("route_reflector_client", new TomlBoolean(true)));
        if (n.ImportNone) e.Add(new("import", new TomlString("none")));
        if (n.ExportNone) e.Add(new("export", new TomlString("none")));
        if (n.NextHopUnchanged) e.Add(new("next_hop_unchanged", new TomlBoolean(true)));
        if (n.RemotePort != 0) e.Add(new("remote_port", new TomlInteger(n.RemotePort)));
        if (n.Disabled) e.Add(new("enabled", new TomlBoolean(false)));
        return e;
    }

    private static Neighbor ToProto(PeerStatus status, Actors.Config.NeighborConfig? config, PeerRibCounts? counts)
    {
        var neighbor = new Neighbor
        {
            Config = config is null ? new NeighborConfig { Address = status.Address.ToString(), RemoteAsn = status.RemoteAs } : ToProto(config),
            State = new NeighborState
            {
                State = ProtoMapping.ToProto(status.State),
                Enabled = status.Enabled,
                LastError = status.LastError ?? "",
                LastNotificationIn = status.LastNotificationIn ?? "",
                LastNotificationOut = status.LastNotificationOut ?? "",
            },
            Counters = new NeighborCounters
            {
                UpdatesIn = (ulong)status.UpdatesIn, UpdatesOut = (ulong)status.UpdatesOut,
                KeepalivesIn = (ulong)status.KeepalivesIn, KeepalivesOut = (ulong)status.KeepalivesOut,
                OpensIn = (ulong)status.OpensIn, OpensOut = (ulong)status.OpensOut,
                NotificationsIn = (ulong)status.NotificationsIn, NotificationsOut = (ulong)status.NotificationsOut,
                RouteRefreshIn = (ulong)status.RouteRefreshIn,
                PrefixesAnnouncedIn = (ulong)status.PrefixesAnnouncedIn, PrefixesWithdrawnIn = (ulong)status.PrefixesWithdrawnIn,
                PrefixesAnnouncedOut = (ulong)status.PrefixesAnnouncedOut, PrefixesWithdrawnOut = (ulong)status.PrefixesWithdrawnOut,
                TreatAsWithdrawIn = (ulong)status.TreatAsWithdrawIn,
                EstablishedTransitions = (ulong)status.EstablishedTransitions, Flaps = (ulong)status.Flaps,
            },
        };
        var state = neighbor.State;
        if (status.State == FsmState.Established && status.Negotiated is { } n)
        {
            if (status.EstablishedSince is { } since) state.EstablishedSince = Timestamp.FromDateTimeOffset(since);
            state.NegotiatedHoldTime = (uint)n.HoldTime.TotalSeconds;
            state.NegotiatedFamilies.AddRange(n.Families.Items.Select(ProtoMapping.ToFamily).Where(f => f != Family.Unspecified));
            state.PeerRouterId = new IPAddress(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(n.PeerBgpId)).ToString();
            state.FourOctetAs = n.FourOctetAs;
            state.RouteRefresh = n.RouteRefresh;
            state.ExtendedMessages = n.ExtendedMessages;
        }
        if (counts is not null)
        {
            foreach (var (family, count) in counts.PrefixesByFamily) state.PrefixesReceived[family.ToString()] = (ulong)count;
            foreach (var (family, count) in counts.AcceptedByFamily ?? new Dictionary<Wire.AfiSafi, long>()) state.PrefixesAccepted[family.ToString()] = (ulong)count;
            foreach (var (family, count) in counts.AdvertisedByFamily ?? new Dictionary<Wire.AfiSafi, long>()) state.PrefixesAdvertised[family.ToString()] = (ulong)count;
        }
        return neighbor;
    }

    private static NeighborConfig ToProto(Actors.Config.NeighborConfig n)
    {
        var c = new NeighborConfig
        {
            Address = n.Address.ToString(),
            RemoteAsn = n.RemoteAsn,
            Description = n.Description ?? "",
            LocalAddress = ProtoMapping.Text(n.LocalAddress),
            Passive = n.Passive,
            HoldTime = (uint)n.HoldTime,
            ConnectRetry = (uint)n.ConnectRetry,
            TtlSecurityHops = (uint)(n.TtlSecurityHops ?? 0),
            RouteServerClient = n.RouteServerClient,
            RouteReflectorClient = n.RouteReflectorClient,
            PeerGroup = n.PeerGroup ?? "",
            ImportNone = n.ImportNone,
            ExportNone = n.ExportNone,
            NextHopUnchanged = n.NextHopUnchanged,
            RemotePort = (uint)n.RemotePort,
            Disabled = !n.Enabled,
        };
        c.Families.AddRange(n.Families.Select(ProtoMapping.ToFamily).Where(f => f != Family.Unspecified));
        foreach (var limit in n.MaxPrefixes) c.MaxPrefixes[limit.Family.ToString()] = limit.Limit;
        return c;   // the MD5 password is never returned
    }

    /// <summary>IPv4 before IPv6, then numerically.</summary>
    private sealed class AddressOrder : IComparer<byte[]>
    {
        public static readonly AddressOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y)
        {
            int byLength = x!.Length.CompareTo(y!.Length);
            return byLength != 0 ? byLength : x.AsSpan().SequenceCompareTo(y);
        }
    }
}
