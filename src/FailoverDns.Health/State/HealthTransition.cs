using FailoverDns.Health.Checks;

namespace FailoverDns.Health.State;

/// <summary>A check's state changed; <see cref="Reason"/> says why in words an operator reads.</summary>
public sealed record HealthTransition(string Check, HealthStatus From, HealthStatus To, string Reason, DateTimeOffset At);
