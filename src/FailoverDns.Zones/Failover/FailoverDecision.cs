namespace FailoverDns.Zones.Failover;

/// <summary>
/// Which tier a failover set serves (<see cref="Tier"/>, 0 = primary), or that it serves none
/// (<see cref="Tier"/> = -1, with <see cref="Policy"/> NoData or ServFail).
/// </summary>
public readonly record struct FailoverDecision(int Tier, bool AllUnhealthy, AllUnhealthyPolicy Policy)
{
    public bool ServesTier => Tier >= 0;

    /// <summary>
    /// True when both answer alike, whatever the policy they were chosen under: a reload that only
    /// changes the policy while a tier is served is no switch.
    /// </summary>
    public bool ServesSameAs(FailoverDecision other) =>
        Tier == other.Tier && AllUnhealthy == other.AllUnhealthy && (ServesTier || Policy == other.Policy);
}
