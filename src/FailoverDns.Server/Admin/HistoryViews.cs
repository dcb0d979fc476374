namespace FailoverDns.Server.Admin;

/// <summary>A check's state change, as the timeline shows it.</summary>
public sealed record TransitionView(DateTimeOffset At, string From, string To, string Reason);

/// <summary>A check's last state changes, newest first (at most <see cref="StatusHistory.TransitionsPerCheck"/>).</summary>
public sealed record CheckChangesView(string Check, IReadOnlyList<TransitionView> Transitions);

/// <summary>
/// A record set's switch: its kind (failover, failback, allUnhealthy), what it serves now and before,
/// and the check change and reason that caused it (no check after a config reload).
/// </summary>
public sealed record SwitchView(DateTimeOffset At, string Kind, string Name, string Type, string Serving, string? Before, string? Check, string Reason);

/// <summary>The body of <c>GET /api/history</c>.</summary>
public sealed record HistoryView(IReadOnlyList<CheckChangesView> Checks, IReadOnlyList<SwitchView> Switches, IReadOnlyList<SwitchView> LastSwitches);

/// <summary>One minute's probes of a check: how many, how many failed, mean and highest latency.</summary>
public sealed record LatencySampleView(DateTimeOffset At, int Probes, int Failures, double MeanMs, double MaxMs);

public sealed record CheckLatencyView(string Check, IReadOnlyList<LatencySampleView> Samples);

/// <summary>The body of <c>GET /api/history/latency</c>.</summary>
public sealed record LatencyHistoryView(int WindowMinutes, IReadOnlyList<CheckLatencyView> Checks);
