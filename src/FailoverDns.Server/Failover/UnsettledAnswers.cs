using System.Globalization;
using FailoverDns.Health.State;
using FailoverDns.Zones.Failover;
using FailoverDns.Zones.Model;

namespace FailoverDns.Server.Failover;

/// <summary>
/// Health state in, <see cref="UnsettledPolicy"/> out: which checks are turning, and why a set's TTL is
/// lowered, in words. Kept apart from <see cref="FailoverCoordinator"/>, which only asks it.
/// </summary>
internal static class UnsettledAnswers
{
    /// <summary>
    /// A probed check part of the way to the other state: served (healthy, or no verdict yet) with failures
    /// counted, or unhealthy with successes counted. An override, a calculated check or a disabled one never
    /// turns by itself, nor does a check held for flapping (its hold, not its probes, decides when it changes).
    /// </summary>
    public static bool IsTurning(HealthCheckState? state) =>
        state is { Override: null, Definition.IsProbed: true, Flap.Damped: false }
        && (state.IsHealthy ? state.ConsecutiveFailures > 0 : state.ConsecutiveSuccesses > 0);

    /// <summary>The tier whose turning check unsettles <paramref name="set"/>'s answer, or -1.</summary>
    public static int TurningTier(FailoverSet set, Func<string?, bool> isHealthy, HealthStateStore health)
    {
        var tiers = set.Definition.Tiers;
        if (!set.LowersTtl)
        {
            return -1; // nothing to lower: spare the store its lookups
        }

        var checks = tiers.Select(t => t.HealthCheck).ToArray();
        var turning = checks.Select(c => c is not null && IsTurning(health.Get(c))).ToArray();
        return turning.Any(t => t)
            ? UnsettledPolicy.TurningTier(checks, [.. checks.Select(isHealthy)], turning, set.Definition.WhenAllUnhealthy)
            : -1;
    }

    /// <summary>Why the TTL is lowered: <c>primary check web failed 1 of the 3 times in a row that make it unhealthy</c>.</summary>
    public static string Describe(FailoverSet set, int tier, HealthCheckState? state)
    {
        var check = $"{set.TierLabel(tier)} check {set.Definition.Tiers[tier].HealthCheck}";
        return state switch
        {
            null => check,
            { IsHealthy: true } => string.Create(CultureInfo.InvariantCulture, $"{check} failed {state.ConsecutiveFailures} of the {state.Definition.FailureThreshold} times in a row that make it unhealthy"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{check} passed {state.ConsecutiveSuccesses} of the {state.Definition.RecoveryThreshold} times in a row that make it healthy again"),
        };
    }
}
