using FailoverDns.Health.Checks;

namespace FailoverDns.Health.Policy;

/// <summary>How many of the live probe locations must call a check healthy for it to be healthy.</summary>
public enum QuorumKind
{
    /// <summary>More than 18 % of them, as Route 53 does with its checkers: one location's bad path fails nothing over.</summary>
    Route53,

    /// <summary>More than half of them.</summary>
    Majority,

    /// <summary>Every one of them.</summary>
    All,

    /// <summary>At least <see cref="QuorumRule.AtLeast"/> of them.</summary>
    AtLeast,
}

/// <summary>
/// Decides a check's state from the verdicts of several probe locations (cluster mode). Locations that
/// have no verdict yet do not vote. Below <see cref="MinLocations"/> voting locations there is no
/// decision: the caller keeps the last one, so that a partition cannot fail a check over on a
/// minority's view.
/// </summary>
public sealed record QuorumRule(QuorumKind Kind, int AtLeast = 1, int MinLocations = 1)
{
    /// <summary>Route 53's share: healthy while more than this fraction of the checkers say so.</summary>
    public const double Route53HealthyShare = 0.18;

    public static QuorumRule Route53 { get; } = new(QuorumKind.Route53);

    /// <summary>The state the verdicts make, or null when too few locations vote.</summary>
    public HealthStatus? Decide(IEnumerable<HealthStatus> verdicts)
    {
        var (healthy, voting) = (0, 0);
        foreach (var verdict in verdicts)
        {
            if (verdict == HealthStatus.Unknown)
            {
                continue;
            }

            voting++;
            healthy += verdict == HealthStatus.Healthy ? 1 : 0;
        }

        if (voting == 0 || voting < MinLocations)
        {
            return null;
        }

        var isHealthy = Kind switch
        {
            QuorumKind.Route53 => healthy > Route53HealthyShare * voting,
            QuorumKind.Majority => 2 * healthy > voting,
            QuorumKind.All => healthy == voting,
            _ => healthy >= AtLeast,
        };
        return isHealthy ? HealthStatus.Healthy : HealthStatus.Unhealthy;
    }

    public override string ToString() => Kind switch
    {
        QuorumKind.Route53 => "healthy while more than 18 % of live locations say so",
        QuorumKind.Majority => "healthy while more than half of live locations say so",
        QuorumKind.All => "healthy while every live location says so",
        _ => FormattableString.Invariant($"healthy while at least {AtLeast} live location(s) say so"),
    } + (MinLocations > 1 ? FormattableString.Invariant($", with at least {MinLocations} live locations (else the last decision stands)") : "");
}
