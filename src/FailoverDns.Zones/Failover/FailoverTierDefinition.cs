using FailoverDns.Zones.Text;

namespace FailoverDns.Zones.Failover;

/// <summary>One tier of a failover record set: its RDATA values and the check that guards it.</summary>
public sealed record FailoverTierDefinition(IReadOnlyList<byte[]> Data, string? HealthCheck, SourceLocation Location)
{
    /// <summary>Where the check's name is written, so that a misspelt name is reported there.</summary>
    public SourceLocation? HealthCheckLocation { get; init; }
}
