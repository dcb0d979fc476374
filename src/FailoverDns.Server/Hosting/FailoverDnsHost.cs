using FailoverDns.Configuration;
using FailoverDns.Health.Checks;
using FailoverDns.Health.Monitoring;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using FailoverDns.Server.Admin;
using FailoverDns.Server.Alerts;
using FailoverDns.Server.Cluster;
using FailoverDns.Server.Dnssec;
using FailoverDns.Server.Failover;
using FailoverDns.Server.HealthOverrides;
using FailoverDns.Server.Lifecycle;
using FailoverDns.Server.Metrics;
using FailoverDns.Server.Persistence;
using FailoverDns.Server.Query;
using FailoverDns.Server.Reload;
using FailoverDns.Server.Transfer;
using FailoverDns.Server.Transport;
using FailoverDns.Zones;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog.Extensions.Logging;

namespace FailoverDns.Server.Hosting;

/// <summary>Wires the server together from a loaded configuration; with the admin API on, Kestrel serves it.</summary>
public static class FailoverDnsHost
{
    /// <param name="config">The validated config, as served (command-line changes applied).</param>
    /// <param name="snapshot">The zones built from it.</param>
    /// <param name="source">Where it was read from, to reload it on change and SIGHUP; null: never reloaded.</param>
    /// <param name="timeProvider">The clock for probes, overrides and alerts (tests pass a manual one).</param>
    /// <param name="environment">Where the admin token is looked up when the config has none.</param>
    public static IHost Build(
        FailoverDnsConfig config,
        ZoneSnapshot snapshot,
        ConfigSource? source = null,
        TimeProvider? timeProvider = null,
        Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var admin = config.Admin;
        var otel = MetricsExport.Settings(environment);
        var cardinality = MetricsExport.CardinalityLimit(config.HealthChecks.Count, snapshot.FailoverSets.Count, config.Cluster is not null);
        if (admin.Listen is null)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                // Settings come from our YAML, not from appsettings.json or the environment.
                DisableDefaults = true,
            });
            builder.Configuration.AddInMemoryCollection(otel);
            AddServices(builder.Services, builder.Logging, config, snapshot, source, timeProvider);
            builder.Services.AddMetricsExport(prometheus: false, otlp: MetricsExport.OtlpRequested(otel), cardinality);
            return builder.Build();
        }

        var token = admin.Token ?? environment(AdminOptions.TokenVariable);
        if (admin.RequiresToken && string.IsNullOrEmpty(token))
        {
            throw new StartupException($"the admin API listens on {admin.Listen}, beyond loopback, and so needs a bearer token: set admin.token or {AdminOptions.TokenVariable}");
        }

        // The empty builder: no appsettings.json (settings come from our YAML) and so no file watchers.
        var web = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        web.Configuration.AddInMemoryCollection(otel);
        AddServices(web.Services, web.Logging, config, snapshot, source, timeProvider);
        web.Services.AddMetricsExport(prometheus: true, otlp: MetricsExport.OtlpRequested(otel), cardinality);
        web.Services.AddRoutingCore();
        web.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            // Refused when the body is read, before it is buffered: no endpoint takes more.
            kestrel.Limits.MaxRequestBodySize = AdminErrors.MaxRequestBodyBytes;
            kestrel.Listen(admin.Listen);
        });
        var app = web.Build();
        app.MapAdminApi(admin, string.IsNullOrEmpty(token) ? null : token);
        return new AdminWebHost(app, admin.Listen);
    }

    private static void AddServices(
        IServiceCollection services,
        ILoggingBuilder logging,
        FailoverDnsConfig config,
        ZoneSnapshot snapshot,
        ConfigSource? source,
        TimeProvider? timeProvider)
    {
        var level = SerilogSetup.LevelSwitch(config.Logging);
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Trace);
        logging.AddProvider(new SerilogLoggerProvider(SerilogSetup.Create(config.Logging, level), dispose: true));
        services.AddSingleton(level);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        services.AddSingleton<IHostLifetime, Microsoft.Extensions.Hosting.Internal.ConsoleLifetime>();
        services.AddMetrics();

        services.AddSingleton(config);
        services.AddSingleton(sp =>
        {
            // Transferred zones' serials move with what they serve, on from the last ones kept.
            var stateFile = sp.GetRequiredService<StateFile>();
            var serials = new ZoneSerials(sp.GetRequiredService<TimeProvider>(), stateFile.Saved.Serials);
            stateFile.ServedSerials = () => serials.Served;
            return serials;
        });
        services.AddSingleton(sp => new ZoneStore(snapshot, sp.GetRequiredService<ZoneSerials>()));
        services.AddSingleton(new Protocol.Tsig.TsigKeyRing(config.TsigKeys));
        services.AddSingleton<ZoneTransferService>();
        services.AddSingleton<SecondaryStatus>();
        services.AddSingleton<NotifySender>();
        services.AddSingleton<TransferMetrics>();
        services.AddSingleton<QueryMetrics>();
        services.AddSingleton(sp => new QueryProcessor(
            sp.GetRequiredService<ZoneStore>(),
            sp.GetRequiredService<QueryMetrics>(),
            ResponseRateLimiter.Create(config.Server.RateLimit),
            sp.GetRequiredService<Protocol.Tsig.TsigKeyRing>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<QueryLog>();
        services.AddSingleton<ReadinessState>();
        services.AddSingleton<DnsListenerService>();
        services.AddSingleton(timeProvider ?? TimeProvider.System);
        services.AddSingleton(sp => new StateFile(config.Admin.StateFile, sp.GetRequiredService<ILogger<StateFile>>()));
        services.AddSingleton(sp => new HealthStateStore(
            config.HealthChecks,
            sp.GetRequiredService<TimeProvider>(),
            config.Health.InitialState,
            sp.GetRequiredService<StateFile>().SavedChecks(),
            config.Health.FlapDamping));
        services.AddSingleton<StartupGate>();
        services.AddSingleton<CheckStateSaver>();
        services.AddSingleton<FailoverCoordinator>();
        services.AddSingleton<HealthMetrics>();
        services.AddSingleton<StatusHistory>();
        if (config.Cluster is { } cluster)
        {
            services.AddSingleton(cluster);
            services.AddSingleton<ClusterVerdicts>();
            services.AddSingleton<IVerdictAggregator>(sp => sp.GetRequiredService<ClusterVerdicts>());
            services.AddSingleton<ClusterService>();
            services.AddSingleton<ClusterMetrics>();
        }
        else
        {
            services.AddSingleton<IVerdictAggregator, LocalVerdictAggregator>();
        }

        // The health pipeline (described at IVerdictAggregator): the coordinator is told first, so a
        // change reaches the answers before the start-up gate lets queries in, and before it is saved
        // and counted.
        services.AddSingleton(sp => new HealthPipeline(
            sp.GetRequiredService<HealthStateStore>(),
            sp.GetRequiredService<IVerdictAggregator>(),
            [sp.GetRequiredService<FailoverCoordinator>(), sp.GetRequiredService<StartupGate>(), sp.GetRequiredService<CheckStateSaver>(), sp.GetRequiredService<HealthMetrics>(), sp.GetRequiredService<StatusHistory>()]));
        services.AddSingleton<AlertService>();
        services.AddSingleton<OverrideService>();
        services.AddSingleton<AdminViewFactory>();
        services.AddSingleton<ExplainService>();
        services.AddSingleton(new HealthMonitorOptions());
        services.AddSingleton<Func<EndpointCheckOptions, IProbe>>(sp => options => ProbeFactory.Create(options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new HealthMonitor(
            config.HealthChecks,
            sp.GetRequiredService<HealthPipeline>(),
            sp.GetRequiredService<Func<EndpointCheckOptions, IProbe>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<HealthMonitorOptions>(),
            sp.GetRequiredService<ILogger<HealthMonitor>>()));

        // Start order: the metrics samples' drain (stopped last, after the listeners, so that it
        // drains their last samples); the coordinator deciding from the initial (or saved) states,
        // alerts listening to it, overrides restored, and in cluster mode the link to etcd, all before a
        // query is answered; sockets bound
        // (answering once the start-up gate opens); the state file's writer (stopped after the probes,
        // so it writes their last states); then probes, and the reloader last.
        // The real clock whatever the probes run on: the drain keeps pace with real queries, and a
        // test's manual clock would leave the rings to fill until a collection.
        services.AddHostedService(sp => new QuerySampleDrain(sp.GetRequiredService<QueryMetrics>(), TimeProvider.System));
        services.AddHostedService(sp =>
        {
            sp.GetRequiredService<TransferMetrics>();
            return sp.GetRequiredService<NotifySender>();
        });
        services.AddHostedService(sp => sp.GetRequiredService<FailoverCoordinator>());
        services.AddHostedService(sp => sp.GetRequiredService<AlertService>());
        services.AddHostedService(sp => sp.GetRequiredService<OverrideService>());
        if (config.Cluster is not null)
        {
            // Before the listeners: at start-up the locations' agreed states open the start-up gate.
            services.AddHostedService(sp =>
            {
                sp.GetRequiredService<ClusterMetrics>();
                return sp.GetRequiredService<ClusterService>();
            });
        }

        services.AddHostedService(sp => sp.GetRequiredService<DnsListenerService>());
        services.AddHostedService(sp => sp.GetRequiredService<CheckStateSaver>());
        services.AddHostedService(sp => new SignatureRefresher(sp.GetRequiredService<ZoneStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SignatureRefresher>>()));
        services.AddHostedService(sp => sp.GetRequiredService<HealthMonitor>());
        if (source is not null)
        {
            services.AddSingleton(source);
            services.AddSingleton<ConfigApplier>();
            services.AddSingleton<ConfigChangeSource>();
            services.AddHostedService(sp => sp.GetRequiredService<ConfigChangeSource>());
        }
    }
}
