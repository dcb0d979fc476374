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
    public static IHost Build(FailoverDnsConfig config, ZoneSnapshot snapshot, string[]? args = null)
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
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DnsListenerService>());
        return builder.Build();
    }
}
