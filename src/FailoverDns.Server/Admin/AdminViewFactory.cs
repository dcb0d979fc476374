using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using FailoverDns.Protocol;
using FailoverDns.Server.Failover;
using FailoverDns.Zones;
using FailoverDns.Zones.Failover;
using FailoverDns.Zones.Model;

namespace FailoverDns.Server.Admin;

/// <summary>Turns health state and failover decisions into the API's views.</summary>
public sealed class AdminViewFactory(HealthStateStore health, FailoverCoordinator coordinator, ZoneStore zones)
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

    private static HealthCheckView View(HealthCheckState state)
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
        };
    }

    private static ProbeResultView? View(ProbeResult? result) => result is null
        ? null
        : new ProbeResultView(result.Succeeded, result.Succeeded ? null : ProbeFailureNames.ToName(result.Failure), result.Detail, result.Latency.TotalMilliseconds, result.CompletedAt, result.StatusCode);

}
