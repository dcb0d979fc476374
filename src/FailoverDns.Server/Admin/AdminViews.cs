using System.Text.Json.Serialization;

namespace FailoverDns.Server.Admin;

/// <summary>One probe result as the API shows it.</summary>
public sealed record ProbeResultView(bool Ok, string? Failure, string Detail, double LatencyMs, DateTimeOffset At, int? StatusCode);

public sealed record OverrideView(string State, DateTimeOffset? Until, string Reason, DateTimeOffset Since);

/// <summary>A health check: its state (override's or probes'), why, and its recent results.</summary>
public sealed record HealthCheckView(
    string Name,
    string Type,
    string? Endpoint,
    IReadOnlyList<string>? Checks,
    string Status,
    string ProbedStatus,
    DateTimeOffset Since,
    OverrideView? Override,
    int FailureThreshold,
    int RecoveryThreshold,
    int ConsecutiveSuccesses,
    int ConsecutiveFailures,
    long Probes,
    long Failures,
    long Transitions,
    bool Disabled,
    bool Inverted,
    ProbeResultView? LastResult,
    ProbeResultView? LastFailure,
    IReadOnlyList<ProbeResultView> History)
{
    /// <summary>Since when flap damping holds the check unhealthy; null when it does not.</summary>
    public DateTimeOffset? FlapDampedSince { get; init; }

    /// <summary>True while flap damping holds the check unhealthy, whatever its probes say now.</summary>
    public bool FlapDamped => FlapDampedSince is not null;

    /// <summary>In cluster mode, every location's verdict and the rule that decided; null otherwise.</summary>
    public CheckClusterView? Cluster { get; init; }
}

/// <summary>
/// A check in cluster mode: what this location's probes say, each live location's verdict (as Route 53
/// shows each checker's), and what the quorum rule makes of them.
/// </summary>
public sealed record CheckClusterView(string ThisLocation, string LocationStatus, string Rule, string Decision, IReadOnlyList<LocationVoteView> Locations);

/// <summary>One location's verdict: when it was reached, how old it is, and whether it counts (false when the location judges another definition of the check).</summary>
public sealed record LocationVoteView(string Location, string Status, string Reason, DateTimeOffset At, double AgeSeconds, bool Counts);

/// <summary>This instance's place in the cluster: its link to etcd and the live locations.</summary>
public sealed record ClusterView(
    string Location,
    string? Label,
    bool Connected,
    DateTimeOffset? LostSince,
    string? LastError,
    bool ActingOnOwnVerdicts,
    string OwnVerdictsAfter,
    string Rule,
    string Prefix,
    IReadOnlyList<string> Endpoints,
    IReadOnlyList<LocationView> Locations,
    long EtcdWrites,
    long EtcdEvents);

public sealed record LocationView(string Location, string? Label, DateTimeOffset Since);

/// <summary>A tier: its check's state as served (<see cref="CheckStatus"/>), what the probes say, and the override's reason if one forces it.</summary>
public sealed record TierView(int Tier, string Label, IReadOnlyList<string> Values, string? HealthCheck, string? CheckStatus, string? ProbedStatus, string? Override, bool Healthy);

/// <summary>
/// A failover record set, the tier it serves and why; the TTL it is served with now
/// (<see cref="ServedTtl"/>: its <see cref="Ttl"/>, or its unsettled TTL for the reason in <see cref="TtlReason"/>).
/// </summary>
public sealed record RecordSetView(string Name, string Type, uint Ttl, string Policy, int? ActiveTier, string Serving, string Reason, IReadOnlyList<TierView> Tiers)
{
    public uint? ServedTtl { get; init; }

    public string? TtlReason { get; init; }
}

public sealed record ExplainView(
    string Name,
    string Type,
    string Rcode,
    bool Authoritative,
    bool Truncated,
    IReadOnlyList<string> Answer,
    IReadOnlyList<string> Authority,
    IReadOnlyList<string> Additional,
    IReadOnlyList<string> Reasoning);

/// <summary>The body of <c>PUT /api/health-checks/{name}/override</c>.</summary>
/// <remarks>Other keys are refused: a misspelt <c>until</c> would otherwise make an override last until deleted.</remarks>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record OverrideRequest(string? State, DateTimeOffset? Until, string? Reason);

public sealed record ReadinessView(bool Ready, string Reason, bool ConfigLoaded, bool ListenersBound, bool Answering, bool FirstProbeRoundDone, ReloadSummaryView? LastReload)
{
    /// <summary>In cluster mode, whether etcd is reachable (readiness does not depend on it: the last agreed state is served); null otherwise.</summary>
    public bool? ClusterConnected { get; init; }
}

public sealed record ErrorView(string Error);
