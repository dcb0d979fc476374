using FailoverDns.Health.Checks;

namespace FailoverDns.Health.State;

/// <summary>
/// What one location's probes say of an endpoint check once the threshold policy has run, and why in
/// words an operator reads. <see cref="Check"/> is the definition it was judged under, so a verdict
/// that arrives after a reload redefined the check is recognised as stale.
/// </summary>
public sealed record CheckVerdict(HealthCheckDefinition Check, HealthStatus Status, string Reason)
{
    /// <summary>Set when this result started or ended the check's flap damping; null otherwise.</summary>
    public FlapDampingChange? Damping { get; init; }
}
