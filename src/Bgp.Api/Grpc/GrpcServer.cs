using System.Net;
using System.Net.Sockets;
using Bgp.Actors.Config;
using Bgp.Api.Grpc.Services;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bgp.Api.Grpc;

/// <summary>A listener after binding: the configuration and the address actually bound (a TCP port 0 is resolved).</summary>
public sealed record GrpcBoundListener(GrpcListenerConfig Config, EndPoint EndPoint);

/// <summary>
/// The gRPC server: one Kestrel server per configured listener (each with its own policy), all
/// serving the same services plus grpc.health.v1.Health and server reflection.
/// <code>
/// await using var server = new GrpcServer(loggerFactory);
/// await server.StartAsync(config.Global.Telemetry.GrpcListeners, [ribService, peerService], ct);
/// server.Health.SetStatus("bgpactors.v1.RibService", HealthStatus.NotServing);  // e.g. while the RIB loads
/// ...
/// await server.StopAsync(ct);
/// </code>
/// </summary>
public sealed class GrpcServer : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly GrpcServerOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<RunningListener> _running = [];
    private int _state; // 0 new, 1 started, 2 stopped

    public GrpcServer(ILoggerFactory loggerFactory, GrpcServerOptions? options = null)
    {
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<GrpcServer>();
        _options = options ?? new GrpcServerOptions();
        if (_options.MaxReceiveMessageSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), "MaxReceiveMessageSize must be positive");
    }

    /// <summary>The health service: the host sets statuses by service name ("" is the whole server).</summary>
    public HealthService Health { get; } = new();

    public IReadOnlyList<GrpcBoundListener> Listeners => [.. _running.Select(r => r.Bound)];

    /// <summary>
    /// Binds every listener and starts serving <paramref name="services"/> (plus health and
    /// reflection). If one listener cannot be bound, those already started are stopped again and
    /// the error is thrown. Marks "" and every registered service SERVING.
    /// </summary>
    public async Task StartAsync(IEnumerable<GrpcListenerConfig> listeners, IEnumerable<GrpcServiceDefinition> services, CancellationToken ct = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
            throw new InvalidOperationException("a GrpcServer starts once");

        var all = new List<GrpcServiceDefinition>(services) { Health.Definition };
        if (_options.EnableReflection)
        {
            var reflection = new ReflectionService(all.Select(s => s.Descriptor).Append(ReflectionService.V1Descriptor).Append(ReflectionService.V1AlphaDescriptor));
            all.Add(reflection.V1Definition);
            all.Add(reflection.V1AlphaDefinition);
        }
        var registry = new GrpcMethodRegistry(all);

        try
        {
            foreach (var listener in listeners)
                _running.Add(await StartListenerAsync(listener, registry, ct).ConfigureAwait(false));
        }
        catch
        {
            await StopListenersAsync().ConfigureAwait(false);
            throw;
        }

        Health.SetStatus("", HealthStatus.Serving);
        foreach (var service in all) Health.SetStatus(service.Name, HealthStatus.Serving);
    }

    /// <summary>
    /// Marks everything NOT_SERVING (Watch callers see it), cancels the calls in progress (they end
    /// with UNAVAILABLE), waits up to <see cref="GrpcServerOptions.ShutdownTimeout"/> for them and
    /// closes the listeners. Idempotent.
    /// </summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1) return;
        Health.SetAllNotServing();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await StopListenersAsync(ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task StopListenersAsync(CancellationToken ct = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.ShutdownTimeout);
        foreach (var running in _running)
        {
            try
            {
                await running.Server.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                _logger.LogWarning("gRPC listener {Listener} did not stop cleanly: {Error}", running.Bound.Config, e.Message);
            }
            await running.Services.DisposeAsync().ConfigureAwait(false);
            if (running.Bound.Config is { Kind: GrpcListenerKind.Unix, Path: { } path }) TryDelete(path);
            _logger.LogInformation("gRPC listener {Listener} closed", running.Bound.Config);
        }
        _running.Clear();
    }

    private async Task<RunningListener> StartListenerAsync(GrpcListenerConfig config, GrpcMethodRegistry registry, CancellationToken ct)
    {
        var policy = ListenerPolicy.For(config);
        ListenOptions? bound = null;
        ServiceProvider? services = null;
        IServer server;
        try
        {
            (server, services) = KestrelFactory.Create(_loggerFactory, kestrel =>
            {
                kestrel.AddServerHeader = false;
                // Per-message limits replace Kestrel's per-body limit: a stream may carry any number
                // of messages. Streams may also sit idle for a long time (Watch, client streaming).
                kestrel.Limits.MaxRequestBodySize = null;
                kestrel.Limits.MinRequestBodyDataRate = null;
                bound = Listen(kestrel, config);
            });
            var dispatcher = new GrpcCallDispatcher(registry, policy, _options, _stopping.Token, _logger);
            await server.StartAsync(new GrpcHttpApplication(dispatcher), ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (services is not null) await services.DisposeAsync().ConfigureAwait(false);
            throw e is IOException ? e : new IOException($"gRPC listener {config}: {e.Message}", e);
        }

        // The socket exists only after bind; until the chmod it has the umask's mode, which is why
        // the daemon's state directory should not be world-accessible either.
        if (config.Kind == GrpcListenerKind.Unix && !OperatingSystem.IsWindows())
            File.SetUnixFileMode(config.Path!, (UnixFileMode)config.Mode);

        var endPoint = bound?.EndPoint ?? throw new InvalidOperationException("Kestrel did not configure the listener");
        _logger.LogInformation("gRPC listening on {Listener}{Port}{Tls}{ReadOnly}{Token}", config,
            endPoint is IPEndPoint { } actual && config.Endpoint?.Port == 0 ? $" (port {actual.Port})" : "",
            config.Tls is null ? "" : ", mutual TLS", config.ReadOnly ? ", read-only" : "", policy.RequiresToken ? ", token" : "");
        return new RunningListener(new GrpcBoundListener(config, endPoint), server, services);
    }

    private ListenOptions Listen(KestrelServerOptions kestrel, GrpcListenerConfig config)
    {
        ListenOptions? bound = null;
        switch (config.Kind)
        {
            case GrpcListenerKind.Unix:
                var path = config.Path ?? throw new ArgumentException($"gRPC listener {config}: no path");
                RemoveStaleSocket(path);
                kestrel.ListenUnixSocket(path, listen =>
                {
                    listen.Protocols = HttpProtocols.Http2; // h2c with prior knowledge
                    bound = listen;
                });
                break;
            case GrpcListenerKind.Tcp:
                var endpoint = config.Endpoint ?? throw new ArgumentException($"gRPC listener {config}: no endpoint");
                var ip = new IPEndPoint(endpoint.Address, endpoint.Port);
                if (config.Tls is null && !IPAddress.IsLoopback(endpoint.Address))
                    _logger.LogWarning("gRPC listener {Listener} is plaintext on a non-loopback address: anyone who can reach it can use the API", config);
                kestrel.Listen(ip, listen =>
                {
                    listen.Protocols = HttpProtocols.Http2; // h2c, or h2 negotiated by ALPN under TLS
                    if (config.Tls is { } tls) listen.UseHttps(MutualTls.ServerOptions(tls));
                    bound = listen;
                });
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(config), config.Kind, "unknown listener kind");
        }

        return bound ?? throw new InvalidOperationException("Kestrel did not configure the listener");
    }

    /// <summary>
    /// A socket file left by a daemon that died is removed; one that still accepts connections
    /// belongs to a running process and is not touched.
    /// </summary>
    private static void RemoveStaleSocket(string path)
    {
        if (!File.Exists(path)) return;
        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                throw new IOException($"gRPC listener unix:{path}: the socket is in use by a running process");
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
            {
            }
        }
        File.Delete(path);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    private sealed record RunningListener(GrpcBoundListener Bound, IServer Server, ServiceProvider Services);

    /// <summary>Kestrel's application: every request goes to the dispatcher; no routing, no middleware.</summary>
    private sealed class GrpcHttpApplication(GrpcCallDispatcher dispatcher) : IHttpApplication<HttpContext>
    {
        public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

        public Task ProcessRequestAsync(HttpContext context) => dispatcher.HandleAsync(context);

        public void DisposeContext(HttpContext context, Exception? exception)
        {
        }
    }
}
