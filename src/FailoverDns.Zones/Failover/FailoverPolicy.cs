namespace FailoverDns.Zones.Failover;

/// <summary>
/// The decision table of the README (Failover records and health checks), generalised to any number of tiers: the first healthy tier
/// wins (a tier without a check, or whose check has no verdict yet, is healthy); when none is,
/// the set's all-unhealthy policy decides. Pure, so every row is a unit test.
/// </summary>
public static class FailoverPolicy
{
    public static FailoverDecision Choose(IReadOnlyList<bool> tierHealthy, AllUnhealthyPolicy whenAllUnhealthy)
    {
        for (var tier = 0; tier < tierHealthy.Count; tier++)
        {
            if (tierHealthy[tier])
            {
                return new FailoverDecision(tier, false, whenAllUnhealthy);
            }
        }

        var fallback = whenAllUnhealthy switch
        {
            AllUnhealthyPolicy.Primary => 0,
            AllUnhealthyPolicy.LastTier => tierHealthy.Count - 1,
            _ => -1,
        };
        return new FailoverDecision(fallback, true, whenAllUnhealthy);
    }
}
