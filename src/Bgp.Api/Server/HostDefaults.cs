using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Bgp.Api.Server;

/// <summary>What every web host inside bgpactorsd (the gRPC API, the metrics endpoint) shares.</summary>
internal static class HostDefaults
{
    /// <summary>
    /// Logs through the daemon's logger factory (Serilog, its format and levels), ASP.NET Core's and Grpc's own
    /// categories from Warning up; and the host takes no signals: SIGTERM, SIGINT and SIGHUP are the daemon's.
    /// </summary>
    public static void Apply(WebApplicationBuilder builder, ILoggerFactory loggerFactory)
    {
        builder.Logging.AddProvider(new ForwardingLoggerProvider(loggerFactory));
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        builder.Services.AddSingleton<IHostLifetime, DaemonOwnedLifetime>();
    }

    private sealed class DaemonOwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class ForwardingLoggerProvider(ILoggerFactory factory) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => factory.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }
}
