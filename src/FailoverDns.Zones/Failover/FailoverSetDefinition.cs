using FailoverDns.Protocol;
using FailoverDns.Zones.Text;

namespace FailoverDns.Zones.Failover;

/// <summary>
/// A failover record set as configured: tiers in order of preference (primary, secondary, …);
/// the first healthy tier is served.
/// </summary>
public sealed record FailoverSetDefinition(
    byte[] Name,
    RecordType Type,
    uint Ttl,
    IReadOnlyList<FailoverTierDefinition> Tiers,
    AllUnhealthyPolicy WhenAllUnhealthy,
    SourceLocation Location)
{
    /// <summary>The <see cref="UnsettledTtl"/> when none is configured, in seconds (capped at the set's TTL).</summary>
    public const uint DefaultUnsettledTtl = 5;

    /// <summary>
    /// The TTL served instead of <see cref="Ttl"/> while the answer may soon change (README, TTLs):
    /// a check that decides it has gone part of the way to its threshold. At most <see cref="Ttl"/>.
    /// </summary>
    public uint UnsettledTtl { get; init; } = Math.Min(DefaultUnsettledTtl, Ttl);

    public override string ToString() => $"{DnsName.ToText(Name)} {RecordTypeNames.ToName(Type)}";

    /// <summary>What logs, errors and the admin API call a tier: "primary", "secondary" (of two), or "tier N".</summary>
    public string TierLabel(int tier) => (Tiers.Count, tier) switch
    {
        (_, 0) => "primary",
        (2, 1) => "secondary",
        _ => FormattableString.Invariant($"tier {tier + 1}"),
    };
}
