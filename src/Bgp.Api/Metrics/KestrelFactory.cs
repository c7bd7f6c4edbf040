using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bgp.Api.Metrics;

/// <summary>
/// Builds a Kestrel server without a host: no hosting diagnostics (two log lines per request), no
/// console lifetime (it would take SIGTERM from the daemon), no configuration sources. Kestrel's
/// own services are registered by its public <c>UseKestrelCore</c>, which only calls
/// <see cref="IWebHostBuilder.ConfigureServices(Action{IServiceCollection})"/>; a builder that
/// collects those registrations is all it needs. (The public <c>KestrelServer</c> constructor would
/// be simpler, but its TLS middleware looks up Kestrel's internal metrics in the service provider.)
/// </summary>
internal static class KestrelFactory
{
    public static (IServer Server, ServiceProvider Services) Create(ILoggerFactory loggerFactory, Action<KestrelServerOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory);
        services.AddLogging();  // ILogger<T> over the factory above (TryAdd keeps ours)
        services.AddMetrics();
        services.AddSingleton(new System.Diagnostics.DiagnosticListener("Microsoft.AspNetCore"));
        services.AddSingleton<System.Diagnostics.DiagnosticSource>(sp => sp.GetRequiredService<System.Diagnostics.DiagnosticListener>());
        new ServiceCollectingBuilder(services).UseKestrelCore();
        services.Configure(configure);
        var provider = services.BuildServiceProvider();
        try
        {
            return (provider.GetRequiredService<IServer>(), provider);
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    private sealed class ServiceCollectingBuilder(IServiceCollection services) : IWebHostBuilder
    {
        private readonly WebHostBuilderContext _context = new()
        {
            Configuration = new ConfigurationBuilder().Build(),
            HostingEnvironment = null!,
        };

#pragma warning disable ASPDEPR008 // IWebHost: part of the interface; never built here
        public IWebHost Build() => throw new NotSupportedException();
#pragma warning restore ASPDEPR008

        public IWebHostBuilder ConfigureAppConfiguration(Action<WebHostBuilderContext, IConfigurationBuilder> configureDelegate) => this;

        public IWebHostBuilder ConfigureServices(Action<IServiceCollection> configureServices)
        {
            configureServices(services);
            return this;
        }

        public IWebHostBuilder ConfigureServices(Action<WebHostBuilderContext, IServiceCollection> configureServices)
        {
            configureServices(_context, services);
            return this;
        }

        public string? GetSetting(string key) => null;

        public IWebHostBuilder UseSetting(string key, string? value) => this;
    }
}
