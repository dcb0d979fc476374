using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;

namespace FailoverDns.Health.State;

/// <summary>An immutable view of one check: its state, since when, and its recent results.</summary>
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

    /// <summary>What answers use: a check without a verdict counts as healthy (Route 53).</summary>
    public bool IsHealthy => Status != HealthStatus.Unhealthy;
}
