using FailoverDns.Health.Checks;
using FailoverDns.Health.Policy;
using FailoverDns.Health.Probes;

namespace FailoverDns.Health.State;

/// <summary>
/// An immutable view of one check: its state (an override's if one is set, else the probes'),
/// since when, and its recent results.
/// </summary>
public sealed record HealthCheckState(
    HealthCheckDefinition Definition,
    HealthStatus Status,
    DateTimeOffset Since,
    int ConsecutiveSuccesses,
    int ConsecutiveFailures,
    ProbeResult? LastResult,
    ProbeResult? LastFailure,
    IReadOnlyList<ProbeResult> History,
    long Probes,
    long Failures,
    long Transitions)
{
    public string Name => Definition.Name;

    /// <summary>What the probes (or, for a calculated check, its children) say, whatever the override.</summary>
    public HealthStatus ProbedStatus { get; init; }

    /// <summary>
    /// What this instance's probes say (the threshold policy's state), before flap damping and the
    /// aggregation step (<see cref="IVerdictAggregator"/>); a single instance without damping acts on it as it is.
    /// </summary>
    public HealthStatus LocationStatus { get; init; }

    public HealthOverride? Override { get; init; }

    /// <summary>
    /// The flap damper's memory of an endpoint check: its recent changes of verdict, and since when it
    /// is held unhealthy for flapping (<see cref="FlapState.Damped"/>).
    /// </summary>
    public FlapState Flap { get; init; } = FlapState.Initial;

    /// <summary>
    /// For a calculated check, what its children say now (counts, and the unhealthy ones by name), kept
    /// current as they change even when this check's own state does not; null for an endpoint check.
    /// </summary>
    public string? Calculation { get; init; }

    /// <summary>What answers use: a check without a verdict counts as healthy (Route 53).</summary>
    public bool IsHealthy => Status != HealthStatus.Unhealthy;
}
