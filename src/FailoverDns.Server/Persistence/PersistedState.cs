namespace FailoverDns.Server.Persistence;

/// <summary>The state file: operator overrides, and what each endpoint check's probes last said.</summary>
public sealed record PersistedState(List<PersistedOverride> Overrides, List<PersistedCheck> Checks)
{
    public static PersistedState Empty => new([], []);
}

/// <summary>
/// A check's last known state: <paramref name="Definition"/> is the digest of what it judged
/// (<c>HealthCheckDefinition.Judgement</c>), so a check since redefined is not restored from it.
/// </summary>
public sealed record PersistedCheck(string Check, string Definition, string State, DateTimeOffset Since);
