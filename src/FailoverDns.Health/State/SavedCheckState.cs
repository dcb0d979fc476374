using FailoverDns.Health.Checks;

namespace FailoverDns.Health.State;

/// <summary>
/// What an endpoint check's probes last said, kept across restarts: restored only for a check that
/// still judges the same thing (<see cref="HealthCheckDefinition.Judgement"/>).
/// </summary>
public sealed record SavedCheckState(string Check, string Judgement, HealthStatus Status, DateTimeOffset Since);
