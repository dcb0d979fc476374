namespace FailoverDns.Server.Persistence;

/// <summary>The state file: operator overrides, what each endpoint check's probes last said, and the last serial of each transferred zone.</summary>
public sealed record PersistedState(List<PersistedOverride> Overrides, List<PersistedCheck> Checks)
{
    public static PersistedState Empty => new([], []);

    /// <summary>By zone name: a start goes on from them, so a serial never goes backwards (<c>ZoneSerials</c>).</summary>
    public Dictionary<string, uint>? Serials { get; init; }
}

/// <summary>
/// A check's last known state: <paramref name="Definition"/> is the digest of what it judged
/// (<c>HealthCheckDefinition.Judgement</c>), so a check since redefined is not restored from it.
/// </summary>
public sealed record PersistedCheck(string Check, string Definition, string State, DateTimeOffset Since);
