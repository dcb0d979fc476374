using FailoverDns.Protocol;
using FailoverDns.Zones.Failover;

namespace FailoverDns.Zones.Model;

/// <summary>
/// A failover record set compiled into a snapshot: every tier pre-encoded, and the slot through
/// which the snapshot says which one is served.
/// </summary>
public sealed class FailoverSet
{
    internal FailoverSet(FailoverSetDefinition definition, int slot, RRset[] tiers)
    {
        Definition = definition;
        Slot = slot;
        Tiers = tiers;
    }

    public FailoverSetDefinition Definition { get; }

    /// <summary>Index into the snapshot's active answers.</summary>
    public int Slot { get; }

    public RRset[] Tiers { get; }

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

    /// <summary>The answer for <paramref name="decision"/>: a tier, nothing (NODATA), or the SERVFAIL marker.</summary>
    public RRset? Answer(FailoverDecision decision) => decision switch
    {
        { ServesTier: true } => Tiers[decision.Tier],
        { Policy: AllUnhealthyPolicy.ServFail } => RRset.ServFail,
        _ => null,
    };
}
