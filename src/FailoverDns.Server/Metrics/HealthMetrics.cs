using System.Diagnostics.Metrics;
using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using FailoverDns.Protocol;
using FailoverDns.Server.Failover;
using FailoverDns.Zones;
using Microsoft.Extensions.Hosting;

namespace FailoverDns.Server.Metrics;

/// <summary>
/// Health checks and failover as metrics: probe results and latency per check, each check's state
/// (a state set: one series per status, 1 for the current one), transitions, overrides, and the
/// tier each failover record set serves.
/// </summary>
public sealed class HealthMetrics : IHostedService
{
    private static readonly HealthStatus[] Statuses = [HealthStatus.Healthy, HealthStatus.Unhealthy, HealthStatus.Unknown];

    private readonly HealthStateStore _health;
    private readonly Counter<long> _probes;
    private readonly Histogram<double> _probeDuration;
    private readonly Counter<long> _transitions;

    public HealthMetrics(IMeterFactory meters, HealthStateStore health, FailoverCoordinator coordinator, ZoneStore zones)
    {
        _health = health;
        var meter = meters.Create(MeterNames.FailoverDns);
        _probes = meter.CreateCounter<long>("failoverdns.health.probes", "{probe}", "Probe results per health check: outcome success or failure, and the failure's reason");
        _probeDuration = meter.CreateHistogram<double>(
            "failoverdns.health.probe.duration",
            "s",
            "Probe latency per health check, until the verdict (connect, TLS, status line, body match)",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10] });
        _transitions = meter.CreateCounter<long>("failoverdns.health.transitions", "{transition}", "Health check state changes, by the state entered");
        meter.CreateObservableGauge("failoverdns.health.check.status", () => CheckStatuses(), "{status}", "Each health check's state as served (an override's, else the probes'): 1 on the current status, 0 on the others");
        meter.CreateObservableGauge("failoverdns.health.check.overridden", () => Overrides(), "{override}", "1 while an operator override forces the check's state");
        meter.CreateObservableGauge(
            "failoverdns.failover.active_tier",
            () => zones.Current.FailoverSets.Select(set => new Measurement<int>(
                coordinator.DecisionFor(set).Tier,
                new KeyValuePair<string, object?>("record", set.Name),
                new KeyValuePair<string, object?>("type", RDataFormatter.TypeToText(set.Type)))),
            "{tier}",
            "The tier each failover record set serves: 0 primary, 1 secondary, …; -1 when every tier is unhealthy and the set answers NODATA or SERVFAIL");
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _health.Recorded += OnRecorded;
        _health.Transitioned += OnTransitioned;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _health.Recorded -= OnRecorded;
        _health.Transitioned -= OnTransitioned;
        return Task.CompletedTask;
    }

    private void OnRecorded(string check, ProbeResult result)
    {
        var name = new KeyValuePair<string, object?>("check", check);
        _probes.Add(
            1,
            name,
            new KeyValuePair<string, object?>("outcome", result.Succeeded ? "success" : "failure"),
            new KeyValuePair<string, object?>("reason", ProbeFailureNames.ToName(result.Failure)));
        _probeDuration.Record(result.Latency.TotalSeconds, name);
    }

    private void OnTransitioned(HealthTransition transition) =>
        _transitions.Add(1, new KeyValuePair<string, object?>("check", transition.Check), new KeyValuePair<string, object?>("to", transition.To.ToName()));

    private IEnumerable<Measurement<int>> CheckStatuses() =>
        _health.All.SelectMany(state => Statuses.Select(status => new Measurement<int>(
            state.Status == status ? 1 : 0,
            new KeyValuePair<string, object?>("check", state.Name),
            new KeyValuePair<string, object?>("status", status.ToName()))));

    private IEnumerable<Measurement<int>> Overrides() =>
        _health.All.Select(state => new Measurement<int>(state.Override is null ? 0 : 1, new KeyValuePair<string, object?>("check", state.Name)));
}
