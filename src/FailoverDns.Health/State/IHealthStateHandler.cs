using FailoverDns.Health.Probes;

namespace FailoverDns.Health.State;

/// <summary>
/// The step after the health state (<see cref="IVerdictAggregator"/> shows the whole pipeline): the
/// failover coordinator, the start-up gate, the state file, and metrics. Called on the thread that made the change, in order, after the
/// store has applied it; what it throws reaches the caller (a probe loop logs it and probes on).
/// </summary>
public interface IHealthStateHandler
{
    /// <summary>A probe result was applied to <paramref name="check"/> (after the changes it caused were handed on).</summary>
    void Recorded(string check, ProbeResult result);

    /// <summary>Checks changed state, each change once, in the order they were made.</summary>
    void Transitioned(IReadOnlyList<HealthTransition> transitions);

    /// <summary>
    /// A check's flap damping started or ended, told before the transition it causes, if any; a
    /// handler that does not care need not implement it.
    /// </summary>
    void FlapDampingChanged(FlapDampingChange change)
    {
    }
}
