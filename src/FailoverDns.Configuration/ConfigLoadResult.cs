using FailoverDns.Zones;
using FailoverDns.Zones.Text;

namespace FailoverDns.Configuration;

/// <summary>Either a configuration and the snapshot built from it, or the errors that stopped it.</summary>
public sealed record ConfigLoadResult(FailoverDnsConfig? Config, ZoneSnapshot? Snapshot, IReadOnlyList<ConfigError> Errors)
{
    public bool Succeeded => Errors.Count == 0 && Config is not null && Snapshot is not null;

    /// <summary>What a loaded config serves (all zeros when nothing loaded).</summary>
    public ConfigSummary Summary => Snapshot is null || Config is null
        ? default
        : new(Snapshot.Zones.Count, Snapshot.Zones.Sum(z => z.RecordCount), Snapshot.FailoverSets.Count, Config.HealthChecks.Count);
}
