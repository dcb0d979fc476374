using FailoverDns.Health.Checks;

namespace FailoverDns.Health.State;

/// <summary>
/// An operator's forced state for a check (maintenance, drills): it decides answers instead of the
/// probes until it is cleared or <see cref="Until"/> passes; probing goes on underneath.
/// </summary>
public sealed record HealthOverride(HealthStatus State, DateTimeOffset? Until, string Reason, DateTimeOffset Since);
