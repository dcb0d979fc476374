using FailoverDns.Health.Checks;

namespace FailoverDns.Health.Policy;

/// <summary>A check's state and the run of equal results that leads to the next state.</summary>
public readonly record struct ThresholdState(HealthStatus Status, int ConsecutiveSuccesses, int ConsecutiveFailures)
{
    public static ThresholdState Initial => new(HealthStatus.Unknown, 0, 0);
}
