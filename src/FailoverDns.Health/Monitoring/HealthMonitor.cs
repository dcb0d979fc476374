using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Health.Monitoring;

/// <summary>
/// Schedules the probes: one loop per distinct endpoint (checks with equal endpoint settings share
/// it), the first round at once (at most <see cref="HealthMonitorOptions.MaxProbesInFlight"/> probes
/// running together), then every interval with jitter. A loop awaits its probe before
/// the next, so probes never pile up, and a slow target delays only its own loop. After a config
/// reload, <see cref="Reconcile"/> stops the loops of endpoints no longer wanted and starts new ones.
/// Each result goes down the <see cref="HealthPipeline"/> once per check it feeds; a step that throws is
/// logged here, at the loop's edge, and the loop probes on (a frozen check would be served as it last was).
/// </summary>
public sealed partial class HealthMonitor(
    IEnumerable<HealthCheckDefinition> definitions,
    HealthPipeline pipeline,
    Func<EndpointCheckOptions, IProbe> probeFactory,
    TimeProvider time,
    HealthMonitorOptions options,
    ILogger<HealthMonitor> logger) : BackgroundService
{
    private readonly object _gate = new();
    private readonly SemaphoreSlim _inFlight = new(options.MaxProbesInFlight, options.MaxProbesInFlight);
    private readonly Dictionary<EndpointCheckOptions, ProbeLoop> _loops = [];
    private Dictionary<EndpointCheckOptions, IReadOnlyList<string>> _checks = Wanted(definitions);
    private CancellationToken _stopping = new(canceled: true);

    /// <summary>The endpoints probed and the checks each one feeds.</summary>
    public IReadOnlyList<(EndpointCheckOptions Endpoint, IReadOnlyList<string> Checks)> Probes
    {
        get
        {
            lock (_gate)
            {
                return [.. _checks.Select(p => (p.Key, p.Value))];
            }
        }
    }

    /// <summary>
    /// Probes the endpoints of <paramref name="wanted"/> from now on: loops of endpoints still wanted go
    /// on (feeding the checks that now use them), others stop, new ones start with an immediate probe.
    /// </summary>
    public void Reconcile(IEnumerable<HealthCheckDefinition> wanted)
    {
        lock (_gate)
        {
            var checks = Wanted(wanted);
            if (_stopping.IsCancellationRequested)
            {
                _checks = checks; // not running: ExecuteAsync starts from these
                return;
            }

            var created = new List<ProbeLoop>();
            foreach (var endpoint in checks.Keys.Where(e => !_loops.ContainsKey(e)))
            {
                try
                {
                    created.Add(new ProbeLoop(endpoint, probeFactory(endpoint)));
                }
                catch (ArgumentException e)
                {
                    LogProbeRejected(logger, endpoint, e);
                }
            }

            foreach (var (endpoint, loop) in _loops.Where(l => !checks.ContainsKey(l.Key)).ToList())
            {
                _loops.Remove(endpoint);
                loop.Stop();
            }

            _checks = checks;
            foreach (var loop in created)
            {
                _loops[loop.Endpoint] = loop;
                loop.Start(this, _stopping);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Every probe is built before any loop starts: options the factory rejects fault the service
        // at once, instead of ending one loop whose checks would stay unprobed (and so served as healthy).
        // All under the lock, so a reload that lands meanwhile is not lost: it either went into
        // _checks before this, or finds the loops running and reconciles them.
        lock (_gate)
        {
            var loops = new List<ProbeLoop>(_checks.Count);
            try
            {
                foreach (var endpoint in _checks.Keys)
                {
                    loops.Add(new ProbeLoop(endpoint, probeFactory(endpoint)));
                }
            }
            catch
            {
                loops.ForEach(l => l.Probe.Dispose());
                throw;
            }

            _stopping = stoppingToken;
            foreach (var loop in loops)
            {
                _loops[loop.Endpoint] = loop;
                loop.Start(this, stoppingToken);
            }
        }

        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loops see the same token.
        }

        List<ProbeLoop> running;
        lock (_gate)
        {
            running = [.. _loops.Values];
            _loops.Clear();
        }

        await Task.WhenAll(running.Select(l => l.StopAsync())).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        base.Dispose();
        _inFlight.Dispose();
    }

    private static Dictionary<EndpointCheckOptions, IReadOnlyList<string>> Wanted(IEnumerable<HealthCheckDefinition> definitions) =>
        definitions
            .Where(d => d.IsProbed)
            .GroupBy(d => d.Endpoint!)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(d => d.Name)]);

    private IReadOnlyList<string> ChecksOf(EndpointCheckOptions endpoint)
    {
        lock (_gate)
        {
            return _checks.GetValueOrDefault(endpoint) ?? [];
        }
    }

    private async Task RunAsync(ProbeLoop loop, CancellationToken stopping)
    {
        var endpoint = loop.Endpoint;
        var random = new Random(HashCode.Combine(endpoint, Environment.TickCount));
        while (!stopping.IsCancellationRequested)
        {
            var started = time.GetTimestamp();
            ProbeResult result;
            try
            {
                await _inFlight.WaitAsync(stopping).ConfigureAwait(false);
                try
                {
                    result = await loop.Probe.ProbeAsync(stopping).ConfigureAwait(false);
                }
                finally
                {
                    _inFlight.Release();
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Probes report failures as results; this is a bug in one, and must not end the loop.
                LogProbeCrashed(logger, endpoint, e);
                result = ProbeResult.Failed(ProbeFailure.ConnectionError, e.Message, time.GetElapsedTime(started), time.GetUtcNow());
            }

            if (logger.IsEnabled(LogLevel.Debug))
            {
                LogProbeResult(logger, endpoint, result.Succeeded, result.Detail, result.Latency.TotalMilliseconds);
            }

            if (stopping.IsCancellationRequested)
            {
                return; // stopped by a reload while probing: the checks may belong to another endpoint now
            }

            foreach (var check in ChecksOf(endpoint))
            {
                try
                {
                    pipeline.Record(check, result);
                }
                catch (Exception e)
                {
                    LogPipelineFailed(logger, check, endpoint, e);
                }
            }

            var spread = endpoint.Interval * options.Jitter * ((random.NextDouble() * 2) - 1);
            var wait = endpoint.Interval + spread - time.GetElapsedTime(started);
            try
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stopping).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One endpoint's probe and the loop that runs it, stoppable on its own (by a reload) or with the service.</summary>
    private sealed class ProbeLoop(EndpointCheckOptions endpoint, IProbe probe)
    {
        private CancellationTokenSource? _cancel;
        private Task _task = Task.CompletedTask;

        public EndpointCheckOptions Endpoint { get; } = endpoint;

        public IProbe Probe { get; } = probe;

        public void Start(HealthMonitor monitor, CancellationToken stopping)
        {
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var token = _cancel.Token;
            _task = Task.Run(() => monitor.RunAsync(this, token), CancellationToken.None);
        }

        public void Stop() => _ = StopAsync();

        public async Task StopAsync()
        {
            if (_cancel is not null)
            {
                await _cancel.CancelAsync().ConfigureAwait(false);
            }

            await _task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            Probe.Dispose();
            _cancel?.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Probe {Endpoint}: {Passed} ({Detail}) in {LatencyMs:0.0} ms")]
    private static partial void LogProbeResult(ILogger logger, EndpointCheckOptions endpoint, bool passed, string detail, double latencyMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Probe {Endpoint} threw; counted as a failure")]
    private static partial void LogProbeCrashed(ILogger logger, EndpointCheckOptions endpoint, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Health check {Check}: handling the result of probe {Endpoint} failed; probing goes on")]
    private static partial void LogPipelineFailed(ILogger logger, string check, EndpointCheckOptions endpoint, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot probe {Endpoint}; its checks stay unprobed")]
    private static partial void LogProbeRejected(ILogger logger, EndpointCheckOptions endpoint, Exception exception);
}
