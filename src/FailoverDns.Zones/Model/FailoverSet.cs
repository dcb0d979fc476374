using FailoverDns.Protocol;
using FailoverDns.Zones.Failover;

namespace FailoverDns.Zones.Model;

/// <summary>
/// A failover record set compiled into a snapshot: every tier pre-encoded, and the slot through
/// which the snapshot says which one is served.
/// </summary>
public sealed class FailoverSet
{
    internal FailoverSet(FailoverSetDefinition definition, int slot, RRset[] tiers, RRset[] unsettledTiers)
    {
        Definition = definition;
        Slot = slot;
        Tiers = tiers;
        UnsettledTiers = unsettledTiers;
    }

    public FailoverSetDefinition Definition { get; }

    /// <summary>Index into the snapshot's active answers.</summary>
    public int Slot { get; }

    public RRset[] Tiers { get; }

    /// <summary>
    /// The same tiers with the <see cref="FailoverSetDefinition.UnsettledTtl"/>, pre-encoded too, so that
    /// lowering the TTL is a snapshot swap like a switch; <see cref="Tiers"/> itself when both TTLs are equal.
    /// </summary>
    public RRset[] UnsettledTiers { get; }

    /// <summary>True when this set can serve a lower TTL while unsettled (its unsettled TTL is below its TTL).</summary>
    public bool LowersTtl => !ReferenceEquals(UnsettledTiers, Tiers);

    public string Name => DnsName.ToText(Definition.Name);

    public RecordType Type => Definition.Type;

    /// <inheritdoc cref="FailoverSetDefinition.TierLabel"/>
    public string TierLabel(int tier) => Definition.TierLabel(tier);

    /// <summary>What <paramref name="decision"/> serves, in words: <c>secondary [10.0.1.1]</c>, <c>SERVFAIL</c>, …</summary>
    public string Describe(FailoverDecision decision) => decision switch
    {
        { ServesTier: true } => $"{TierLabel(decision.Tier)} [{string.Join(", ", Tiers[decision.Tier].Data.Select(d => RDataFormatter.ToText(Type, d)))}]",
        { Policy: AllUnhealthyPolicy.ServFail } => "SERVFAIL",
        _ => "no records (NODATA)",
    };

    /// <summary>
    /// The answer for <paramref name="decision"/>: a tier (with the unsettled TTL when
    /// <paramref name="unsettled"/>), nothing (NODATA), or the SERVFAIL marker.
    /// </summary>
    public RRset? Answer(FailoverDecision decision, bool unsettled = false) => decision switch
    {
        { ServesTier: true } => (unsettled ? UnsettledTiers : Tiers)[decision.Tier],
        { Policy: AllUnhealthyPolicy.ServFail } => RRset.ServFail,
        _ => null,
    };

    /// <summary>True when <paramref name="answer"/> is one of this set's tiers served with the lowered TTL.</summary>
    public bool IsUnsettledAnswer(RRset? answer) => LowersTtl && answer is not null && Array.IndexOf(UnsettledTiers, answer) >= 0;
}
