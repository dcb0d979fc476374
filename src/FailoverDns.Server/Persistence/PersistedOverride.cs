namespace FailoverDns.Server.Persistence;

/// <summary>An override as kept in the state file.</summary>
public sealed record PersistedOverride(string Check, string State, DateTimeOffset? Until, string Reason, DateTimeOffset Since);
