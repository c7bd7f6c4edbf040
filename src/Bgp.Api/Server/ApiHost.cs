using System.Net;
using System.Net.Sockets;
using Bgp.Actors.Config;
using Grpc.AspNetCore.Server;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Bgp.Api.Server;

/// <summary>A listener after binding: the configuration and the address actually bound (a TCP port 0 is resolved).</summary>
public sealed record GrpcBoundListener(GrpcListenerConfig Config, EndPoint EndPoint);

public sealed class ApiHostOptions
{
    /// <summary>Largest request message accepted; a larger one ends the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>How long a stop lets unary calls finish (streams end at once with UNAVAILABLE).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// The gRPC API on Grpc.AspNetCore: one Kestrel server with a listener per <c>[[telemetry.grpc]]</c> entry, each
/// carrying its own policy (token, read-only) on its connections, serving the mapped services plus
/// grpc.health.v1.Health and server reflection (v1 and v1alpha). The host takes no signals (the daemon owns them)
/// and logs through the daemon's logger factory, ASP.NET Core's and Grpc's own categories from Warning up.
/// <code>
/// await using var api = await ApiHost.StartAsync(listeners, loggerFactory,
///     services => services.AddSingleton(context), endpoints => endpoints.MapBgpApi());
/// </code>
/// </summary>
public sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<GrpcBoundListener> _listeners;
    private readonly IReadOnlyList<string> _services;
    private readonly ILogger _logger;
    private int _stopped;

    private ApiHost(WebApplication app, List<GrpcBoundListener> listeners, IReadOnlyList<string> services, ILogger logger)
    {
        _app = app;
        _listeners = listeners;
        _services = services;
        _logger = logger;
    }

    public IReadOnlyList<GrpcBoundListener> Listeners => _listeners;

    /// <summary>The health service: statuses by service name ("" is the whole server).</summary>
    public HealthServiceImpl Health => _app.Services.GetRequiredService<HealthServiceImpl>();

    /// <summary>
    /// Binds every listener and starts serving. If one cannot be bound nothing is left listening and the error is
    /// thrown (an <see cref="IOException"/> naming the listener). Marks "" and every mapped service SERVING.
    /// </summary>
    public static async Task<ApiHost> StartAsync(IEnumerable<GrpcListenerConfig> listeners, ILoggerFactory loggerFactory,
        Action<IServiceCollection> configureServices, Action<IEndpointRouteBuilder> mapServices, ApiHostOptions? options = null,
        CancellationToken ct = default)
    {
        options ??= new ApiHostOptions();
        var configs = listeners.ToList();
        var logger = loggerFactory.CreateLogger<ApiHost>();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "bgpactorsd" });
        HostDefaults.Apply(builder, loggerFactory);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.AddRouting();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<ListenerInterceptor>();
            grpc.MaxReceiveMessageSize = options.MaxReceiveMessageSize;
            grpc.EnableDetailedErrors = false;
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddSingleton<HealthServiceImpl>();
        configureServices(builder.Services);

        var bound = new List<(GrpcListenerConfig Config, ListenOptions Options, ListenerPolicy Policy)>();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // gRPC limits each message; a stream may carry any number of them and sit idle for long (Watch, AddPaths).
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MinRequestBodyDataRate = null;
            foreach (var config in configs)
            {
                var policy = ListenerPolicy.For(config);
                bound.Add((config, Listen(kestrel, config, policy, logger), policy));
            }
        });

        var app = builder.Build();
        mapServices(app);
        app.MapGrpcReflectionService();
        app.MapGrpcService<HealthServiceImpl>();
        var services = ServiceNames(app);

        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            // Kestrel's bind errors name the address ("Failed to bind to address http://unix:/run/...: address already in use").
            throw e is IOException ? e : new IOException(e.Message, e);
        }

        var result = new List<GrpcBoundListener>();
        foreach (var (config, listen, policy) in bound)
        {
            // The socket exists only after bind; until the chmod it has the umask's mode, which is why the daemon's
            // state directory should not be world-accessible either.
            if (config.Kind == GrpcListenerKind.Unix && !OperatingSystem.IsWindows())
                File.SetUnixFileMode(config.Path!, (UnixFileMode)config.Mode);
            var endPoint = listen.EndPoint;
            logger.LogInformation("gRPC listening on {Listener}{Port}{Tls}{ReadOnly}{Token}", config,
                endPoint is IPEndPoint { } actual && config.Endpoint?.Port == 0 ? $" (port {actual.Port})" : "",
                config.Tls is null ? "" : ", mutual TLS", config.ReadOnly ? ", read-only" : "", policy.RequiresToken ? ", token" : "");
            result.Add(new GrpcBoundListener(config, endPoint));
        }

        var host = new ApiHost(app, result, services, logger);
        host.Health.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
        foreach (var name in services) host.Health.SetStatus(name, HealthCheckResponse.Types.ServingStatus.Serving);
        return host;
    }

    /// <summary>
    /// Marks everything NOT_SERVING (Watch callers see it), ends streams in progress with UNAVAILABLE, lets unary
    /// calls finish within <see cref="ApiHostOptions.ShutdownTimeout"/>, closes the listeners and removes the socket
    /// files. Idempotent.
    /// </summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        Health.SetStatus("", HealthCheckResponse.Types.ServingStatus.NotServing);
        foreach (var name in _services) Health.SetStatus(name, HealthCheckResponse.Types.ServingStatus.NotServing);
        try
        {
            await _app.StopAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            _logger.LogWarning("gRPC API did not stop cleanly: {Error}", e.Message);
        }
        foreach (var listener in _listeners)
        {
            if (listener.Config is { Kind: GrpcListenerKind.Unix, Path: { } path }) TryDelete(path);
            _logger.LogInformation("gRPC listener {Listener} closed", listener.Config);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static ListenOptions Listen(KestrelServerOptions kestrel, GrpcListenerConfig config, ListenerPolicy policy, ILogger logger)
    {
        ListenOptions? bound = null;
        void Configure(ListenOptions listen)
        {
            listen.Protocols = HttpProtocols.Http2; // h2c with prior knowledge, or h2 negotiated by ALPN under TLS
            listen.Use(next => connection =>
            {
                connection.Items[ListenerInterceptor.PolicyKey] = policy;
                return next(connection);
            });
            if (config.Tls is { } tls) listen.UseHttps(MutualTls.ServerOptions(tls));
            bound = listen;
        }

        switch (config.Kind)
        {
            case GrpcListenerKind.Unix:
                var path = config.Path ?? throw new ArgumentException($"gRPC listener {config}: no path");
                RemoveStaleSocket(path);
                kestrel.ListenUnixSocket(path, Configure);
                break;
            case GrpcListenerKind.Tcp:
                var endpoint = config.Endpoint ?? throw new ArgumentException($"gRPC listener {config}: no endpoint");
                if (config.Tls is null && !IPAddress.IsLoopback(endpoint.Address))
                    logger.LogWarning("gRPC listener {Listener} is plaintext on a non-loopback address: anyone who can reach it can use the API", config);
                kestrel.Listen(new IPEndPoint(endpoint.Address, endpoint.Port), Configure);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(config), config.Kind, "unknown listener kind");
        }
        return bound ?? throw new InvalidOperationException("Kestrel did not configure the listener");
    }

    /// <summary>The gRPC services the endpoints serve, by full name (for the health service).</summary>
    private static List<string> ServiceNames(IEndpointRouteBuilder endpoints) =>
        [.. endpoints.DataSources.SelectMany(d => d.Endpoints)
            .Select(e => e.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.ServiceName)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// A socket file left by a daemon that died is removed; one that still accepts connections belongs to a running
    /// process and is not touched.
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
}
