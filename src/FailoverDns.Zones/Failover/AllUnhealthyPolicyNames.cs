namespace FailoverDns.Zones.Failover;

/// <summary>The names the config (<c>whenAllUnhealthy</c>) and the admin API give each <see cref="AllUnhealthyPolicy"/>.</summary>
public static class AllUnhealthyPolicyNames
{
    public static string ToName(this AllUnhealthyPolicy policy) => policy switch
    {
        AllUnhealthyPolicy.Primary => "primary",
        AllUnhealthyPolicy.LastTier => "last",
        AllUnhealthyPolicy.NoData => "nodata",
        AllUnhealthyPolicy.ServFail => "servfail",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
    };

    /// <summary>Exact, case-sensitive names, like every other keyword in the config.</summary>
    public static bool TryParse(string? name, out AllUnhealthyPolicy policy)
    {
        foreach (var candidate in Enum.GetValues<AllUnhealthyPolicy>())
        {
            if (ToName(candidate) == name)
            {
                policy = candidate;
                return true;
            }
        }

        policy = default;
        return false;
    }
}
