using FailoverDns.Zones.Text;

namespace FailoverDns.Zones.Failover;

/// <summary>One tier of a failover record set: its RDATA values and the check that guards it.</summary>
public sealed record FailoverTierDefinition(IReadOnlyList<byte[]> Data, string? HealthCheck, SourceLocation Location);
