using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using FailoverDns.Protocol;
using FailoverDns.Server.Failover;
using FailoverDns.Zones;

namespace FailoverDns.Server.Metrics;

/// <summary>
/// Health checks and failover as metrics: probe results and latency per check, each check's state
/// (a state set: one series per status, 1 for the current one), transitions, overrides, and the
/// tier each failover record set serves and the TTL it is served with; flap damping: which checks are held, and how often.
/// </summary>
public sealed class HealthMetrics : IHealthStateHandler
{
    private static readonly HealthStatus[] Statuses = [HealthStatus.Healthy, HealthStatus.Unhealthy, HealthStatus.Unknown];

    /// <summary>Seconds.</summary>
    private static readonly double[] DurationBounds = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];

    private readonly HealthStateStore _health;
    private readonly ConcurrentDictionary<string, ProbeStats> _probes = new(StringComparer.Ordinal);
    private readonly Counter<long> _transitions;
    private readonly Counter<long> _flapDamped;
    private readonly Histogram<double> _probeDurations;

    public HealthMetrics(IMeterFactory meters, HealthStateStore health, FailoverCoordinator coordinator, ZoneStore zones)
    {
        _health = health;
        var meter = meters.Create(MeterNames.FailoverDns);
        meter.CreateObservableCounter("failoverdns.health.probes", ObserveProbes, "{probe}", "Probe results per health check: outcome success or failure, and the failure's reason");
        // A synchronous histogram (the SDK reads no other kind): a check a reload removed keeps its
        // last buckets until restart, where its probe counts stop being reported.
        _probeDurations = meter.CreateHistogram(
            "failoverdns.health.probe.duration",
            "s",
            "Probe latency per health check, until the verdict (connect, TLS, status line, body match)",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBounds });
        _transitions = meter.CreateCounter<long>("failoverdns.health.transitions", "{transition}", "Health check state changes, by the state entered");
        meter.CreateObservableGauge("failoverdns.health.check.status", () => CheckStatuses(), "{status}", "Each health check's state as served (an override's, else the probes'): 1 on the current status, 0 on the others");
        meter.CreateObservableGauge("failoverdns.health.check.overridden", () => Overrides(), "{override}", "1 while an operator override forces the check's state");
        meter.CreateObservableGauge("failoverdns.health.check.damped", () => Damped(), "{check}", "1 while flap damping holds the check unhealthy");
        _flapDamped = meter.CreateCounter<long>("failoverdns.health.check.flap_damped", "{damping}", "Times flap damping started holding a check unhealthy");
        meter.CreateObservableGauge(
            "failoverdns.failover.active_tier",
            () => zones.Current.FailoverSets.Select(set => new Measurement<int>(
                coordinator.DecisionFor(set).Tier,
                Tag("record", set.Name),
                Tag("type", RecordTypeNames.ToName(set.Type)))),
            "{tier}",
            "The tier each failover record set serves: 0 primary, 1 secondary, …; -1 when every tier is unhealthy and the set answers NODATA or SERVFAIL");
        meter.CreateObservableGauge("failoverdns.failover.served_ttl", () => ServedTtls(zones.Current), "s", "The TTL each failover record set is served with now: its ttl, or its unsettledTtl while the answer may soon change");
    }

    /// <summary>From one snapshot, so every set is read as queries see it; a set serving no records reports its ttl.</summary>
    private static IEnumerable<Measurement<long>> ServedTtls(ZoneSnapshot snapshot) =>
        snapshot.FailoverSets.Select(set => new Measurement<long>(
            snapshot.ActiveAnswer(set) is { } answer && answer != Zones.Model.RRset.ServFail ? answer.Ttl : set.Definition.Ttl,
            Tag("record", set.Name),
            Tag("type", RecordTypeNames.ToName(set.Type))));

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);

    public void Recorded(string check, ProbeResult result)
    {
        _probes.GetOrAdd(check, static _ => new ProbeStats()).Add(result);
        _probeDurations.Record(result.Latency.TotalSeconds, Tag("check", check));
    }

    public void Transitioned(IReadOnlyList<HealthTransition> transitions)
    {
        foreach (var transition in transitions)
        {
            _transitions.Add(1, Tag("check", transition.Check), Tag("to", transition.To.ToName()));
        }
    }

    public void FlapDampingChanged(FlapDampingChange change)
    {
        if (change.Damped)
        {
            _flapDamped.Add(1, Tag("check", change.Check));
        }
    }

    /// <summary>The probe statistics of the checks the config has now (a reload may have removed some).</summary>
    private IEnumerable<(string Check, long[] Results)> Current() =>
        _probes.Where(p => _health.Get(p.Key) is not null).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value.Read()));

    private IEnumerable<Measurement<long>> ObserveProbes() =>
        Current().SelectMany(p => p.Results
            .Select((count, reason) => (count, reason: (ProbeFailure)reason))
            .Where(r => r.count > 0)
            .Select(r => new Measurement<long>(
                r.count,
                Tag("check", p.Check),
                Tag("outcome", r.reason == ProbeFailure.None ? "success" : "failure"),
                Tag("reason", ProbeFailureNames.ToName(r.reason)))));

    private IEnumerable<Measurement<int>> CheckStatuses() =>
        _health.All.SelectMany(state => Statuses.Select(status => new Measurement<int>(
            state.Status == status ? 1 : 0,
            Tag("check", state.Name),
            Tag("status", status.ToName()))));

    private IEnumerable<Measurement<int>> Overrides() =>
        _health.All.Select(state => new Measurement<int>(state.Override is null ? 0 : 1, Tag("check", state.Name)));

    private IEnumerable<Measurement<int>> Damped() =>
        _health.All.Where(state => state.Definition.Endpoint is not null).Select(state => new Measurement<int>(state.Flap.Damped ? 1 : 0, Tag("check", state.Name)));
}
