using FailoverDns.Health.Checks;

namespace FailoverDns.Health.Policy;

/// <summary>
/// Turns results into states with rise/fall thresholds against flapping. A check with no verdict yet
/// takes its first result as its state (<see cref="InitialState.FirstProbe"/>), or counts as healthy
/// (<see cref="InitialState.Healthy"/>, Route 53): its first success makes it healthy, and it takes the
/// full failure threshold to make it unhealthy, as from healthy.
/// </summary>
public static class ThresholdPolicy
{
    public static ThresholdState Apply(ThresholdState current, bool passed, int failureThreshold, int recoveryThreshold, InitialState initial = InitialState.Healthy)
    {
        if (current.Status == HealthStatus.Unknown && initial == InitialState.FirstProbe)
        {
            return passed ? new ThresholdState(HealthStatus.Healthy, 1, 0) : new ThresholdState(HealthStatus.Unhealthy, 0, 1);
        }

        if (passed)
        {
            var successes = current.ConsecutiveSuccesses + 1;
            var status = current.Status switch
            {
                HealthStatus.Unhealthy => successes >= recoveryThreshold ? HealthStatus.Healthy : HealthStatus.Unhealthy,
                _ => HealthStatus.Healthy,
            };
            return new ThresholdState(status, successes, 0);
        }

        var failures = current.ConsecutiveFailures + 1;
        var next = current.Status switch
        {
            HealthStatus.Unhealthy => HealthStatus.Unhealthy,
            _ => failures >= failureThreshold ? HealthStatus.Unhealthy : current.Status,
        };
        return new ThresholdState(next, 0, failures);
    }

    /// <summary>A calculated check: children without a verdict count as healthy; unknown until any child has one.</summary>
    public static HealthStatus Calculate(IReadOnlyList<HealthStatus> children, int requiredHealthy)
    {
        if (children.All(c => c == HealthStatus.Unknown))
        {
            return HealthStatus.Unknown;
        }

        var healthy = children.Count(c => c != HealthStatus.Unhealthy);
        return healthy >= requiredHealthy ? HealthStatus.Healthy : HealthStatus.Unhealthy;
    }

    public static HealthStatus Invert(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => HealthStatus.Unhealthy,
        HealthStatus.Unhealthy => HealthStatus.Healthy,
        _ => HealthStatus.Unknown,
    };
}
