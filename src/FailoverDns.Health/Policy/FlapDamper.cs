using System.Globalization;
using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;

namespace FailoverDns.Health.Policy;

/// <summary>
/// Flap damping, after the threshold policy: a check whose verdict changes more than
/// <see cref="FlapDampingOptions.MaxChanges"/> times within <see cref="FlapDampingOptions.Window"/>
/// is held unhealthy (the worse state: a flapping primary is exactly when the secondary should
/// serve) until its verdict has not changed for <see cref="FlapDampingOptions.HoldFor"/>; then its
/// verdict counts again. Pure: the time is passed in, and the caller keeps the state (and any lock).
/// </summary>
public static class FlapDamper
{
    /// <summary>Takes the threshold policy's verdict <paramref name="verdict"/>, reached at <paramref name="now"/>.</summary>
    /// <param name="state">What the damper remembers of the check (<see cref="FlapState.Initial"/> at first).</param>
    /// <param name="verdict">The threshold policy's status for the check, after this result.</param>
    /// <param name="now">When the verdict was reached.</param>
    /// <param name="options">The limits; when off, the verdict passes through and nothing is remembered.</param>
    public static FlapStep Apply(FlapState state, HealthStatus verdict, DateTimeOffset now, FlapDampingOptions options)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return new FlapStep(verdict, FlapState.Initial, FlapEdge.None);
        }

        // A first verdict (from unknown) is not a change: a check is not flapping because it started.
        var changed = state.Last != HealthStatus.Unknown && verdict != HealthStatus.Unknown && verdict != state.Last;
        var windowStart = now - options.Window;
        IReadOnlyList<DateTimeOffset> changes = [.. state.Changes.Where(t => t > windowStart)];
        var lastChange = state.LastChange;
        if (changed)
        {
            // Only whether there are more than MaxChanges matters, so no more than one over is kept.
            changes = [.. changes.Append(now).TakeLast(options.MaxChanges + 1)];
            lastChange = now;
        }

        var dampedSince = state.DampedSince;
        var edge = FlapEdge.None;
        if (dampedSince is null && changed && changes.Count > options.MaxChanges)
        {
            // Counted at a change only, so a check released while its old changes are still in the
            // window is held again by its next change, not at once: it is still flapping then.
            dampedSince = now;
            edge = FlapEdge.Started;
        }
        else if (dampedSince is not null && now - lastChange >= options.HoldFor)
        {
            dampedSince = null;
            edge = FlapEdge.Released;
        }

        var next = new FlapState(verdict == HealthStatus.Unknown ? state.Last : verdict, changes, lastChange, dampedSince);
        return new FlapStep(dampedSince is null ? verdict : HealthStatus.Unhealthy, next, edge);
    }

    /// <summary>What damping does at this step, in words an operator reads; null when it does nothing.</summary>
    /// <param name="step">The step <see cref="Apply"/> returned.</param>
    /// <param name="options">The limits it was applied with.</param>
    public static string? Describe(FlapStep step, FlapDampingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return step.Edge switch
        {
            FlapEdge.Started => string.Create(CultureInfo.InvariantCulture, $"flapping: {step.State.Changes.Count} changes within {DurationText.Format(options.Window)}; held unhealthy until stable for {DurationText.Format(options.HoldFor)}"),
            FlapEdge.Released => $"stable for {DurationText.Format(options.HoldFor)} after flapping; no longer held unhealthy",
            _ when step.State.Damped => $"flapping: held unhealthy until stable for {DurationText.Format(options.HoldFor)}",
            _ => null,
        };
    }
}
