using System.Threading.Channels;
using Grpc.Health.V1;
using ProtoStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Bgp.Api.Grpc.Services;

/// <summary>A service's health as the host reports it (values as in grpc.health.v1).</summary>
public enum HealthStatus
{
    Unknown = ProtoStatus.Unknown,
    Serving = ProtoStatus.Serving,
    NotServing = ProtoStatus.NotServing,
}

/// <summary>
/// grpc.health.v1.Health (grpc/grpc doc/health-checking.md). The host sets a status per service
/// name, "" standing for the server as a whole. Check answers NOT_FOUND for a name never set;
/// Watch sends the current status at once (SERVICE_UNKNOWN for such a name) and then each change.
/// A watcher that reads slowly misses intermediate statuses, never the latest one.
/// </summary>
public sealed class HealthService
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HealthStatus> _statuses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Channel<ProtoStatus>>> _watchers = new(StringComparer.Ordinal);

    public HealthService()
    {
        Definition = new GrpcServiceBuilder(HealthReflection.Descriptor.Services[0])
            .Unary<HealthCheckRequest, HealthCheckResponse>("Check", CheckAsync)
            .ServerStreaming<HealthCheckRequest, HealthCheckResponse>("Watch", WatchAsync)
            .Build();
    }

    public GrpcServiceDefinition Definition { get; }

    public void SetStatus(string service, HealthStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            _statuses[service] = status;
            Notify(service, (ProtoStatus)status);
        }
    }

    /// <summary>Forgets a service: Check answers NOT_FOUND again, watchers see SERVICE_UNKNOWN.</summary>
    public void ClearStatus(string service)
    {
        lock (_lock)
        {
            if (_statuses.Remove(service)) Notify(service, ProtoStatus.ServiceUnknown);
        }
    }

    public HealthStatus? GetStatus(string service)
    {
        lock (_lock) return _statuses.TryGetValue(service, out var status) ? status : null;
    }

    internal void SetAllNotServing()
    {
        lock (_lock)
        {
            foreach (var service in _statuses.Keys.ToList())
            {
                _statuses[service] = HealthStatus.NotServing;
                Notify(service, ProtoStatus.NotServing);
            }
        }
    }

    private void Notify(string service, ProtoStatus status)
    {
        if (!_watchers.TryGetValue(service, out var watchers)) return;
        foreach (var watcher in watchers) watcher.Writer.TryWrite(status);
    }

    private Task<HealthCheckResponse> CheckAsync(HealthCheckRequest request, ServerCallContext context)
    {
        var status = GetStatus(request.Service)
            ?? throw new RpcException(StatusCode.NotFound, $"unknown service '{request.Service}'");
        return Task.FromResult(new HealthCheckResponse { Status = (ProtoStatus)status });
    }

    private async Task WatchAsync(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responses, ServerCallContext context)
    {
        // Capacity one, oldest dropped: only the latest status matters, and memory stays bounded.
        var updates = Channel.CreateBounded<ProtoStatus>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        ProtoStatus current;
        lock (_lock)
        {
            current = _statuses.TryGetValue(request.Service, out var status) ? (ProtoStatus)status : ProtoStatus.ServiceUnknown;
            if (!_watchers.TryGetValue(request.Service, out var list)) _watchers[request.Service] = list = [];
            list.Add(updates);
        }
        try
        {
            await responses.WriteAsync(new HealthCheckResponse { Status = current }, context.CancellationToken).ConfigureAwait(false);
            await foreach (var status in updates.Reader.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                if (status == current) continue;
                current = status;
                await responses.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            lock (_lock)
            {
                var list = _watchers[request.Service];
                list.Remove(updates);
                if (list.Count == 0) _watchers.Remove(request.Service);
            }
        }
    }
}
