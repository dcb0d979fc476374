using FailoverDns.Health.Checks;
using FailoverDns.Health.State;
using FailoverDns.Protocol;
using FailoverDns.Zones;
using FailoverDns.Zones.Failover;
using FailoverDns.Zones.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server.Failover;

/// <summary>
/// Turns health transitions into answers: on every change it runs the failover policy for each
/// record set and, when any answer changes, publishes a new snapshot (one atomic switch). Each
/// health transition and each switch is logged once.
/// </summary>
public sealed partial class FailoverCoordinator(ZoneStore zones, HealthStateStore health, ILogger<FailoverCoordinator> logger) : IHostedService
{
    private readonly object _gate = new();
    private readonly Dictionary<FailoverSet, FailoverDecision> _decisions = [];
    private (IReadOnlyList<FailoverSet>? Sets, Dictionary<string, List<FailoverSet>> ByCheck) _index = (null, []);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        health.Transitioned += OnTransition;
        Apply();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        health.Transitioned -= OnTransition;
        return Task.CompletedTask;
    }

    /// <summary>The tier each set serves now, for the admin API and tests.</summary>
    public FailoverDecision DecisionFor(FailoverSet set)
    {
        lock (_gate)
        {
            return _decisions.TryGetValue(set, out var decision) ? decision : new FailoverDecision(0, false, set.Definition.WhenAllUnhealthy);
        }
    }

    /// <summary>Runs the policy for every set against current health and publishes if anything changed.</summary>
    public void Apply() => Apply(null);

    /// <summary>
    /// Runs the policy for the sets that <paramref name="check"/> guards (all sets when null) and
    /// publishes one new snapshot if any answer changed. Only affected sets are visited, so a burst
    /// of transitions over thousands of checks stays cheap.
    /// </summary>
    private void Apply(string? check)
    {
        lock (_gate)
        {
            var snapshot = zones.Current;
            var sets = check is null ? snapshot.FailoverSets : SetsGuardedBy(snapshot, check);
            RRset?[]? answers = null;
            foreach (var set in sets)
            {
                var decision = FailoverPolicy.Choose([.. set.Definition.Tiers.Select(t => IsHealthy(t.HealthCheck))], set.Definition.WhenAllUnhealthy);
                var answer = set.Answer(decision);
                if (answer != snapshot.ActiveAnswer(set))
                {
                    answers ??= snapshot.CopyFailoverAnswers();
                    answers[set.Slot] = answer;
                }

                var previous = _decisions.TryGetValue(set, out var before) ? before : new FailoverDecision(0, false, decision.Policy);
                if (previous != decision)
                {
                    LogSwitch(set, previous, decision);
                }

                _decisions[set] = decision;
            }

            if (answers is not null)
            {
                zones.Publish(snapshot.WithFailoverAnswers(answers));
            }
        }
    }

    private List<FailoverSet> SetsGuardedBy(ZoneSnapshot snapshot, string check)
    {
        if (_index.Sets != snapshot.FailoverSets)
        {
            var byCheck = new Dictionary<string, List<FailoverSet>>(StringComparer.Ordinal);
            foreach (var set in snapshot.FailoverSets)
            {
                foreach (var name in set.Definition.Tiers.Select(t => t.HealthCheck).OfType<string>().Distinct(StringComparer.Ordinal))
                {
                    if (!byCheck.TryGetValue(name, out var list))
                    {
                        byCheck[name] = list = [];
                    }

                    list.Add(set);
                }
            }

            _index = (snapshot.FailoverSets, byCheck);
        }

        return _index.ByCheck.TryGetValue(check, out var guarded) ? guarded : [];
    }

    private void OnTransition(HealthTransition transition)
    {
        switch (transition.To)
        {
            case HealthStatus.Unhealthy:
                LogCheckUnhealthy(logger, transition.Check, transition.Reason);
                break;
            case HealthStatus.Healthy when transition.From == HealthStatus.Unhealthy:
                LogCheckRecovered(logger, transition.Check, transition.Reason);
                break;
            case HealthStatus.Healthy:
                LogCheckFirstHealthy(logger, transition.Check, transition.Reason);
                break;
        }

        Apply(transition.Check);
    }

    private bool IsHealthy(string? check) => check is null || (health.Get(check)?.IsHealthy ?? true);

    private void LogSwitch(FailoverSet set, FailoverDecision from, FailoverDecision to)
    {
        var record = $"{set.Name} {RDataFormatter.TypeToText(set.Type)}";
        var served = Describe(set, to);
        if (to.AllUnhealthy)
        {
            LogAllUnhealthy(logger, record, Reasons(set, set.Definition.Tiers.Count), served);
        }
        else if (to.Tier > from.Tier || from.AllUnhealthy && to.Tier > 0)
        {
            LogFailover(logger, record, Describe(set, from), served, Reasons(set, to.Tier));
        }
        else
        {
            LogFailback(logger, record, Describe(set, from), served);
        }
    }

    /// <summary>Why the tiers before <paramref name="tier"/> are passed over: their checks and last failures.</summary>
    private string Reasons(FailoverSet set, int tier) => string.Join("; ", set.Definition.Tiers.Take(tier).Select((t, i) =>
    {
        var state = t.HealthCheck is null ? null : health.Get(t.HealthCheck);
        var failure = state?.LastFailure?.Detail ?? "no result";
        return $"{TierName(set, i)} check {t.HealthCheck} unhealthy ({failure})";
    }));

    private static string Describe(FailoverSet set, FailoverDecision decision) => decision switch
    {
        { ServesTier: true } => $"{TierName(set, decision.Tier)} [{string.Join(", ", set.Tiers[decision.Tier].Data.Select(d => RDataFormatter.ToText(set.Type, d)))}]",
        { Policy: AllUnhealthyPolicy.ServFail } => "SERVFAIL",
        _ => "no records (NODATA)",
    };

    private static string TierName(FailoverSet set, int tier) => (set.Tiers.Length, tier) switch
    {
        (_, 0) => "primary",
        (2, 1) => "secondary",
        _ => FormattableString.Invariant($"tier {tier + 1}"),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check {Check} is unhealthy: {Reason}")]
    private static partial void LogCheckUnhealthy(ILogger logger, string check, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health check {Check} recovered: {Reason}")]
    private static partial void LogCheckRecovered(ILogger logger, string check, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health check {Check} is healthy: {Reason}")]
    private static partial void LogCheckFirstHealthy(ILogger logger, string check, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failover {Record}: now serving {To} instead of {From}, because {Reason}")]
    private static partial void LogFailover(ILogger logger, string record, string from, string to, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Failback {Record}: now serving {To} again instead of {From}")]
    private static partial void LogFailback(ILogger logger, string record, string from, string to);

    [LoggerMessage(Level = LogLevel.Error, Message = "All tiers of {Record} are unhealthy ({Reason}); serving {Served}")]
    private static partial void LogAllUnhealthy(ILogger logger, string record, string reason, string served);
}
