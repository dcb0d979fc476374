namespace FailoverDns.Configuration;

/// <summary>What a loaded config serves, as the start-up and reload log lines report it.</summary>
public readonly record struct ConfigSummary(int Zones, int Records, int FailoverSets, int HealthChecks);
