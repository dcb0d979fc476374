using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using FailoverDns.Protocol;
using FailoverDns.Server.Cluster;
using FailoverDns.Server.Failover;
using FailoverDns.Zones;
using FailoverDns.Zones.Failover;
using FailoverDns.Zones.Model;

namespace FailoverDns.Server.Admin;

/// <summary>Turns health state and failover decisions into the API's views.</summary>
public sealed class AdminViewFactory(HealthStateStore health, FailoverCoordinator coordinator, ZoneStore zones, TimeProvider time, ClusterService? cluster = null)
{
    public IReadOnlyList<HealthCheckView> HealthChecks() => [.. health.All.Select(View)];

    public HealthCheckView? HealthCheck(string name) => health.Get(name) is { } state ? View(state) : null;

    public IReadOnlyList<RecordSetView> RecordSets()
    {
        var snapshot = zones.Current;
        return [.. snapshot.FailoverSets.Select(s => View(s, snapshot))];
    }

    /// <summary>The view of <paramref name="set"/>, as served in <paramref name="snapshot"/> (default: the current one).</summary>
    public RecordSetView View(FailoverSet set, ZoneSnapshot? snapshot = null)
    {
        snapshot ??= zones.Current;
        var decision = coordinator.DecisionFor(set);
        var tiers = set.Definition.Tiers.Select((tier, i) =>
        {
            var state = tier.HealthCheck is null ? null : health.Get(tier.HealthCheck);
            return new TierView(
                i,
                set.TierLabel(i),
                [.. tier.Data.Select(d => RDataFormatter.ToText(set.Type, d))],
                tier.HealthCheck,
                state?.Status.ToName(),
                state?.ProbedStatus.ToName(),
                state?.Override?.Reason,
                state?.IsHealthy ?? true);
        }).ToList();
        var served = snapshot.FailoverSets.Count > set.Slot && snapshot.FailoverSets[set.Slot] == set ? snapshot.ActiveAnswer(set) : null;
        return new RecordSetView(
            set.Name,
            RecordTypeNames.ToName(set.Type),
            set.Definition.Ttl,
            AllUnhealthyPolicyNames.ToName(set.Definition.WhenAllUnhealthy),
            decision.ServesTier ? decision.Tier : null,
            set.Describe(decision),
            Reason(decision, tiers),
            tiers)
        {
            ServedTtl = served?.Ttl,
            TtlReason = set.IsUnsettledAnswer(served) ? $"lowered from {set.Definition.Ttl} s while the answer may change: {coordinator.UnsettledReason(set) ?? "a check is turning"}" : null,
        };
    }

    private static string Reason(FailoverDecision decision, List<TierView> tiers)
    {
        string Describe(TierView t) => t switch
        {
            { HealthCheck: null } => $"{t.Label} has no health check",
            { Override: { } reason } => $"{t.Label} check {t.HealthCheck} is {t.CheckStatus} by override ({reason}; probes say {t.ProbedStatus})",
            { CheckStatus: "unknown" } => $"{t.Label} check {t.HealthCheck} has no result yet (counted healthy)",
            _ => $"{t.Label} check {t.HealthCheck} is {t.CheckStatus}",
        };
        if (decision.AllUnhealthy)
        {
            return $"every tier is unhealthy ({string.Join("; ", tiers.Select(Describe))}); policy {AllUnhealthyPolicyNames.ToName(decision.Policy)}";
        }

        var skipped = tiers.Take(decision.Tier).Select(Describe);
        var chosen = Describe(tiers[decision.Tier]);
        return decision.Tier == 0 ? chosen : $"{string.Join("; ", skipped)}; {chosen}";
    }

    /// <summary>The cluster as this instance sees it; null when cluster mode is off.</summary>
    public ClusterView? Cluster()
    {
        if (cluster is null)
        {
            return null;
        }

        var options = cluster.Options;
        var (writes, events) = cluster.Traffic;
        return new ClusterView(
            options.Location,
            options.Label,
            cluster.Connected,
            cluster.LostSince,
            cluster.LastError,
            cluster.ActingOnOwnVerdicts,
            options.OwnVerdictsAfter is { } after ? DurationText.Format(after) : "never",
            options.Quorum.ToString(),
            options.Prefix,
            [.. options.Endpoints.Select(e => e.ToString())],
            [.. cluster.Locations.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => new LocationView(l.Key, l.Value.Label, l.Value.Since))],
            writes,
            events);
    }

    /// <summary>In cluster mode, what every location says of <paramref name="check"/> and what the rule makes of it; null otherwise.</summary>
    public CheckClusterView? CheckCluster(string check) => health.Get(check) is { } state ? ClusterView(state) : null;

    private CheckClusterView? ClusterView(HealthCheckState state)
    {
        if (cluster is null || !state.Definition.IsProbed)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var decision = cluster.Explain(state.Definition);
        return new CheckClusterView(
            cluster.Options.Location,
            state.LocationStatus.ToName(),
            cluster.Options.Quorum.ToString(),
            decision.Reason,
            [.. decision.Votes.Select(v => new LocationVoteView(v.Location, v.Status, v.Reason, v.At, Math.Max(0, (now - v.At).TotalSeconds), v.Counts))]);
    }

    private HealthCheckView View(HealthCheckState state)
    {
        var definition = state.Definition;
        var type = definition.Endpoint?.Protocol.ToString().ToLowerInvariant() ?? "calculated";
        return new HealthCheckView(
            state.Name,
            type,
            definition.Endpoint?.ToString(),
            definition.Calculated?.Children,
            state.Status.ToName(),
            state.ProbedStatus.ToName(),
            state.Since,
            state.Override is { } o ? new OverrideView(o.State.ToName(), o.Until, o.Reason, o.Since) : null,
            definition.FailureThreshold,
            definition.RecoveryThreshold,
            state.ConsecutiveSuccesses,
            state.ConsecutiveFailures,
            state.Probes,
            state.Failures,
            state.Transitions,
            definition.Disabled,
            definition.Invert,
            View(state.LastResult),
            View(state.LastFailure),
            [.. state.History.Reverse().Select(r => View(r)!)])
        {
            FlapDampedSince = state.Flap.DampedSince,
            Cluster = ClusterView(state),
        };
    }

    private static ProbeResultView? View(ProbeResult? result) => result is null
        ? null
        : new ProbeResultView(result.Succeeded, result.Succeeded ? null : ProbeFailureNames.ToName(result.Failure), result.Detail, result.Latency.TotalMilliseconds, result.CompletedAt, result.StatusCode);

}
