using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Health.Monitoring;

/// <summary>
/// Schedules the probes: one loop per distinct endpoint (checks with equal endpoint settings share
/// it), the first round at once, then every interval with jitter. A loop awaits its probe before
/// the next, so probes never pile up, and a slow target delays only its own loop.
/// </summary>
public sealed partial class HealthMonitor(
    IEnumerable<HealthCheckDefinition> definitions,
    HealthStateStore store,
    Func<EndpointCheckOptions, IProbe> probeFactory,
    TimeProvider time,
    HealthMonitorOptions options,
    ILogger<HealthMonitor> logger) : BackgroundService
{
    /// <summary>The endpoints probed and the checks each one feeds.</summary>
    public IReadOnlyList<(EndpointCheckOptions Endpoint, IReadOnlyList<string> Checks)> Probes { get; } =
        [.. definitions
            .Where(d => d.Endpoint is not null && !d.Disabled)
            .GroupBy(d => d.Endpoint!)
            .Select(g => (g.Key, (IReadOnlyList<string>)[.. g.Select(d => d.Name)]))];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Every probe is built before any loop starts: options the factory rejects fault the service
        // at once, instead of ending one loop whose fault waits behind the others until shutdown
        // while its checks stay unprobed (and so served as healthy).
        var probes = new List<IProbe>(Probes.Count);
        try
        {
            foreach (var (endpoint, _) in Probes)
            {
                probes.Add(probeFactory(endpoint));
            }

            await Task.WhenAll(Probes.Select((p, i) => Task.Run(() => ProbeLoopAsync(probes[i], p.Endpoint, p.Checks, stoppingToken), CancellationToken.None)));
        }
        finally
        {
            foreach (var probe in probes)
            {
                probe.Dispose();
            }
        }
    }

    private async Task ProbeLoopAsync(IProbe probe, EndpointCheckOptions endpoint, IReadOnlyList<string> checks, CancellationToken stopping)
    {
        var random = new Random(HashCode.Combine(endpoint, Environment.TickCount));
        while (!stopping.IsCancellationRequested)
        {
            var started = time.GetTimestamp();
            ProbeResult result;
            try
            {
                result = await probe.ProbeAsync(stopping).ConfigureAwait(false);
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
            foreach (var check in checks)
            {
                store.Record(check, result);
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Probe {Endpoint}: {Passed} ({Detail}) in {LatencyMs:0.0} ms")]
    private static partial void LogProbeResult(ILogger logger, EndpointCheckOptions endpoint, bool passed, string detail, double latencyMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Probe {Endpoint} threw; counted as a failure")]
    private static partial void LogProbeCrashed(ILogger logger, EndpointCheckOptions endpoint, Exception exception);
}
