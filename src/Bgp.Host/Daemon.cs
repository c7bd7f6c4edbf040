using System.Runtime.InteropServices;
using Bgp.Actors.Config;
using Bgp.Actors.Config.Diagnostics;
using Bgp.Actors.Config.Persistence;
using Bgp.Actors.Events;
using Bgp.Actors.Rib;
using Bgp.Actors.Typed;
using Bgp.Actors.Sessions;
using Bgp.Api.Server;
using Bgp.Api.Metrics;
using Bgp.Api.V1;
using Microsoft.Extensions.Logging;
using Serilog;
using ILogger = Microsoft.Extensions.Logging.ILogger;

namespace Bgp.Host;

/// <summary>
/// The running daemon: loads the configuration, binds the BGP listeners, starts the supervision
/// tree (RIB, peer manager and its sessions) and waits for signals. SIGHUP re-reads the file and
/// applies what changed; SIGTERM and SIGINT send every peer a Cease (Administrative Shutdown,
/// with a shutdown communication) and exit 0.
/// </summary>
internal sealed class Daemon
{
    public const string ShutdownText = "bgpactorsd is shutting down";
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private readonly string _configPath;
    private readonly TextWriter _stderr;
    private volatile string? _shutdownText;
    private volatile Microsoft.Extensions.Logging.LogLevel _globalLevel = Microsoft.Extensions.Logging.LogLevel.Information;

    public Daemon(string configPath, TextWriter stderr)
    {
        _configPath = configPath;
        _stderr = stderr;
    }

    public async Task<int> RunAsync(CancellationToken externalStop = default)
    {
        var started = DateTimeOffset.UtcNow;
        // The actor system starts, and a connection's stream graphs run once, on another core while
        // the configuration is read: both are mostly compiling Akka's code, which would otherwise
        // delay the first sessions (docs/BENCHMARKS.md, "Akka.NET").
        var starting = Task.Run(async () =>
        {
            var created = BgpActorSystem.Create("bgpactorsd");
            await BgpConnection.WarmUpAsync(created).ConfigureAwait(false);
            return created;
        });
        var (store, diagnostics) = ConfigStore.Open(_configPath);
        if (store is null)
        {
            _stderr.Write(DiagnosticRenderer.Render(diagnostics));
            await StopActorsAsync(await starting, null);
            return 1;
        }
        using var _ = store;
        var config = store.Current;
        var configLock = new SemaphoreSlim(1, 1);

        using var loggerFactory = CreateLoggerFactory(config.Global.Telemetry);
        var log = loggerFactory.CreateLogger("Bgp.Host");
        BgpListener listener;
        try
        {
            listener = new BgpListener(config.Global.ListenAddresses, config.Global.ListenPort, loggerFactory.CreateLogger("Bgp.Listener"));
        }
        catch (BgpListenerException ex)
        {
            log.LogCritical("{Error}", ex.Message);
            _stderr.WriteLine($"bgpactorsd: {ex.Message}");
            await StopActorsAsync(await starting, log);
            return 1;
        }

        var stop = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reloads = System.Threading.Channels.Channel.CreateBounded<bool>(
            new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult("SIGTERM"); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult("SIGINT"); });
        HangupSignal.RestoreDefault();
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => { c.Cancel = true; reloads.Writer.TryWrite(true); });
        using var external = externalStop.Register(() => stop.TrySetResult("stop requested"));

        var system = await starting;
        BgpActorSystem.Configure(system, loggerFactory);
        var deadLetters = DeadLetterCounter.Start(system);
        var rib = system.Spawn<RibCommand>(RibActor.Props(RibSettings.From(config.Global)), "rib");
        var events = new EventHub(TimeProvider.System);
        var manager = system.Spawn<ManagerCommand>(PeerManagerActor.Props(config, rib, TcpConnector.Instance, listener, events: events), "peers");

        using var metrics = new DaemonMetrics(manager, rib, deadLetters, events);
        MetricsHost metricsHost;
        var prometheus = config.Global.Telemetry.PrometheusAddress;
        try
        {
            metricsHost = await MetricsHost.StartAsync(prometheus is null ? null : new System.Net.IPEndPoint(prometheus.Address, prometheus.Port),
                loggerFactory, DaemonMetrics.MeterName, metrics.RefreshAsync);
        }
        catch (IOException ex)
        {
            log.LogCritical("metrics: cannot listen on {Address}: {Error}", prometheus, ex.Message);
            _stderr.WriteLine($"bgpactorsd: metrics: cannot listen on {prometheus}: {ex.Message}");
            await listener.DisposeAsync();
            await StopActorsAsync(system, log);
            return 1;
        }
        await using var metricsServer = metricsHost;

        var api = new ApiContext
        {
            Metrics = ct => metricsHost.ScrapeAsync(metrics.RefreshAsync, ct),
            Manager = manager,
            Rib = rib,
            Events = events,
            Store = store,
            ConfigLock = configLock,
            RequestShutdown = text => { _shutdownText = text; stop.TrySetResult("shutdown requested through the API"); },
            Version = Program.Version,
            Started = started,
            ListenEndpoints = [.. listener.Endpoints],
        };
        ApiHost grpc;
        var grpcListeners = config.Global.Telemetry.GrpcListeners;
        try
        {
            foreach (var unix in grpcListeners.Where(l => l.Kind == GrpcListenerKind.Unix))
                Directory.CreateDirectory(Path.GetDirectoryName(unix.Path!)!);
            grpc = await ApiHost.StartAsync(grpcListeners, loggerFactory, services => services.AddBgpApi(api), endpoints => endpoints.MapBgpApi());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            log.LogCritical("gRPC API: cannot listen: {Error}", ex.Message);
            _stderr.WriteLine($"bgpactorsd: gRPC API: cannot listen: {ex.Message}");
            await listener.DisposeAsync();
            await StopActorsAsync(system, log);
            return 1;
        }
        await using var grpcHost = grpc;
        log.LogInformation("bgpactorsd {Version} running: AS{Asn}, router id {RouterId}, listening on {Endpoints}, config {Config}, gRPC API on {Api}",
            Program.Version, config.Global.Asn, config.Global.RouterId, string.Join(", ", listener.Endpoints), Path.GetFullPath(_configPath),
            string.Join(", ", grpc.Listeners.Select(l => l.Config.ToString())));
        if (metricsServer.BoundEndPoint is { } bound) log.LogInformation("metrics on http://{Endpoint}/metrics", bound);

        var reloadLoop = Task.Run(async () =>
        {
            await foreach (var _ in reloads.Reader.ReadAllAsync())
                await ReloadAsync(store, configLock, manager, log);
        });

        string why = await stop.Task;
        log.LogInformation("{Signal}: sending Cease to every peer and stopping", why);
        reloads.Writer.TryComplete();
        await grpc.StopAsync();
        await metricsServer.StopAsync();
        try
        {
            string text = _shutdownText ?? ShutdownText;
            int peers = await manager.AskAsync<ManagerCommand, int>(r => new ManagerCommand.ShutdownAll(text, r), AskTimeout);
            log.LogInformation("sent Cease to {Count} peers", peers);
        }
        catch (Exception ex)
        {
            log.LogError("shutdown: {Error}", ex.Message);
        }
        await listener.DisposeAsync();
        await StopActorsAsync(system, log);
        await reloadLoop.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        log.LogInformation("bgpactorsd stopped");
        return 0;
    }

    private static async Task StopActorsAsync(Akka.Actor.ActorSystem system, ILogger? log)
    {
        try
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            log?.LogWarning("the actor system did not stop within 10 s");
        }
    }

    /// <summary>
    /// SIGHUP: re-read and validate the file; an invalid file is logged with every diagnostic and
    /// changes nothing; a valid one goes to the peer manager, which applies the difference.
    /// </summary>
    private async Task ReloadAsync(ConfigStore store, SemaphoreSlim configLock, ActorRef<ManagerCommand> manager, ILogger log)
    {
        log.LogDebug("SIGHUP: re-reading {Path}", _configPath);
        await configLock.WaitAsync();
        try
        {
            var load = await store.ReloadAsync(ManagerCommand.ApplyConfig.By(manager));
            if (!load.Success)
            {
                if (load.Diagnostics.Count > 0)
                    log.LogError("SIGHUP: {Path} is not valid; keeping the running configuration:\n{Diagnostics}", _configPath,
                        DiagnosticRenderer.Render(load.Diagnostics));
                else
                    log.LogError("SIGHUP: {Error}", load.Error);
                return;
            }
            _globalLevel = PeerLogger.ToMicrosoft(load.Config.Global.Telemetry.LogLevel);
            var diff = load.Diff!;
            log.LogInformation("SIGHUP: reloaded {Path}: {Count} changes{Details}", _configPath, diff.Changes.Count,
                diff.Changes.Count == 0 ? "" : "\n" + diff.ToText());
        }
        catch (Exception ex)
        {
            log.LogError("SIGHUP: applying {Path} failed: {Error}", _configPath, ex.Message);
        }
        finally
        {
            configLock.Release();
        }
    }

    /// <summary>
    /// Logs go through Serilog: <c>log_format = "json"</c> writes one compact JSON object per line
    /// (<c>@t</c>, <c>@l</c>, <c>@m</c>, <c>@mt</c>, <c>SourceContext</c> and every structured field at the
    /// top level, a session's <c>Peer</c> and <c>RemoteAs</c> among them), <c>"text"</c> one readable line.
    /// The global <c>log_level</c> filters every category but the sessions' (<see cref="PeerLogger.Category"/>),
    /// whose entries each neighbor's own level decides; a reload changes either without a restart.
    /// </summary>
    private ILoggerFactory CreateLoggerFactory(TelemetryConfig telemetry)
    {
        _globalLevel = PeerLogger.ToMicrosoft(telemetry.LogLevel);
        var serilog = new Serilog.LoggerConfiguration().MinimumLevel.Verbose().Enrich.FromLogContext();
        serilog = telemetry.LogFormat == LogFormat.Json
            ? serilog.WriteTo.Console(new JsonLogFormatter())
            : serilog.WriteTo.Console(outputTemplate: "{UtcTimestamp:yyyy-MM-ddTHH:mm:ss.fffZ} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}",
                formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        var logger = serilog.CreateLogger();
        return LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Trace);
            builder.AddFilter((category, level) => category == PeerLogger.Category || level >= _globalLevel);
            builder.AddSerilog(logger, dispose: true);
        });
    }
}
