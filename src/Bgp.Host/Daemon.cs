using System.Runtime.InteropServices;
using Bgp.Actors.Config;
using Bgp.Actors.Config.Diagnostics;
using Bgp.Actors.Rib;
using Bgp.Actors.Runtime;
using Bgp.Actors.Sessions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

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

    public Daemon(string configPath, TextWriter stderr)
    {
        _configPath = configPath;
        _stderr = stderr;
    }

    public async Task<int> RunAsync(CancellationToken externalStop = default)
    {
        var load = BgpConfig.Load(_configPath);
        if (load.Config is not { } config)
        {
            _stderr.Write(DiagnosticRenderer.Render(load.Diagnostics));
            return 1;
        }

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
            return 1;
        }

        var stop = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reloads = System.Threading.Channels.Channel.CreateBounded<bool>(
            new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult("SIGTERM"); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult("SIGINT"); });
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => { c.Cancel = true; reloads.Writer.TryWrite(true); });
        using var external = externalStop.Register(() => stop.TrySetResult("stop requested"));

        await using var system = new ActorSystem("bgpactorsd", TimeProvider.System, loggerFactory);
        var rib = system.Spawn<RibCommand>("rib", () => new RibActor(RibSettings.From(config.Global)), new ActorOptions { MailboxCapacity = 16 * 1024, QueryMailboxCapacity = 256 });
        var manager = system.Spawn<ManagerCommand>("peers", () => new PeerManagerActor(config, rib, TcpConnector.Instance, listener));
        log.LogInformation("bgpactorsd {Version} running: AS{Asn}, router id {RouterId}, listening on {Endpoints}, config {Config}",
            Program.Version, config.Global.Asn, config.Global.RouterId, string.Join(", ", listener.Endpoints), Path.GetFullPath(_configPath));

        var reloadLoop = Task.Run(async () =>
        {
            await foreach (var _ in reloads.Reader.ReadAllAsync())
                await ReloadAsync(manager, log);
        });

        string why = await stop.Task;
        log.LogInformation("{Signal}: sending Cease to every peer and stopping", why);
        reloads.Writer.TryComplete();
        try
        {
            int peers = await manager.AskAsync<ManagerCommand, int>(r => new ManagerCommand.ShutdownAll(ShutdownText, r), AskTimeout);
            log.LogInformation("sent Cease to {Count} peers", peers);
        }
        catch (Exception ex)
        {
            log.LogError("shutdown: {Error}", ex.Message);
        }
        await listener.DisposeAsync();
        await system.ShutdownAsync(TimeSpan.FromSeconds(10));
        await reloadLoop.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        log.LogInformation("bgpactorsd stopped");
        return 0;
    }

    /// <summary>
    /// SIGHUP: re-read and validate the file; an invalid file is logged with every diagnostic and
    /// changes nothing; a valid one goes to the peer manager, which applies the difference.
    /// </summary>
    private async Task ReloadAsync(ActorRef<ManagerCommand> manager, ILogger log)
    {
        var load = BgpConfig.Load(_configPath);
        if (load.Config is not { } next)
        {
            log.LogError("SIGHUP: {Path} is not valid; keeping the running configuration:\n{Diagnostics}", _configPath,
                DiagnosticRenderer.Render(load.Diagnostics));
            return;
        }
        try
        {
            var diff = await manager.AskAsync<ManagerCommand, ConfigDiff>(r => new ManagerCommand.ApplyConfig(next, r), AskTimeout);
            log.LogInformation("SIGHUP: reloaded {Path}: {Count} changes{Details}", _configPath, diff.Changes.Count,
                diff.Changes.Count == 0 ? "" : "\n" + diff.ToText());
        }
        catch (Exception ex)
        {
            log.LogError("SIGHUP: applying {Path} failed: {Error}", _configPath, ex.Message);
        }
    }

    private static ILoggerFactory CreateLoggerFactory(TelemetryConfig telemetry) => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(telemetry.LogLevel switch
        {
            Bgp.Actors.Config.LogLevel.Trace => Microsoft.Extensions.Logging.LogLevel.Trace,
            Bgp.Actors.Config.LogLevel.Debug => Microsoft.Extensions.Logging.LogLevel.Debug,
            Bgp.Actors.Config.LogLevel.Info => Microsoft.Extensions.Logging.LogLevel.Information,
            Bgp.Actors.Config.LogLevel.Warn => Microsoft.Extensions.Logging.LogLevel.Warning,
            _ => Microsoft.Extensions.Logging.LogLevel.Error,
        });
        if (telemetry.LogFormat == LogFormat.Json)
            builder.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
        else
            builder.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
    });
}
