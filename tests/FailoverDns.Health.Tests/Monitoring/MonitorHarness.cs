using FailoverDns.Health.Checks;
using FailoverDns.Health.Monitoring;
using FailoverDns.Health.State;
using FailoverDns.Health.Tests.State;

namespace FailoverDns.Health.Tests.Monitoring;

/// <summary>
/// A monitor wired to a fake clock, fake probes and the real pipeline, ending in <see cref="Handler"/>. Every wait is on an event (a probe call, a loop
/// parked in its delay) under <see cref="Deadline"/>; time moves only through <see cref="Clock"/>.
/// </summary>
internal sealed class MonitorHarness : IAsyncDisposable
{
    /// <summary>No wait in these tests may take longer, whatever the monitor does.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public static readonly DateTimeOffset Start = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public MonitorHarness(double jitter, params HealthCheckDefinition[] definitions)
        : this(new LocalVerdictAggregator(), jitter, definitions)
    {
    }

    public MonitorHarness(IVerdictAggregator aggregator, double jitter, params HealthCheckDefinition[] definitions)
        : this(aggregator, new HealthMonitorOptions { Jitter = jitter }, definitions)
    {
    }

    public MonitorHarness(IVerdictAggregator aggregator, HealthMonitorOptions options, params HealthCheckDefinition[] definitions)
    {
        Store = new HealthStateStore(definitions, Clock);
        var pipeline = new HealthPipeline(Store, aggregator, [Handler]);
        Monitor = new HealthMonitor(definitions, pipeline, Factory.Create, Clock, options, Logger);
    }

    public ParkingTimeProvider Clock { get; } = new(Start);

    public RecordingHandler Handler { get; } = new();

    public FakeProbeFactory Factory { get; } = new();

    public CapturingLogger Logger { get; } = new() { MinimumLevel = Microsoft.Extensions.Logging.LogLevel.Debug };

    public HealthStateStore Store { get; }

    public HealthMonitor Monitor { get; }

    public Task StartAsync() => Monitor.StartAsync(CancellationToken.None);

    /// <summary>Completes once <paramref name="loops"/> loops have finished a round and wait for their next one.</summary>
    public Task ParkedAsync(int loops = 1) => Clock.WaitForArmedTimersAsync(loops, Deadline);

    /// <summary>Stops the monitor and returns whether its loops all ended within <see cref="Deadline"/>.</summary>
    public async Task<bool> StopAsync()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        await Monitor.StopAsync(deadline.Token);
        return Monitor.ExecuteTask?.IsCompleted ?? true;
    }

    public async ValueTask DisposeAsync()
    {
        if (Monitor.ExecuteTask is { IsCompleted: false })
        {
            await StopAsync();
        }

        Monitor.Dispose();
    }
}
