using FailoverDns.Health.Checks;

namespace FailoverDns.Health.Policy;

/// <summary>
/// What the flap damper remembers of one check: its last verdict before damping, when that verdict
/// last changed, the most recent changes (at most one more than the limit: enough to tell), and since
/// when it is damped (null when it is not).
/// </summary>
public sealed record FlapState(HealthStatus Last, IReadOnlyList<DateTimeOffset> Changes, DateTimeOffset? LastChange, DateTimeOffset? DampedSince)
{
    public static FlapState Initial { get; } = new(HealthStatus.Unknown, [], null, null);

    /// <summary>True while the check is held unhealthy for flapping.</summary>
    public bool Damped => DampedSince is not null;
}
