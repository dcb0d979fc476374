using FailoverDns.Health.Checks;
using FailoverDns.Health.Monitoring;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using FailoverDns.Server.Failover;
using FailoverDns.Server.Query;
using FailoverDns.Server.Transport;
using FailoverDns.Zones;
using FailoverDns.Zones.Config;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog.Extensions.Logging;

namespace FailoverDns.Server.Hosting;

/// <summary>Wires the server together from a loaded configuration.</summary>
public static class FailoverDnsHost
{
    public static IHost Build(FailoverDnsConfig config, ZoneSnapshot snapshot, string[]? args = null, TimeProvider? timeProvider = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            // Settings come from our YAML, not from appsettings.json or the environment.
            DisableDefaults = true,
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(new SerilogLoggerProvider(SerilogSetup.Create(config.Logging), dispose: true));
        builder.Services.AddSingleton<IHostLifetime, Microsoft.Extensions.Hosting.Internal.ConsoleLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));

        builder.Services.AddSingleton(config);
        builder.Services.AddSingleton(new ZoneStore(snapshot));
        builder.Services.AddSingleton<QueryProcessor>();
        builder.Services.AddSingleton<DnsListenerService>();
        builder.Services.AddSingleton(timeProvider ?? TimeProvider.System);
        builder.Services.AddSingleton(sp => new HealthStateStore(config.HealthChecks, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<FailoverCoordinator>();
        builder.Services.AddSingleton(new HealthMonitorOptions());
        builder.Services.AddSingleton<Func<EndpointCheckOptions, IProbe>>(sp => options => ProbeFactory.Create(options, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new HealthMonitor(
            config.HealthChecks,
            sp.GetRequiredService<HealthStateStore>(),
            sp.GetRequiredService<Func<EndpointCheckOptions, IProbe>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<HealthMonitorOptions>(),
            sp.GetRequiredService<ILogger<HealthMonitor>>()));

        // Start order: sockets bound, then the coordinator listening for transitions, then probes.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DnsListenerService>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FailoverCoordinator>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<HealthMonitor>());
        return builder.Build();
    }
}
