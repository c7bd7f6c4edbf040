using System.Collections.Concurrent;
using System.Net;
using Bgp.Actors.Config;
using Bgp.Api.Client;
using Bgp.Api.Server;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Bgp.Api.Tests.Support;

/// <summary>An <see cref="ApiHost"/> with the Echo service, in its own temporary directory.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;

    private TestServer(string directory, ApiHost server, EchoService echo, LogCollector logs, ILoggerFactory loggerFactory)
    {
        _loggerFactory = loggerFactory;
        Directory = directory;
        Server = server;
        Echo = echo;
        Logs = logs;
    }

    public string Directory { get; }

    public ApiHost Server { get; }

    public EchoService Echo { get; }

    public LogCollector Logs { get; }

    public string SocketPath => Path.Combine(Directory, "grpc.sock");

    public static string NewDirectory()
    {
        // Short: a Unix socket path has at most 107 bytes.
        var directory = Path.Combine(Path.GetTempPath(), "bgpapi-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }

    public static GrpcListenerConfig Unix(string path, bool readOnly = false, string? tokenFile = null, int mode = GrpcListenerConfig.DefaultUnixMode) =>
        new(GrpcListenerKind.Unix, path, mode, null, null, readOnly, tokenFile);

    public static GrpcListenerConfig Tcp(TlsConfig? tls = null, bool readOnly = false) =>
        new(GrpcListenerKind.Tcp, null, 0, new EndpointAddress(IPAddress.Loopback, 0), tls, readOnly, null);

    /// <summary>Starts on the Unix socket <see cref="SocketPath"/> unless listeners are given.</summary>
    public static async Task<TestServer> StartAsync(Func<string, IEnumerable<GrpcListenerConfig>>? listeners = null, ApiHostOptions? options = null, string? directory = null)
    {
        directory ??= NewDirectory();
        var logs = new LogCollector();
        var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var echo = new EchoService();
        var configured = listeners?.Invoke(directory) ?? [Unix(Path.Combine(directory, "grpc.sock"))];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        ApiHost server;
        try
        {
            server = await ApiHost.StartAsync(configured, loggerFactory, services => services.AddSingleton(echo),
                endpoints => endpoints.MapGrpcService<EchoService>(), options, cts.Token);
        }
        catch
        {
            loggerFactory.Dispose();
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
        return new TestServer(directory, server, echo, logs, loggerFactory);
    }

    /// <summary>A channel to <see cref="SocketPath"/>.</summary>
    public GrpcChannel UnixChannel(DaemonChannelOptions? options = null) => DaemonChannel.ForUnixSocket(SocketPath, options);

    public int TcpPort(int index = 0) => ((IPEndPoint)Server.Listeners[index].EndPoint).Port;

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Server.StopAsync(cts.Token);
        await Server.DisposeAsync();
        _loggerFactory.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Keeps every log line in memory, so tests can check what was (and was not) logged.</summary>
internal sealed class LogCollector : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message, Exception? Exception)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCollector owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((logLevel, category, formatter(state, exception), exception));
    }
}
