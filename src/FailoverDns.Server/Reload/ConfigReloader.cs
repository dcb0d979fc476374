using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using FailoverDns.Configuration;
using FailoverDns.Health.Monitoring;
using FailoverDns.Health.State;
using FailoverDns.Server.Alerts;
using FailoverDns.Server.Failover;
using FailoverDns.Server.HealthOverrides;
using FailoverDns.Server.Lifecycle;
using FailoverDns.Server.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog.Core;
using Serilog.Events;

namespace FailoverDns.Server.Reload;

/// <summary>
/// Re-reads the config when its file (or a zone file it names) changes, and on SIGHUP; validates
/// all of it, and swaps it in: zones and answers in one snapshot, health checks reconciled (state
/// of unchanged checks kept), probes started and stopped, webhooks and log level replaced. An
/// invalid file is rejected with every error logged and shown by <c>/readyz</c>; the last good
/// config goes on being served.
/// </summary>
public sealed partial class ConfigReloader : BackgroundService
{
    /// <summary>Editors write a file in several steps; changes this close together make one reload.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);

    private const string HangupReason = "SIGHUP";

    private readonly ConfigSource _source;
    private readonly HealthStateStore _health;
    private readonly HealthMonitor _monitor;
    private readonly FailoverCoordinator _coordinator;
    private readonly OverrideService _overrides;
    private readonly AlertService _alerts;
    private readonly ReadinessState _readiness;
    private readonly LoggingLevelSwitch _logLevel;
    private readonly TimeProvider _time;
    private readonly ILogger<ConfigReloader> _logger;
    private readonly Counter<long> _reloads;
    private readonly Channel<string> _requests = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly object _gate = new();
    private byte[] _lastSeen = [];
    private PosixSignalRegistration? _hangup;

    public ConfigReloader(
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
        ILogger<ConfigReloader> logger)
    {
        _source = source;
        Current = config;
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

    /// <summary>Asks for a reload now (what SIGHUP does); it happens on the reloader's own task.</summary>
    public void Request(string why) => _requests.Writer.TryWrite(why);

    /// <summary>Reloads now, on the caller's thread; true when the new config is served.</summary>
    public bool Reload(string why)
    {
        lock (_gate)
        {
            var clock = Stopwatch.StartNew();
            var loaded = ConfigLoader.Load(_source.Path);
            _lastSeen = Fingerprint(loaded.Config ?? Current);
            if (!loaded.Succeeded)
            {
                Reject(loaded, why);
                return false;
            }

            Apply(_source.Adjust(loaded.Config!), loaded, why, clock);
            return true;
        }
    }

    /// <summary>
    /// Takes over SIGHUP and starts watching before the host reports started: since .NET 10 all of
    /// ExecuteAsync runs later on the thread pool, and a SIGHUP with no handler terminates the process.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _lastSeen = Fingerprint(Current);
        Watch(Current);
        _hangup = RegisterHangup();
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _hangup?.Dispose();
        StopWatching();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _requests.Reader.WaitToReadAsync(stoppingToken))
            {
                // Let a burst of file events settle, then reload once for all of them.
                await Task.Delay(Debounce, stoppingToken);
                var reasons = new List<string>();
                while (_requests.Reader.TryRead(out var reason))
                {
                    reasons.Add(reason);
                }

                var signalled = reasons.Contains(HangupReason);
                if (signalled || !Fingerprint(Current).AsSpan().SequenceEqual(_lastSeen))
                {
                    Reload(string.Join(", ", reasons.Distinct()));
                    Watch(Current);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            StopWatching();
        }
    }

    private void Apply(FailoverDnsConfig fresh, ConfigLoadResult loaded, string why, Stopwatch clock)
    {
        var old = Current;
        var restarted = _health.Reconcile(fresh.HealthChecks);
        _overrides.Persist();
        _coordinator.Reload(loaded.Snapshot!);
        _monitor.Reconcile(fresh.HealthChecks);
        _alerts.Reconfigure(fresh.Alerts);
        _logLevel.MinimumLevel = Enum.Parse<LogEventLevel>(fresh.Logging.Level);
        Current = fresh;
        _readiness.RecordReload(new ReloadOutcome(true, _time.GetUtcNow(), []));
        _reloads.Add(1, new KeyValuePair<string, object?>("outcome", "success"));

        var snapshot = loaded.Snapshot!;
        LogReloaded(
            _logger,
            _source.Path,
            why,
            snapshot.Zones.Count,
            snapshot.Zones.Sum(z => z.RecordCount),
            snapshot.FailoverSets.Count,
            fresh.HealthChecks.Count,
            restarted.Count == 0 ? "none" : string.Join(", ", restarted),
            clock.ElapsedMilliseconds);
        foreach (var section in RestartOnly(old, fresh))
        {
            LogNeedsRestart(_logger, section);
        }
    }

    private void Reject(ConfigLoadResult loaded, string why)
    {
        var errors = loaded.Errors.Select(e => e.ToString()).ToList();
        _readiness.RecordReload(new ReloadOutcome(false, _time.GetUtcNow(), errors));
        _reloads.Add(1, new KeyValuePair<string, object?>("outcome", "failure"));
        LogRejected(_logger, _source.Path, why, errors.Count);
        foreach (var error in errors)
        {
            LogConfigError(_logger, error);
        }
    }

    /// <summary>Settings that belong to sockets and files opened at start-up.</summary>
    private static IEnumerable<string> RestartOnly(FailoverDnsConfig old, FailoverDnsConfig fresh)
    {
        if (!old.Listen.Select(l => (l.EndPoint, l.Udp, l.Tcp)).SequenceEqual(fresh.Listen.Select(l => (l.EndPoint, l.Udp, l.Tcp))))
        {
            yield return "listen";
        }

        if (old.Server != fresh.Server)
        {
            yield return "server";
        }

        if (old.Admin != fresh.Admin)
        {
            yield return "admin";
        }

        if (old.Logging with { Level = fresh.Logging.Level } != fresh.Logging)
        {
            yield return "logging.format and logging.queries";
        }
    }

    /// <summary>A hash of the config file and every zone file it reads, to tell a real change from a touch.</summary>
    private byte[] Fingerprint(FailoverDnsConfig config)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in SourceFiles(config))
        {
            try
            {
                hash.AppendData(File.ReadAllBytes(file));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"unreadable {file}"));
            }
        }

        return hash.GetHashAndReset();
    }

    private IEnumerable<string> SourceFiles(FailoverDnsConfig config) =>
        new[] { Path.GetFullPath(_source.Path) }
            .Concat(config.Zones.SelectMany(z => z.Records.Select(r => r.Location.File)).Distinct(StringComparer.Ordinal).Select(Path.GetFullPath))
            .Distinct(StringComparer.Ordinal);

    /// <summary>
    /// Watches the directories of the config and zone files. Any change there is a hint (editors
    /// rename temporary files over the original; Kubernetes swaps a symlinked directory); the
    /// fingerprint decides whether anything read actually changed.
    /// </summary>
    private void Watch(FailoverDnsConfig config)
    {
        StopWatching();
        foreach (var directory in SourceFiles(config).Select(Path.GetDirectoryName).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            try
            {
                var watcher = new FileSystemWatcher(directory)
                {
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                    IncludeSubdirectories = false,
                };
                watcher.Changed += (_, _) => Request("file changed");
                watcher.Created += (_, _) => Request("file changed");
                watcher.Renamed += (_, _) => Request("file changed");
                watcher.Deleted += (_, _) => Request("file changed");
                watcher.EnableRaisingEvents = true;
                _watchers.Add(watcher);
            }
            catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
            {
                LogCannotWatch(_logger, directory, e.Message);
            }
        }
    }

    private void StopWatching()
    {
        _watchers.ForEach(w => w.Dispose());
        _watchers.Clear();
    }

    private PosixSignalRegistration? RegisterHangup()
    {
        try
        {
            return PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true; // reload instead of the default: terminate
                Request(HangupReason);
            });
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reloaded {Path} ({Why}): {Zones} zones, {Records} records, {FailoverSets} failover sets, {HealthChecks} health checks; checks starting over: {Restarted}; in {Milliseconds} ms")]
    private static partial void LogReloaded(ILogger logger, string path, string why, int zones, int records, int failoverSets, int healthChecks, string restarted, long milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reload of {Path} ({Why}) rejected: {Count} error(s) below; still serving the previous config")]
    private static partial void LogRejected(ILogger logger, string path, string why, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Error}")]
    private static partial void LogConfigError(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reload: changes to {Section} take effect at the next restart")]
    private static partial void LogNeedsRestart(ILogger logger, string section);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot watch {Directory} for config changes ({Reason}); reload with SIGHUP")]
    private static partial void LogCannotWatch(ILogger logger, string directory, string reason);
}
