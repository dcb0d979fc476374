using FailoverDns.Configuration;
using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using FailoverDns.Protocol;
using FailoverDns.Zones;
using FailoverDns.Zones.Failover;
using FailoverDns.Zones.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server.Failover;

/// <summary>
/// Turns health transitions into answers, as the last step of the health pipeline (see
/// <see cref="IVerdictAggregator"/>): on every change it runs the failover policy for the record sets
/// the check guards and, when any answer changes, publishes a new snapshot (one atomic switch). Each
/// health transition and each switch is logged once and announced to <see cref="Notified"/> (alerts).
/// </summary>
public sealed partial class FailoverCoordinator(ZoneStore zones, HealthStateStore health, TimeProvider time, ILogger<FailoverCoordinator> logger) : IHostedService, IHealthStateHandler
{
    private readonly object _gate = new();

    // By name and type rather than by set, so that decisions carry over a reload that rebuilds the sets;
    // each with the set it was made for, which is what its tier number means.
    private readonly Dictionary<(string Name, RecordType Type), (FailoverSet Set, FailoverDecision Decision)> _decisions = [];
    private (IReadOnlyList<FailoverSet>? Sets, Dictionary<string, List<FailoverSet>> ByCheck) _index = (null, []);

    /// <summary>Raised outside the lock after each health transition and each group of switches.</summary>
    public event Action<FailoverEvent>? Notified;

    /// <summary>Decides every set from the states the checks start with, before probes and queries.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Apply(zones.Current, null, publish: false);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Recorded(string check, ProbeResult result)
    {
        // No state changed, but a check may have started (or stopped) turning: that changes the TTL
        // of the answers it decides (UnsettledAnswers). A switch is normally made by Transitioned, which
        // follows; one this finds first (another thread's override, applied but not yet handed on) is
        // announced here, since Transitioned will find nothing left to switch.
        List<Switch> switches;
        lock (_gate)
        {
            switches = Apply(zones.Current, check, publish: false);
        }

        Announce(switches, check, result.Detail, result.CompletedAt);
    }

    public void Transitioned(IReadOnlyList<HealthTransition> transitions)
    {
        foreach (var transition in transitions)
        {
            OnTransition(transition);
        }
    }

    public void FlapDampingChanged(FlapDampingChange change)
    {
        // Logged apart from the transition: damping can start while the check is already unhealthy.
        if (change.Damped)
        {
            LogFlapDamped(logger, change.Check, change.Reason);
        }
        else
        {
            LogFlapReleased(logger, change.Check, change.Reason);
        }
    }

    /// <summary>The tier each set serves now, for the admin API, metrics and tests.</summary>
    public FailoverDecision DecisionFor(FailoverSet set)
    {
        lock (_gate)
        {
            return _decisions.TryGetValue(Key(set), out var made) ? made.Decision : new FailoverDecision(0, false, set.Definition.WhenAllUnhealthy);
        }
    }

    /// <summary>
    /// Why <paramref name="set"/>'s answer has its lower TTL now (README, TTLs), in words; null when it is
    /// settled and served with its TTL.
    /// </summary>
    public string? UnsettledReason(FailoverSet set)
    {
        lock (_gate)
        {
            var tier = UnsettledAnswers.TurningTier(set, IsHealthy, health);
            return tier < 0 ? null : UnsettledAnswers.Describe(set, tier, health.Get(set.Definition.Tiers[tier].HealthCheck!));
        }
    }

    /// <summary>
    /// Serves <paramref name="fresh"/> (a reloaded config's snapshot) with every set's tier chosen
    /// from current health before it is published, so no query sees its not-yet-decided primaries.
    /// </summary>
    public void Reload(ZoneSnapshot fresh)
    {
        List<Switch> switches;
        lock (_gate)
        {
            switches = Apply(fresh, null, publish: true);
            var current = fresh.FailoverSets.Select(Key).ToHashSet();
            foreach (var gone in _decisions.Keys.Where(k => !current.Contains(k)).ToList())
            {
                _decisions.Remove(gone);
            }
        }

        Announce(switches, null, "the configuration was reloaded", time.GetUtcNow());
    }

    private static (string, RecordType) Key(FailoverSet set) => (set.Name.ToLowerInvariant(), set.Type);

    private void OnTransition(HealthTransition transition)
    {
        var recovered = transition.To == HealthStatus.Healthy && transition.From == HealthStatus.Unhealthy;
        switch (transition.To)
        {
            case HealthStatus.Unhealthy:
                LogCheckUnhealthy(logger, transition.Check, transition.Reason);
                break;
            case HealthStatus.Healthy when recovered:
                LogCheckRecovered(logger, transition.Check, transition.Reason);
                break;
            case HealthStatus.Healthy:
                LogCheckFirstHealthy(logger, transition.Check, transition.Reason);
                break;
        }

        List<Switch> switches;
        List<RecordSetChange> guarded;
        lock (_gate)
        {
            var snapshot = zones.Current;
            switches = Apply(snapshot, transition.Check, publish: false);
            guarded = [.. SetsGuardedBy(snapshot, transition.Check).Select(set => Change(set, _decisions[Key(set)].Decision))];
        }

        if (transition.To == HealthStatus.Unhealthy || recovered)
        {
            var kind = recovered ? AlertEventKind.Recovered : AlertEventKind.Unhealthy;
            Notified?.Invoke(new FailoverEvent(kind, transition.At, transition.Check, transition.Reason, guarded));
        }

        Announce(switches, transition.Check, transition.Reason, transition.At);
    }

    /// <summary>
    /// Runs the policy for the sets <paramref name="check"/> guards (every set when null) and publishes
    /// one new snapshot if an answer changed (or always, with <paramref name="publish"/>). Only affected
    /// sets are visited, so a burst of transitions over thousands of checks stays cheap.
    /// </summary>
    private List<Switch> Apply(ZoneSnapshot snapshot, string? check, bool publish)
    {
        var switches = new List<Switch>();
        RRset?[]? answers = null;
        foreach (var set in check is null ? snapshot.FailoverSets : SetsGuardedBy(snapshot, check))
        {
            var decision = FailoverPolicy.Choose([.. set.Definition.Tiers.Select(t => IsHealthy(t.HealthCheck))], set.Definition.WhenAllUnhealthy);
            var turning = UnsettledAnswers.TurningTier(set, IsHealthy, health);
            var answer = set.Answer(decision, unsettled: turning >= 0);
            var active = snapshot.ActiveAnswer(set);
            if (answer != active)
            {
                answers ??= snapshot.CopyFailoverAnswers();
                answers[set.Slot] = answer;
                LogTtlChange(set, turning, active, answer);
            }

            var key = Key(set);
            var (previousSet, previous) = _decisions.TryGetValue(key, out var made) ? made : (set, new FailoverDecision(0, false, decision.Policy));
            if (IsSwitch(previousSet, previous, set, decision))
            {
                var change = new Switch(set, previousSet, previous, decision);
                switches.Add(change);
                LogSwitch(change);
            }

            _decisions[key] = (set, decision);
        }

        if (answers is not null || publish)
        {
            zones.Publish(answers is null ? snapshot : snapshot.WithFailoverAnswers(answers));
        }

        return switches;
    }

    /// <summary>
    /// True when the answer changes, or when every tier has just become unhealthy (the policy answers
    /// now, even if with what was served already). Leaving that state for the very answer served in it
    /// is no switch: nothing a client sees changes, so nothing is logged or announced.
    /// </summary>
    private static bool IsSwitch(FailoverSet fromSet, FailoverDecision from, FailoverSet toSet, FailoverDecision to)
    {
        if (from.ServesSameAs(to))
        {
            return false;
        }

        return (to.AllUnhealthy && !from.AllUnhealthy) || !SameAnswer(fromSet.Answer(from), toSet.Answer(to));
    }

    /// <summary>The same records (or both SERVFAIL, or both NODATA), whichever snapshot they were built for.</summary>
    private static bool SameAnswer(RRset? a, RRset? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a != RRset.ServFail && b != RRset.ServFail
            && a.Data.Count == b.Data.Count && a.Data.Zip(b.Data).All(p => p.First.AsSpan().SequenceEqual(p.Second)));

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

    /// <summary>One event per kind of switch, naming every set that made it.</summary>
    private void Announce(List<Switch> switches, string? check, string reason, DateTimeOffset at)
    {
        foreach (var group in switches.GroupBy(s => s.Kind))
        {
            Notified?.Invoke(new FailoverEvent(group.Key, at, check, reason, [.. group.Select(s => s.Change)]));
        }
    }

    private static RecordSetChange Change(FailoverSet set, FailoverDecision now) =>
        new(set.Name, RecordTypeNames.ToName(set.Type), set.Describe(now), now.Tier);

    private bool IsHealthy(string? check) => check is null || (health.Get(check)?.IsHealthy ?? true);

    private void LogSwitch(Switch change)
    {
        var (set, to, from) = (change.Set, change.To, change.FromSet.Describe(change.From));
        var record = $"{set.Name} {RecordTypeNames.ToName(set.Type)}";
        switch (change.Kind)
        {
            case AlertEventKind.AllUnhealthy:
                LogAllUnhealthy(logger, record, Reasons(set, set.Definition.Tiers.Count), set.Describe(to));
                break;
            case AlertEventKind.Failover:
                LogFailover(logger, record, from, set.Describe(to), Reasons(set, to.Tier));
                break;
            default:
                LogFailback(logger, record, from, set.Describe(to));
                break;
        }
    }

    /// <summary>A lowered or restored TTL is Debug: it comes and goes with single failed probes.</summary>
    private void LogTtlChange(FailoverSet set, int turning, RRset? from, RRset? to)
    {
        var (lowered, wasLowered) = (set.IsUnsettledAnswer(to), set.IsUnsettledAnswer(from));
        if (lowered == wasLowered || !logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        var record = $"{set.Name} {RecordTypeNames.ToName(set.Type)}";
        if (lowered)
        {
            LogTtlLowered(logger, record, set.Definition.UnsettledTtl, set.Definition.Ttl, UnsettledAnswers.Describe(set, turning, health.Get(set.Definition.Tiers[turning].HealthCheck!)));
        }
        else
        {
            LogTtlRestored(logger, record, set.Definition.Ttl);
        }
    }

    /// <summary>Why the tiers before <paramref name="tier"/> are passed over: their checks and last failures.</summary>
    private string Reasons(FailoverSet set, int tier) => string.Join("; ", set.Definition.Tiers.Take(tier).Select((t, i) =>
    {
        var state = t.HealthCheck is null ? null : health.Get(t.HealthCheck);
        var why = state switch
        {
            null => "no result",
            { Override: { } forced } => $"overridden: {forced.Reason}",
            { Calculation: { } children } => children,
            { Definition.Invert: true, LastResult: { } last } => $"{last.Detail} (inverted)",
            { LastFailure: { } failure } => failure.Detail,

            // Restored from the state file, or agreed by the cluster, before any probe here.
            { Status: HealthStatus.Unhealthy, LastResult: null } => $"no probe result here yet; unhealthy since {state.Since.UtcDateTime:u}",
            _ => "no result",
        };
        return $"{set.TierLabel(i)} check {t.HealthCheck} unhealthy ({why})";
    }));

    /// <summary>A set's switch from <paramref name="From"/>, made for <paramref name="FromSet"/> (the set before a reload), to <paramref name="To"/>.</summary>
    private sealed record Switch(FailoverSet Set, FailoverSet FromSet, FailoverDecision From, FailoverDecision To)
    {
        public RecordSetChange Change => new(Set.Name, RecordTypeNames.ToName(Set.Type), Set.Describe(To), To.Tier, FromSet.Describe(From), From.Tier);

        public AlertEventKind Kind => To.AllUnhealthy
            ? AlertEventKind.AllUnhealthy
            : To.Tier > From.Tier || (From.AllUnhealthy && To.Tier > 0) ? AlertEventKind.Failover : AlertEventKind.Failback;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check {Check} is unhealthy: {Reason}")]
    private static partial void LogCheckUnhealthy(ILogger logger, string check, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health check {Check} recovered: {Reason}")]
    private static partial void LogCheckRecovered(ILogger logger, string check, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health check {Check} is healthy: {Reason}")]
    private static partial void LogCheckFirstHealthy(ILogger logger, string check, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check {Check} is {Reason}")]
    private static partial void LogFlapDamped(ILogger logger, string check, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health check {Check} is {Reason}")]
    private static partial void LogFlapReleased(ILogger logger, string check, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failover {Record}: now serving {To} instead of {From}, because {Reason}")]
    private static partial void LogFailover(ILogger logger, string record, string from, string to, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Failback {Record}: now serving {To} again instead of {From}")]
    private static partial void LogFailback(ILogger logger, string record, string from, string to);

    [LoggerMessage(Level = LogLevel.Debug, Message = "TTL of {Record} lowered to {Ttl} s (from {NormalTtl} s) while the answer may change: {Reason}")]
    private static partial void LogTtlLowered(ILogger logger, string record, uint ttl, uint normalTtl, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "TTL of {Record} back to {Ttl} s: the answer is settled")]
    private static partial void LogTtlRestored(ILogger logger, string record, uint ttl);

    [LoggerMessage(Level = LogLevel.Error, Message = "All tiers of {Record} are unhealthy ({Reason}); serving {Served}")]
    private static partial void LogAllUnhealthy(ILogger logger, string record, string reason, string served);
}
