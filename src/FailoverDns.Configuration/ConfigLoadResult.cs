using FailoverDns.Zones;
using FailoverDns.Zones.Text;

namespace FailoverDns.Configuration;

/// <summary>Either a configuration and the snapshot built from it, or the errors that stopped it.</summary>
public sealed record ConfigLoadResult(FailoverDnsConfig? Config, ZoneSnapshot? Snapshot, IReadOnlyList<ConfigError> Errors)
{
    public bool Succeeded => Errors.Count == 0 && Config is not null && Snapshot is not null;

    /// <summary>Errors found beyond the first <see cref="ConfigLoader.MaxReportedErrors"/>, counted but not listed.</summary>
    public int OmittedErrors { get; init; }

    /// <summary>The errors as <c>file:line:column: message</c> lines, the last one saying how many more there were.</summary>
    public IReadOnlyList<string> ErrorLines =>
        [.. Errors.Select(e => e.ToString()), .. OmittedErrors > 0 ? [$"... and {OmittedErrors} more error(s)"] : Array.Empty<string>()];

    /// <summary>What a loaded config serves (all zeros when nothing loaded).</summary>
    public ConfigSummary Summary => Snapshot is null || Config is null
        ? default
        : new(Snapshot.Zones.Count, Snapshot.Zones.Sum(z => z.RecordCount), Snapshot.FailoverSets.Count, Config.HealthChecks.Count);
}
