using FailoverDns.Protocol;
using FailoverDns.Zones.Failover;
using FailoverDns.Zones.Model;
using FailoverDns.Zones.Text;

namespace FailoverDns.Zones;

/// <summary>A zone as configured: its origin and every record, wherever it was written.</summary>
public sealed record ZoneDefinition(byte[] Origin, IReadOnlyList<ZoneRecord> Records, SourceLocation Location)
{
    /// <summary>The zone's failover record sets.</summary>
    public IReadOnlyList<FailoverSetDefinition> Failover { get; init; } = [];

    /// <summary>Zone transfers to secondaries; null: none (and the configured serial is served as it is).</summary>
    public ZoneTransferOptions? Transfer { get; init; }

    /// <summary>DNSSEC signing; null: the zone is served unsigned.</summary>
    public ZoneSigningOptions? Signing { get; init; }

    public string Name => DnsName.ToText(Origin);
}
