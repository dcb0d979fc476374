namespace FailoverDns.Server.Lifecycle;

/// <summary>
/// How the last reload ended: summarised by <c>/readyz</c>, returned whole by <c>/api/reload</c>.
/// <paramref name="Errors"/> lists the first errors and then a line counting the rest; <paramref name="ErrorCount"/> counts them all.
/// </summary>
public sealed record ReloadOutcome(bool Succeeded, DateTimeOffset At, IReadOnlyList<string> Errors, int ErrorCount);
