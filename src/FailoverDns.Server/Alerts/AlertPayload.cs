using FailoverDns.Server.Failover;

namespace FailoverDns.Server.Alerts;

/// <summary>
/// The JSON body POSTed to a webhook. <see cref="Event"/> is one of unhealthy, recovered, failover,
/// failback, allUnhealthy; <see cref="RecordSets"/> are the record sets it concerns.
/// </summary>
public sealed record AlertPayload(
    string Event,
    string Id,
    DateTimeOffset At,
    string Server,
    string? Check,
    string Reason,
    string Summary,
    IReadOnlyList<RecordSetChange> RecordSets);
