namespace FailoverDns.Health.Monitoring;

/// <summary>Scheduling knobs shared by every probe.</summary>
public sealed record HealthMonitorOptions
{
    /// <summary>Each wait is the interval ± this fraction of it, so probes of equal interval drift apart.</summary>
    public double Jitter { get; init; } = 0.1;
}
