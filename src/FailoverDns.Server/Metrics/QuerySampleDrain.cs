using Microsoft.Extensions.Hosting;

namespace FailoverDns.Server.Metrics;

/// <summary>
/// Moves the query threads' samples into the SDK's histograms every <see cref="Interval"/>, so
/// that the fixed rings they wait in do not fill between two collections (a Prometheus scrape or
/// an OTLP export may come only once a minute). Stopped after the listeners (it is started before
/// them), it drains once more, so the last queries reach the final export.
/// </summary>
public sealed class QuerySampleDrain(QueryMetrics metrics, TimeProvider clock) : IHostedService, IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private ITimer? _timer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = clock.CreateTimer(static state => ((QueryMetrics)state!).DrainSamples(), metrics, Interval, Interval);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_timer is not null)
        {
            await _timer.DisposeAsync();
        }

        metrics.DrainSamples();
    }

    public void Dispose() => _timer?.Dispose();
}
