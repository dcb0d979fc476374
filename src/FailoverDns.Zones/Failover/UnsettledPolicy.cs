namespace FailoverDns.Zones.Failover;

/// <summary>
/// When a failover set's answer is unsettled, and so served with its lower TTL (README, TTLs): when one
/// of its checks is part of the way to its threshold (turning) and crossing it would change the tier
/// served. A failing check of a tier that is not served, or a recovering one behind the served tier,
/// changes nothing and lowers nothing. Pure, like <see cref="FailoverPolicy"/>, so every case is a unit test.
/// </summary>
public static class UnsettledPolicy
{
    /// <param name="checks">Each tier's check (null: none).</param>
    /// <param name="healthy">Each tier's health as <see cref="FailoverPolicy"/> takes it.</param>
    /// <param name="turning">Each tier's check has gone part of the way to the other state.</param>
    /// <param name="whenAllUnhealthy">The set's all-unhealthy policy.</param>
    /// <returns>The first tier whose check, turning, would change the tier served; -1 when the answer is settled.</returns>
    public static int TurningTier(IReadOnlyList<string?> checks, IReadOnlyList<bool> healthy, IReadOnlyList<bool> turning, AllUnhealthyPolicy whenAllUnhealthy)
    {
        var served = FailoverPolicy.Choose(healthy, whenAllUnhealthy).Tier;
        for (var tier = 0; tier < checks.Count; tier++)
        {
            if (!turning[tier] || checks[tier] is not { } check)
            {
                continue;
            }

            // A check may guard several tiers: it turns for all of them at once.
            var flipped = new bool[healthy.Count];
            for (var i = 0; i < flipped.Length; i++)
            {
                flipped[i] = check.Equals(checks[i], StringComparison.Ordinal) ? !healthy[i] : healthy[i];
            }

            if (FailoverPolicy.Choose(flipped, whenAllUnhealthy).Tier != served)
            {
                return tier;
            }
        }

        return -1;
    }
}
