using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bgp.Api.Metrics;

/// <summary>
/// Serves a <see cref="PrometheusExporter"/> over plain HTTP/1.1 on one TCP endpoint:
/// <c>GET</c>/<c>HEAD /metrics</c> the exposition, <c>/</c> a one-line pointer to it, any other path
/// 404, any other method 405. There is no authentication: bind to loopback unless the network is
/// trusted (a warning is logged otherwise).
/// <code>
/// await using var metrics = new MetricsHttpServer(loggerFactory, exporter, ct => daemon.RefreshMetricsAsync(ct));
/// await metrics.StartAsync(new IPEndPoint(IPAddress.Loopback, 9179), ct);
/// </code>
/// Before each collection it awaits <c>beforeCollect</c> (the daemon refreshes the snapshot its
/// observable callbacks read); when that throws, the scrape gets 503 and a warning is logged.
/// </summary>
public sealed class MetricsHttpServer : IAsyncDisposable
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly PrometheusExporter _exporter;
    private readonly Func<CancellationToken, Task>? _beforeCollect;
    private readonly CancellationTokenSource _stopping = new();
    private IServer? _server;
    private ServiceProvider? _services;
    private int _state; // 0 new, 1 started, 2 stopped

    public MetricsHttpServer(ILoggerFactory loggerFactory, PrometheusExporter exporter, Func<CancellationToken, Task>? beforeCollect = null)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(exporter);
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<MetricsHttpServer>();
        _exporter = exporter;
        _beforeCollect = beforeCollect;
    }

    /// <summary>The address actually bound (a port 0 is resolved); null before <see cref="StartAsync"/>.</summary>
    public EndPoint? BoundEndPoint { get; private set; }

    /// <summary>Binds <paramref name="endPoint"/> and starts serving. Starts once; a bind failure is an <see cref="IOException"/>.</summary>
    public async Task StartAsync(IPEndPoint endPoint, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
            throw new InvalidOperationException("a MetricsHttpServer starts once");

        if (!IPAddress.IsLoopback(endPoint.Address))
            _logger.LogWarning("Metrics endpoint {EndPoint} is on a non-loopback address: /metrics has no authentication, anyone who can reach it can read it", endPoint);

        ListenOptions? bound = null;
        try
        {
            (_server, _services) = KestrelFactory.Create(_loggerFactory, kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Listen(endPoint, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    bound = listen;
                });
            });
            await _server.StartAsync(new MetricsApplication(this), ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (_services is not null) await _services.DisposeAsync().ConfigureAwait(false);
            _server = null;
            _services = null;
            Volatile.Write(ref _state, 2); // nothing to stop; a server starts once
            throw e is IOException ? e : new IOException($"metrics endpoint {endPoint}: {e.Message}", e);
        }

        BoundEndPoint = bound?.EndPoint ?? throw new InvalidOperationException("Kestrel did not configure the listener");
        _logger.LogInformation("Metrics listening on http://{EndPoint}/metrics", BoundEndPoint);
    }

    /// <summary>Stops accepting, waits a few seconds for scrapes in progress and closes the listener. Idempotent.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ShutdownTimeout);
        try
        {
            await _server!.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            _logger.LogWarning("Metrics endpoint {EndPoint} did not stop cleanly: {Error}", BoundEndPoint, e.Message);
        }
        await _services!.DisposeAsync().ConfigureAwait(false);
        _logger.LogInformation("Metrics endpoint {EndPoint} closed", BoundEndPoint);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        try
        {
            await RouteAsync(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the scraper went away
        }
    }

    private async Task RouteAsync(HttpContext context)
    {
        var request = context.Request;
        var readOnly = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        switch (request.Path.Value)
        {
            case "/metrics" when readOnly:
                await ServeMetricsAsync(context).ConfigureAwait(false);
                break;
            case "/" when readOnly:
                await RespondAsync(context, StatusCodes.Status200OK, "BgpActors metrics: see /metrics\n").ConfigureAwait(false);
                break;
            case "/metrics" or "/":
                context.Response.Headers.Allow = "GET, HEAD";
                await RespondAsync(context, StatusCodes.Status405MethodNotAllowed, "method not allowed: use GET or HEAD\n").ConfigureAwait(false);
                break;
            default:
                await RespondAsync(context, StatusCodes.Status404NotFound, "not found: metrics are at /metrics\n").ConfigureAwait(false);
                break;
        }
    }

    private async Task ServeMetricsAsync(HttpContext context)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        string text;
        try
        {
            if (_beforeCollect is not null) await _beforeCollect(cts.Token).ConfigureAwait(false);
            text = _exporter.Collect();
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the scraper went away
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            await RespondAsync(context, StatusCodes.Status503ServiceUnavailable, "metrics unavailable: the server is stopping\n").ConfigureAwait(false);
            return;
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Metrics scrape failed: {Error}", e.Message);
            await RespondAsync(context, StatusCodes.Status503ServiceUnavailable, "metrics unavailable: collection failed, see the daemon log\n").ConfigureAwait(false);
            return;
        }
        await RespondAsync(context, StatusCodes.Status200OK, text, PrometheusExporter.ContentType).ConfigureAwait(false);
    }

    /// <summary>Sends the body with its length; for HEAD only the headers.</summary>
    private static async Task RespondAsync(HttpContext context, int status, string body, string contentType = "text/plain; charset=utf-8")
    {
        var response = context.Response;
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = bytes.Length;
        response.Headers.CacheControl = "no-store";
        if (!HttpMethods.IsHead(context.Request.Method))
            await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Kestrel's application: every request goes to <see cref="HandleAsync"/>; no routing, no middleware.</summary>
    private sealed class MetricsApplication(MetricsHttpServer server) : IHttpApplication<HttpContext>
    {
        public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

        public Task ProcessRequestAsync(HttpContext context) => server.HandleAsync(context);

        public void DisposeContext(HttpContext context, Exception? exception)
        {
        }
    }
}
