using System.Diagnostics;
using System.Diagnostics.Metrics;
using FailoverDns.Configuration;
using FailoverDns.Health.Monitoring;
using FailoverDns.Health.State;
using FailoverDns.Server.Alerts;
using FailoverDns.Server.Cluster;
using FailoverDns.Server.Failover;
using FailoverDns.Server.HealthOverrides;
using FailoverDns.Server.Lifecycle;
using FailoverDns.Server.Metrics;
using Microsoft.Extensions.Logging;
using Serilog.Core;
using Serilog.Events;

namespace FailoverDns.Server.Reload;

/// <summary>
/// Reads the config file, validates all of it, and swaps a valid one in: zones and answers in one
/// snapshot, health checks reconciled (state of unchanged checks kept), probes started and stopped,
/// webhooks and log level replaced. An invalid file is rejected with every error logged and shown
/// by <c>/readyz</c>; the last good config goes on being served. <see cref="ConfigChangeSource"/>
/// decides when.
/// </summary>
public sealed partial class ConfigApplier
{
    private readonly ConfigSource _source;
    private readonly HealthStateStore _health;
    private readonly HealthMonitor _monitor;
    private readonly FailoverCoordinator _coordinator;
    private readonly OverrideService _overrides;
    private readonly ClusterService? _cluster;
    private readonly AlertService _alerts;
    private readonly ReadinessState _readiness;
    private readonly LoggingLevelSwitch _logLevel;
    private readonly TimeProvider _time;
    private readonly ILogger<ConfigApplier> _logger;
    private readonly Counter<long> _reloads;
    private readonly Lock _gate = new();

    // What the listeners, the admin API and the logger were set up with: restart-only sections are
    // compared with this, so a change reverted before a restart is no longer reported.
    private readonly FailoverDnsConfig _started;

    public ConfigApplier(
        ConfigSource source,
        FailoverDnsConfig config,
        HealthStateStore health,
        HealthMonitor monitor,
        FailoverCoordinator coordinator,
        OverrideService overrides,
        AlertService alerts,
        ReadinessState readiness,
        LoggingLevelSwitch logLevel,
        IMeterFactory meters,
        TimeProvider time,
        ILogger<ConfigApplier> logger,
        ClusterService? cluster = null)
    {
        _cluster = cluster;
        _source = source;
        Current = config;
        _started = config;
        _health = health;
        _monitor = monitor;
        _coordinator = coordinator;
        _overrides = overrides;
        _alerts = alerts;
        _readiness = readiness;
        _logLevel = logLevel;
        _time = time;
        _logger = logger;
        var meter = meters.Create(MeterNames.FailoverDns);
        _reloads = meter.CreateCounter<long>("failoverdns.config.reloads", "{reload}", "Config reloads by outcome: success, or failure (the file was invalid and the previous config kept)");
        meter.CreateObservableGauge("failoverdns.config.last_reload_successful", () => _readiness.LastReload?.Succeeded is false ? 0 : 1, "{bool}", "0 while the latest reload attempt failed, else 1");
        _reloads.Add(0, new KeyValuePair<string, object?>("outcome", "success"));
        _reloads.Add(0, new KeyValuePair<string, object?>("outcome", "failure"));
    }

    /// <summary>The config being served.</summary>
    public FailoverDnsConfig Current { get; private set; }

    /// <summary>Reloads now, on the caller's thread; true when the new config is served.</summary>
    public bool Reload(string why)
    {
        lock (_gate)
        {
            var clock = Stopwatch.StartNew();
            var loaded = ConfigLoader.Load(_source.Path);
            if (!loaded.Succeeded)
            {
                Reject(loaded, why);
                return false;
            }

            try
            {
                Apply(_source.Adjust(loaded.Config!), loaded, why, clock);
                return true;
            }
            catch (Exception e)
            {
                // A bug in one part must not end the reloader (or the host); say so where people look.
                LogApplyFailed(_logger, _source.Path, why, e);
                _readiness.RecordReload(new ReloadOutcome(false, _time.GetUtcNow(), [$"applying the new config failed ({e.GetType().Name}); parts of it may be in use, see the log"], 1));
                _reloads.Add(1, new KeyValuePair<string, object?>("outcome", "failure"));
                return false;
            }
        }
    }

    private void Apply(FailoverDnsConfig fresh, ConfigLoadResult loaded, string why, Stopwatch clock)
    {
        var restarted = _health.Reconcile(fresh.HealthChecks);
        _cluster?.Reconcile(fresh.HealthChecks);
        _coordinator.Reload(loaded.Snapshot!);
        _overrides.Persist(); // after the reload's new serials

        _monitor.Reconcile(fresh.HealthChecks);
        _alerts.Reconfigure(fresh.Alerts);
        _logLevel.MinimumLevel = Enum.Parse<LogEventLevel>(fresh.Logging.Level);
        Current = fresh;
        _readiness.RecordReload(new ReloadOutcome(true, _time.GetUtcNow(), [], 0));
        _reloads.Add(1, new KeyValuePair<string, object?>("outcome", "success"));

        ConfigLog.Serving(_logger, "Reloaded", _source.Path, why, loaded.Summary, clock.ElapsedMilliseconds);
        if (restarted.Count > 0)
        {
            LogChecksStartingOver(_logger, string.Join(", ", restarted));
        }

        foreach (var section in RestartOnly(_started, fresh))
        {
            LogNeedsRestart(_logger, section);
        }
    }

    private void Reject(ConfigLoadResult loaded, string why)
    {
        var errors = loaded.ErrorLines;
        var count = loaded.Errors.Count + loaded.OmittedErrors;
        _readiness.RecordReload(new ReloadOutcome(false, _time.GetUtcNow(), errors, count));
        _reloads.Add(1, new KeyValuePair<string, object?>("outcome", "failure"));
        LogRejected(_logger, _source.Path, why, count);
        foreach (var error in errors)
        {
            LogConfigError(_logger, error);
        }
    }

    /// <summary>Settings that belong to sockets and files opened at start-up: where <paramref name="fresh"/> differs from what is in use.</summary>
    private static IEnumerable<string> RestartOnly(FailoverDnsConfig started, FailoverDnsConfig fresh)
    {
        if (!started.Listen.Select(l => (l.EndPoint, l.Udp, l.Tcp)).SequenceEqual(fresh.Listen.Select(l => (l.EndPoint, l.Udp, l.Tcp))))
        {
            yield return "listen";
        }

        if (started.Server != fresh.Server)
        {
            yield return "server";
        }

        if (started.Admin != fresh.Admin)
        {
            yield return "admin";
        }

        if (!started.TsigKeys.Select(k => k.ToString()).SequenceEqual(fresh.TsigKeys.Select(k => k.ToString())))
        {
            yield return "tsigKeys";
        }

        if (!SameCluster(started.Cluster, fresh.Cluster))
        {
            yield return "cluster";
        }

        // The state store takes it when it is made: damping that changed under a held check would
        // release or hold it with no change of its own.
        if (started.Health.FlapDamping != fresh.Health.FlapDamping)
        {
            yield return "health.flapDamping";
        }

        if (started.Logging with { Level = fresh.Logging.Level } != fresh.Logging)
        {
            yield return "logging.format and logging.queries";
        }
    }

    private static bool SameCluster(ClusterOptions? a, ClusterOptions? b) =>
        a is null || b is null ? a == b : a with { Endpoints = b.Endpoints } == b && a.Endpoints.SequenceEqual(b.Endpoints);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reload: health checks new or redefined start over, each keeping the state it had (if any) until its probes decide: {Checks}")]
    private static partial void LogChecksStartingOver(ILogger logger, string checks);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reload of {Path} ({Why}) rejected: {Count} error(s), the first of them below; still serving the previous config")]
    private static partial void LogRejected(ILogger logger, string path, string why, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Error}")]
    private static partial void LogConfigError(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reload: changes to {Section} take effect at the next restart")]
    private static partial void LogNeedsRestart(ILogger logger, string section);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reload of {Path} ({Why}) failed while applying it; parts of the new config may be in use")]
    private static partial void LogApplyFailed(ILogger logger, string path, string why, Exception exception);
}
