using FailoverDns.Health.Checks;
using FailoverDns.Zones;
using FailoverDns.Zones.Text;

namespace FailoverDns.Configuration;

/// <summary>A validated configuration file.</summary>
public sealed record FailoverDnsConfig(
    string SourceFile,
    IReadOnlyList<ListenEndpoint> Listen,
    ServerOptions Server,
    LoggingOptions Logging,
    IReadOnlyList<ZoneDefinition> Zones)
{
    public IReadOnlyList<HealthCheckDefinition> HealthChecks { get; init; } = [];

    /// <summary>How checks start, and how long serving waits for their first results.</summary>
    public HealthOptions Health { get; init; } = new();

    public AdminOptions Admin { get; init; } = new();

    /// <summary>TSIG keys (RFC 8945) for zone transfers, NOTIFY and the SOA queries of secondaries.</summary>
    public IReadOnlyList<Protocol.Tsig.TsigKey> TsigKeys { get; init; } = [];

    /// <summary>Cluster mode; null: this instance probes and decides alone.</summary>
    public ClusterOptions? Cluster { get; init; }

    public AlertOptions Alerts { get; init; } = new();

    /// <summary>Limits on the zone files read (and watched for changes); confined to the config file's directory unless allowed out.</summary>
    public FileReadOptions Files { get; init; } = FileReadOptions.Default;
}
