namespace FailoverDns.Server.Lifecycle;

/// <summary>How the last reload ended: reported by <c>/readyz</c> and returned by <c>POST /api/reload</c>.</summary>
public sealed record ReloadOutcome(bool Succeeded, DateTimeOffset At, IReadOnlyList<string> Errors);
