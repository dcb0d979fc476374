using FailoverDns.Health.Checks;

namespace FailoverDns.Health.Policy;

/// <summary>
/// One step of the flap damper: the status to act on (the verdict as given, or unhealthy while
/// damped), the state to keep, and whether damping started or ended at this step.
/// </summary>
public readonly record struct FlapStep(HealthStatus Status, FlapState State, FlapEdge Edge);
