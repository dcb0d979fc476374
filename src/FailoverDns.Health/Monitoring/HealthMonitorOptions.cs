namespace FailoverDns.Health.Monitoring;

/// <summary>Scheduling knobs shared by every probe.</summary>
public sealed record HealthMonitorOptions
{
    /// <summary>Each wait is the interval ± this fraction of it, so probes of equal interval drift apart.</summary>
    public double Jitter { get; init; } = 0.1;

    /// <summary>
    /// Probes running at once, at most. The first round starts every probe together; ten thousand
    /// connects at once starve a small machine until their own timeouts fire, and a first result
    /// decides a check. A probe's timeouts start when it gets its turn.
    /// </summary>
    public int MaxProbesInFlight { get; init; } = 256;
}
