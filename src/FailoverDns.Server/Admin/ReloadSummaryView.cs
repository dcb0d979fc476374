namespace FailoverDns.Server.Admin;

/// <summary>
/// The last reload as <c>/readyz</c> shows it: whether it was served and how many errors it had,
/// never their text. <c>/readyz</c> is open without the token, and error text quotes files.
/// </summary>
public sealed record ReloadSummaryView(bool Succeeded, DateTimeOffset At, int ErrorCount);
