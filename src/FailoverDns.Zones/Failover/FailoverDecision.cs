namespace FailoverDns.Zones.Failover;

/// <summary>
/// Which tier a failover set serves (<see cref="Tier"/>, 0 = primary), or that it serves none
/// (<see cref="Tier"/> = -1, with <see cref="Policy"/> NoData or ServFail).
/// </summary>
public readonly record struct FailoverDecision(int Tier, bool AllUnhealthy, AllUnhealthyPolicy Policy)
{
    public bool ServesTier => Tier >= 0;
}
