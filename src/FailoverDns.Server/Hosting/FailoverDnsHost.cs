using FailoverDns.Health.Checks;
using FailoverDns.Health.Monitoring;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using FailoverDns.Server.Admin;
using FailoverDns.Server.Failover;
using FailoverDns.Server.Query;
using FailoverDns.Server.Transport;
using FailoverDns.Zones;
using FailoverDns.Zones.Config;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog.Extensions.Logging;

namespace FailoverDns.Server.Hosting;

/// <summary>Wires the server together from a loaded configuration; with the admin API on, Kestrel serves it.</summary>
public static class FailoverDnsHost
{
    public static IHost Build(FailoverDnsConfig config, ZoneSnapshot snapshot, TimeProvider? timeProvider = null, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var admin = config.Admin;
        if (admin.Listen is null)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                // Settings come from our YAML, not from appsettings.json or the environment.
                DisableDefaults = true,
            });
            AddServices(builder.Services, builder.Logging, config, snapshot, timeProvider);
            builder.Services.AddSingleton<IHostLifetime, Microsoft.Extensions.Hosting.Internal.ConsoleLifetime>();
            return builder.Build();
        }

        var token = admin.Token ?? environment(AdminOptions.TokenVariable);
        if (admin.RequiresToken && string.IsNullOrEmpty(token))
        {
            throw new StartupException($"the admin API listens on {admin.Listen}, beyond loopback, and so needs a bearer token: set admin.token or {AdminOptions.TokenVariable}");
        }

        var web = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        AddServices(web.Services, web.Logging, config, snapshot, timeProvider);
        web.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(admin.Listen));
        var app = web.Build();
        app.MapAdminApi(string.IsNullOrEmpty(token) ? null : token);
        return app;
    }

    private static void AddServices(IServiceCollection services, ILoggingBuilder logging, FailoverDnsConfig config, ZoneSnapshot snapshot, TimeProvider? timeProvider)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Trace);
        logging.AddProvider(new SerilogLoggerProvider(SerilogSetup.Create(config.Logging), dispose: true));
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));

        services.AddSingleton(config);
        services.AddSingleton(new ZoneStore(snapshot));
        services.AddSingleton<QueryProcessor>();
        services.AddSingleton<ReadinessState>();
        services.AddSingleton<DnsListenerService>();
        services.AddSingleton(timeProvider ?? TimeProvider.System);
        services.AddSingleton(sp => new HealthStateStore(config.HealthChecks, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<FailoverCoordinator>();
        services.AddSingleton<OverrideService>();
        services.AddSingleton<AdminViewFactory>();
        services.AddSingleton<ExplainService>();
        services.AddSingleton(new HealthMonitorOptions());
        services.AddSingleton<Func<EndpointCheckOptions, IProbe>>(sp => options => ProbeFactory.Create(options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new HealthMonitor(
            config.HealthChecks,
            sp.GetRequiredService<HealthStateStore>(),
            sp.GetRequiredService<Func<EndpointCheckOptions, IProbe>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<HealthMonitorOptions>(),
            sp.GetRequiredService<ILogger<HealthMonitor>>()));

        // Start order: sockets bound, the coordinator listening for transitions, overrides restored, then probes.
        services.AddHostedService(sp => sp.GetRequiredService<DnsListenerService>());
        services.AddHostedService(sp => sp.GetRequiredService<FailoverCoordinator>());
        services.AddHostedService(sp => sp.GetRequiredService<OverrideService>());
        services.AddHostedService(sp => sp.GetRequiredService<HealthMonitor>());
    }
}
