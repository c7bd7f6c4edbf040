using System.Net;
using Bgp.Actors.Config;
using Bgp.Actors.Config.Persistence;
using Bgp.Actors.Rib;
using Bgp.Actors.Typed;
using Bgp.Actors.Sessions;
using Grpc.Core;

namespace Bgp.Api.V1;

/// <summary>
/// What the API services reach: the actor tree (asked and told, never bypassed), the config store
/// through which mutations are persisted, and the daemon's own facts. No routing state lives here.
/// </summary>
public sealed class ApiContext
{
    public required ActorRef<ManagerCommand> Manager { get; init; }
    public required ActorRef<RibCommand> Rib { get; init; }

    /// <summary>Session, NOTIFICATION and neighbor events, fed by the peer manager and the sessions.</summary>
    public required Bgp.Actors.Events.EventHub Events { get; init; }

    /// <summary>The single writer of the configuration file.</summary>
    public required ConfigStore Store { get; init; }

    /// <summary>
    /// Held while a configuration change is written and applied, by the API and by SIGHUP alike,
    /// so changes reach the peer manager in the order they were written.
    /// </summary>
    public required SemaphoreSlim ConfigLock { get; init; }

    /// <summary>Asks the daemon to stop (as SIGTERM) with this shutdown communication.</summary>
    public required Action<string> RequestShutdown { get; init; }

    public required string Version { get; init; }
    public required DateTimeOffset Started { get; init; }
    public IReadOnlyList<EndPoint> ListenEndpoints { get; init; } = [];
    public TimeProvider Time { get; init; } = TimeProvider.System;
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public BgpConfig Config => Store.Current;

    /// <summary>The daemon's metrics in the Prometheus text format (refreshed, then collected).</summary>
    public Func<CancellationToken, Task<string>>? Metrics { get; init; }

    public async Task<string> ScrapeMetricsAsync(ServerCallContext call)
    {
        if (Metrics is null) throw new RpcException(new Status(StatusCode.Unimplemented, "this daemon has no metrics"));
        try
        {
            return await Metrics(call.CancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException e)
        {
            throw Unavailable(e);
        }
    }

    /// <summary>The address in a request field, which must be a configured neighbor (else INVALID_ARGUMENT or NOT_FOUND).</summary>
    public IPAddress RequireNeighbor(string text, string field)
    {
        var address = ProtoMapping.Address(text, field);
        if (Config.FindNeighbor(address) is null) throw new RpcException(new Status(StatusCode.NotFound, $"no neighbor {address} is configured"));
        return address;
    }

    /// <summary>Asks an actor, turning a timeout into UNAVAILABLE and the caller's cancellation into CANCELLED.</summary>
    public async Task<TResult> AskAsync<T, TResult>(ActorRef<T> target, Func<Reply<TResult>, T> build, ServerCallContext call)
    {
        try
        {
            return await target.AskAsync(build, AskTimeout, call.CancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException e)
        {
            throw Unavailable(e);
        }
    }

    /// <summary>
    /// Writes a configuration change (validated, atomically) and applies it to the running daemon, all or nothing: when
    /// the daemon cannot apply it the file is written back as it was. FAILED_PRECONDITION with the reason when the change
    /// is refused.
    /// </summary>
    /// <param name="change">The store mutation; it must pass on the <see cref="ConfigApplier"/> it is given.</param>
    /// <param name="beforeApply">
    /// Runs once the change is written and before it is applied, still under the configuration lock (and also when the
    /// file needed no change): a command that carries more than the file can (the shutdown text of a disable) acts here,
    /// and the applied configuration then finds nothing left to do.
    /// </param>
    public async Task<ConfigDiff> ChangeConfigAsync(Func<ConfigStore, ConfigApplier, Task<ConfigMutationResult>> change, ServerCallContext call,
        Func<Task>? beforeApply = null)
    {
        await ConfigLock.WaitAsync(call.CancellationToken).ConfigureAwait(false);
        try
        {
            bool acted = false;
            var applier = ManagerCommand.ApplyConfig.By(Manager);
            async Task<string?> ApplyAsync(BgpConfig next)
            {
                acted = true;
                if (beforeApply is not null) await beforeApply().ConfigureAwait(false);
                return await applier(next).ConfigureAwait(false);
            }
            var result = await change(Store, ApplyAsync).ConfigureAwait(false);
            if (!result.Success) throw new RpcException(new Status(StatusCode.FailedPrecondition, result.Error ?? "the change was refused"));
            if (!acted && beforeApply is not null) await beforeApply().ConfigureAwait(false);   // the file already said so
            return result.Diff ?? ConfigDiff.Compute(result.Config, result.Config);
        }
        finally
        {
            ConfigLock.Release();
        }
    }

    /// <summary>An actor that did not answer in time: UNAVAILABLE, naming it and the time it had.</summary>
    private static RpcException Unavailable(AskTimeoutException e) => new(new Status(StatusCode.Unavailable, e.Message));
}
