using FailoverDns.Health.Probes;

namespace FailoverDns.Health.State;

/// <summary>
/// Carries a probe result or an operator's override through the steps after the monitor, each a direct
/// call whose result is handed to the next (the steps are described at <see cref="IVerdictAggregator"/>).
/// Nothing here catches: a failing step surfaces to its caller, which decides what to do about it.
/// The handlers are told of every change in the order given.
/// </summary>
public sealed class HealthPipeline(HealthStateStore store, IVerdictAggregator aggregator, IReadOnlyList<IHealthStateHandler> handlers)
{
    public HealthStateStore Store => store;

    /// <summary>Takes one probe result for the check <paramref name="check"/>; an unknown or disabled check ignores it.</summary>
    public void Record(string check, ProbeResult result)
    {
        if (store.Record(check, result) is not { } verdict)
        {
            return;
        }

        // Damping is told before the change it causes, so "is flapping" is logged before "is unhealthy".
        if (verdict.Damping is { } damping)
        {
            foreach (var handler in handlers)
            {
                handler.FlapDampingChanged(damping);
            }
        }

        try
        {
            Forward(store.Apply(aggregator.Aggregate(verdict)));
        }
        finally
        {
            // After the changes it made have gone through, so a handler sees the state this result led
            // to; and even if a step threw, so that no handler waits on another's bug for a result.
            foreach (var handler in handlers)
            {
                handler.Recorded(check, result);
            }
        }
    }

    /// <summary>
    /// Applies verdicts that several locations agreed on (cluster mode), which arrive apart from any
    /// probe result of this instance's; overrides and calculated checks follow as for a local verdict.
    /// </summary>
    public void ApplyAgreed(IReadOnlyList<CheckVerdict> verdicts) => Forward(store.Apply(verdicts));

    /// <summary>Forces <paramref name="check"/> to a state (or clears the force with null); false for an unknown check.</summary>
    public bool SetOverride(string check, HealthOverride? value)
    {
        if (!store.SetOverride(check, value, out var transitions))
        {
            return false;
        }

        Forward(transitions);
        return true;
    }

    /// <summary>Clears every override whose time has passed; returns their checks.</summary>
    public IReadOnlyList<string> ExpireOverrides()
    {
        var expired = store.ExpireOverrides(out var transitions);
        Forward(transitions);
        return expired;
    }

    private void Forward(IReadOnlyList<HealthTransition> transitions)
    {
        if (transitions.Count == 0)
        {
            return;
        }

        foreach (var handler in handlers)
        {
            handler.Transitioned(transitions);
        }
    }
}
