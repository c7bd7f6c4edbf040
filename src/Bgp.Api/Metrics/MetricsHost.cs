using System.Net;
using Bgp.Api.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Bgp.Api.Metrics;

/// <summary>
/// The daemon's metrics through the OpenTelemetry SDK: a <see cref="MeterProvider"/> reads the instruments of one meter
/// and the OpenTelemetry Prometheus exporter renders them, served over plain HTTP/1.1 on its own listener
/// (<c>prometheus_address</c>; <c>GET</c>/<c>HEAD /metrics</c>, other methods 405, <c>/</c> a pointer to it, any other path 404) and, in process, to the
/// API's ControlService.GetMetrics. Before each scrape it awaits <c>refresh</c> (the daemon updates the snapshot its
/// observable instruments read); when that fails the scrape gets 503 and a warning is logged. No scope labels, no
/// <c>target_info</c>, no response cache (each scrape is fresh). There is no authentication: bind to loopback unless the
/// network is trusted (a warning is logged otherwise).
/// </summary>
public sealed class MetricsHost : IAsyncDisposable
{
    public const string Path = "/metrics";

    private readonly WebApplication _app;
    private readonly MeterProvider _provider;
    private readonly RequestDelegate _scrape;
    private readonly ILogger _logger;
    private readonly bool _listening;
    private int _stopped;

    private MetricsHost(WebApplication app, MeterProvider provider, RequestDelegate scrape, ILogger logger, EndPoint? bound)
    {
        _app = app;
        _provider = provider;
        _scrape = scrape;
        _logger = logger;
        BoundEndPoint = bound;
        _listening = bound is not null;
    }

    /// <summary>The address actually bound (a port 0 is resolved); null when the metrics are only served through the API.</summary>
    public EndPoint? BoundEndPoint { get; }

    /// <summary>
    /// Starts the exporter and, when <paramref name="endPoint"/> is given, its HTTP listener (a bind failure is an
    /// <see cref="IOException"/>).
    /// </summary>
    public static async Task<MetricsHost> StartAsync(IPEndPoint? endPoint, ILoggerFactory loggerFactory, string meterName,
        Func<CancellationToken, Task> refresh, CancellationToken ct = default)
    {
        var logger = loggerFactory.CreateLogger<MetricsHost>();
        var provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(meterName)
            .AddPrometheusExporter(o =>
            {
                o.ScopeInfoEnabled = false;
                o.TargetInfoEnabled = false;
                o.ScrapeResponseCacheDurationMilliseconds = 0;
                o.ScrapeEndpointPath = Path;
            })
            .Build();

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "bgpactorsd-metrics" });
        HostDefaults.Apply(builder, loggerFactory);
        builder.Services.AddRouting();
        builder.Services.AddSingleton(provider);
        ListenOptions? bound = null;
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (endPoint is null) return;
            if (!IPAddress.IsLoopback(endPoint.Address))
                logger.LogWarning("Metrics endpoint {EndPoint} is on a non-loopback address: /metrics has no authentication, anyone who can reach it can read it", endPoint);
            kestrel.Listen(endPoint, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                bound = listen;
            });
        });

        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            if (context.Request.Path == Path)
            {
                if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
                {
                    context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                    context.Response.Headers.Allow = "GET, HEAD";
                    return;
                }
                if (!await RefreshedAsync(refresh, logger, context.RequestAborted).ConfigureAwait(false))
                {
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    context.Response.ContentType = "text/plain; charset=utf-8";
                    await context.Response.WriteAsync("bgpactorsd: the metrics could not be refreshed; see the daemon's log\n", context.RequestAborted)
                        .ConfigureAwait(false);
                    return;
                }
            }
            await next(context).ConfigureAwait(false);
        });
        app.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider: provider, predicate: context => context.Request.Path == Path, path: null, configureBranchedPipeline: null, optionsName: null);
        app.Run(context =>
        {
            if (context.Request.Path != "/")
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync($"bgpactorsd: the Prometheus metrics are at {Path}\n", context.RequestAborted);
        });

        // The same exporter, for GetMetrics: a pipeline of its own, invoked in process.
        var scrape = ((IApplicationBuilder)app).New();
        scrape.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider: provider, predicate: _ => true, path: null, configureBranchedPipeline: null, optionsName: null);
        if (endPoint is not null)
        {
            try
            {
                await app.StartAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await app.DisposeAsync().ConfigureAwait(false);
                provider.Dispose();
                throw e is IOException ? e : new IOException($"metrics endpoint {endPoint}: {e.Message}", e);
            }
        }
        return new MetricsHost(app, provider, scrape.Build(), logger, bound?.EndPoint);
    }

    /// <summary>The exposition as a scrape would get it (refreshed first), for ControlService.GetMetrics.</summary>
    public async Task<string> ScrapeAsync(Func<CancellationToken, Task> refresh, CancellationToken ct)
    {
        await refresh(ct).ConfigureAwait(false);
        using var body = new MemoryStream();
        var context = new DefaultHttpContext { RequestServices = _app.Services };
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = Path;
        context.Response.Body = body;
        await _scrape(context).ConfigureAwait(false);
        if (context.Response.StatusCode != StatusCodes.Status200OK)
            throw new InvalidOperationException($"the Prometheus exporter answered {context.Response.StatusCode}");
        return System.Text.Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
    }

    /// <summary>Closes the listener (if any); idempotent.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0 || !_listening) return;
        try
        {
            await _app.StopAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            _logger.LogWarning("metrics endpoint did not stop cleanly: {Error}", e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _provider.Dispose();
    }

    private static async Task<bool> RefreshedAsync(Func<CancellationToken, Task> refresh, ILogger logger, CancellationToken ct)
    {
        try
        {
            await refresh(ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("metrics: refreshing before the scrape failed, answering 503: {Error}", e.Message);
            return false;
        }
    }
}
