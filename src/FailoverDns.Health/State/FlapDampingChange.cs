namespace FailoverDns.Health.State;

/// <summary>
/// Flap damping started (<see cref="Damped"/>) or ended for a check; <see cref="Reason"/> says why in
/// words an operator reads. Told apart from a transition: damping can start while the check is
/// already unhealthy, and then its state does not change.
/// </summary>
public sealed record FlapDampingChange(string Check, bool Damped, string Reason, DateTimeOffset At);
