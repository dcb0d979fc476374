namespace FailoverDns.Zones.Config;

/// <summary>A validated configuration file.</summary>
public sealed record FailoverDnsConfig(
    string SourceFile,
    IReadOnlyList<ListenEndpoint> Listen,
    ServerOptions Server,
    LoggingOptions Logging,
    IReadOnlyList<ZoneDefinition> Zones);
