using FailoverDns.Configuration;

namespace FailoverDns.Server.Failover;

/// <summary>
/// Something an operator is told about (alerts): a check turned unhealthy or recovered, or record
/// sets switched tiers. <see cref="Check"/> is the check whose change caused it (null after a
/// config reload); <see cref="RecordSets"/> are the sets it concerns.
/// </summary>
public sealed record FailoverEvent(AlertEventKind Kind, DateTimeOffset At, string? Check, string Reason, IReadOnlyList<RecordSetChange> RecordSets);

/// <summary>A record set as an event reports it: what it serves now, and before when it switched.</summary>
public sealed record RecordSetChange(string Name, string Type, string Serving, int Tier, string? Before = null, int? TierBefore = null);
