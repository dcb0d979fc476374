namespace FailoverDns.Zones.Failover;

/// <summary>The names the config (<c>whenAllUnhealthy</c>) and the admin API give each <see cref="AllUnhealthyPolicy"/>.</summary>
public static class AllUnhealthyPolicyNames
{
    public static string ToName(AllUnhealthyPolicy policy) => policy switch
    {
        AllUnhealthyPolicy.Primary => "primary",
        AllUnhealthyPolicy.LastTier => "last",
        AllUnhealthyPolicy.NoData => "nodata",
        AllUnhealthyPolicy.ServFail => "servfail",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
    };

    public static AllUnhealthyPolicy? Parse(string? name) => name switch
    {
        "primary" => AllUnhealthyPolicy.Primary,
        "last" => AllUnhealthyPolicy.LastTier,
        "nodata" => AllUnhealthyPolicy.NoData,
        "servfail" => AllUnhealthyPolicy.ServFail,
        _ => null,
    };
}
