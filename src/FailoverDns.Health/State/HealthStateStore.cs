using FailoverDns.Health.Checks;
using FailoverDns.Health.Policy;
using FailoverDns.Health.Probes;

namespace FailoverDns.Health.State;

/// <summary>
/// Owns every check's state, in two steps of the health pipeline (<see cref="IVerdictAggregator"/>):
/// <see cref="Record"/> takes a probe result and applies the pure threshold policy, giving this
/// instance's verdict; <see cref="Apply"/> takes the verdicts to act on, lets overrides and calculated
/// checks follow, and returns each change once. It calls nothing: the changes flow on from its caller.
/// </summary>
public sealed class HealthStateStore
{
    public const int HistorySize = 20;

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly InitialState _initial;
    private readonly Dictionary<string, HealthCheckState> _states = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<HealthCheckDefinition>> _parents = new(StringComparer.Ordinal);
    private readonly FlapDampingOptions _flapDamping;

    /// <param name="definitions">The checks.</param>
    /// <param name="time">The clock of overrides, transitions and flap damping.</param>
    /// <param name="initial">What a check without a known state is until its probes say more.</param>
    /// <param name="saved">States kept from before a restart: a check that judges the same thing starts from its own.</param>
    /// <param name="flapDamping">When a flapping check is held unhealthy; null: never (<see cref="FlapDampingOptions.Off"/>).</param>
    public HealthStateStore(
        IEnumerable<HealthCheckDefinition> definitions,
        TimeProvider time,
        InitialState initial = InitialState.Healthy,
        IEnumerable<SavedCheckState>? saved = null,
        FlapDampingOptions? flapDamping = null)
    {
        _time = time;
        _initial = initial;
        _flapDamping = flapDamping ?? FlapDampingOptions.Off;
        var savedByName = (saved ?? []).GroupBy(s => s.Check, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var restored = new Dictionary<string, HealthCheckState>(StringComparer.Ordinal);
        foreach (var definition in definitions)
        {
            if (savedByName.GetValueOrDefault(definition.Name) is { Status: not HealthStatus.Unknown } known
                && definition.IsProbed && known.Judgement == definition.Judgement)
            {
                restored[definition.Name] = new HealthCheckState(definition, known.Status, known.Since, 0, 0, null, null, [], 0, 0, 0)
                {
                    ProbedStatus = known.Status,
                    LocationStatus = known.Status,
                };
            }
        }

        Load(definitions, restored);
    }

    public IReadOnlyList<HealthCheckState> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _states.Values.OrderBy(s => s.Name, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>True once every enabled endpoint check has at least one result.</summary>
    public bool FirstRoundComplete
    {
        get
        {
            lock (_gate)
            {
                return _states.Values.All(s => !s.Definition.IsProbed || s.LastResult is not null);
            }
        }
    }

    /// <summary>The enabled endpoint checks whose probes have not said anything yet, in a state they keep (none restored).</summary>
    public IReadOnlyList<string> Undecided
    {
        get
        {
            lock (_gate)
            {
                return [.. _states.Values.Where(s => s.Definition.IsProbed && s.ProbedStatus == HealthStatus.Unknown).Select(s => s.Name)];
            }
        }
    }

    /// <summary>What the probes of each enabled endpoint check say, where they have said something: what a restart restores.</summary>
    public IReadOnlyList<SavedCheckState> Known
    {
        get
        {
            lock (_gate)
            {
                return [.. _states.Values
                    .Where(s => s.Definition.IsProbed && s.ProbedStatus != HealthStatus.Unknown)
                    .OrderBy(s => s.Name, StringComparer.Ordinal)
                    .Select(s => new SavedCheckState(s.Name, s.Definition.Judgement, s.ProbedStatus, s.Since))];
            }
        }
    }

    public HealthCheckState? Get(string name)
    {
        lock (_gate)
        {
            return _states.GetValueOrDefault(name);
        }
    }

    /// <summary>
    /// Applies one probe result to the endpoint check <paramref name="name"/>: its counters, history,
    /// the threshold policy's per-location state, then flap damping (which may hold the verdict
    /// unhealthy). Null for an unknown or disabled check.
    /// </summary>
    /// <returns>This instance's verdict on the check, for <see cref="Apply"/> (through the aggregation step).</returns>
    public CheckVerdict? Record(string name, ProbeResult result)
    {
        lock (_gate)
        {
            if (!_states.TryGetValue(name, out var state) || state.Definition.Disabled)
            {
                return null;
            }

            var definition = state.Definition;
            var passed = result.Succeeded != definition.Invert;
            var next = ThresholdPolicy.Apply(
                new ThresholdState(state.LocationStatus, state.ConsecutiveSuccesses, state.ConsecutiveFailures),
                passed,
                definition.FailureThreshold,
                definition.RecoveryThreshold,
                _initial);
            var now = _time.GetUtcNow();
            var flap = FlapDamper.Apply(state.Flap, next.Status, now, _flapDamping);
            var history = state.History.Count < HistorySize ? state.History : state.History.Skip(1);
            _states[name] = state with
            {
                LocationStatus = next.Status,
                ConsecutiveSuccesses = next.ConsecutiveSuccesses,
                ConsecutiveFailures = next.ConsecutiveFailures,
                LastResult = result,
                LastFailure = result.Succeeded ? state.LastFailure : result,
                History = [.. history, result],
                Probes = state.Probes + 1,
                Failures = state.Failures + (result.Succeeded ? 0 : 1),
                Flap = flap.State,
            };
            var reason = Describe(definition, result, next);
            if (FlapDamper.Describe(flap, _flapDamping) is not { } damping)
            {
                return new CheckVerdict(definition, flap.Status, reason);
            }

            return new CheckVerdict(definition, flap.Status, $"{reason}; {damping}")
            {
                Damping = flap.Edge == FlapEdge.None ? null : new FlapDampingChange(name, flap.Edge == FlapEdge.Started, damping, now),
            };
        }
    }

    /// <summary>
    /// Makes <paramref name="verdicts"/> what the probes say of their checks; an override still decides
    /// while set, and the calculated checks above follow. A verdict on a check a reload has since
    /// removed or redefined is dropped: that check started over. A verdict of unknown (no decision yet)
    /// leaves the state as it is: a redefined check keeps the one it had until its probes decide.
    /// </summary>
    /// <returns>Every change of state this caused, in order, each once.</returns>
    public IReadOnlyList<HealthTransition> Apply(IReadOnlyList<CheckVerdict> verdicts)
    {
        var transitions = new List<HealthTransition>();
        lock (_gate)
        {
            foreach (var verdict in verdicts)
            {
                if (_states.TryGetValue(verdict.Check.Name, out var state) && !state.Definition.Disabled && state.Definition.JudgesSameAs(verdict.Check))
                {
                    var probed = verdict.Status == HealthStatus.Unknown ? state.ProbedStatus : verdict.Status;
                    SetStatus(state with { ProbedStatus = probed }, state.Override?.State ?? probed, verdict.Reason, transitions);
                }
            }
        }

        return transitions;
    }

    /// <summary>
    /// Takes the checks of a reloaded config. A check that judges the same thing as before
    /// (<see cref="HealthCheckDefinition.JudgesSameAs"/>) keeps its state, history and counters; a
    /// new one starts unknown; a redefined one starts over with no results but keeps the state it had
    /// until its probes decide (so nothing switches, nor is announced, before they do); a removed one
    /// is forgotten. Overrides stay with their check's name. Nothing is announced: the caller
    /// re-decides every answer next.
    /// </summary>
    /// <returns>The checks that start over (new or redefined).</returns>
    public IReadOnlyList<string> Reconcile(IEnumerable<HealthCheckDefinition> definitions)
    {
        lock (_gate)
        {
            var previous = new Dictionary<string, HealthCheckState>(_states, StringComparer.Ordinal);
            _states.Clear();
            _parents.Clear();
            return Load(definitions, previous);
        }
    }

    /// <summary>
    /// Forces <paramref name="name"/> to a state (or clears the force with null); false for an unknown
    /// check. <paramref name="transitions"/> are the changes of state it caused.
    /// </summary>
    public bool SetOverride(string name, HealthOverride? value, out IReadOnlyList<HealthTransition> transitions)
    {
        var changes = new List<HealthTransition>();
        transitions = changes;
        lock (_gate)
        {
            if (!_states.TryGetValue(name, out var state))
            {
                return false;
            }

            ApplyOverride(state, value, changes);
        }

        return true;
    }

    /// <summary>
    /// Clears every override whose <see cref="HealthOverride.Until"/> has passed; returns their checks.
    /// <paramref name="transitions"/> are the changes of state it caused.
    /// </summary>
    public IReadOnlyList<string> ExpireOverrides(out IReadOnlyList<HealthTransition> transitions)
    {
        var now = _time.GetUtcNow();
        var changes = new List<HealthTransition>();
        transitions = changes;
        lock (_gate)
        {
            var expired = _states.Values.Where(s => s.Override?.Until <= now).Select(s => s.Name).ToList();
            foreach (var name in expired)
            {
                ApplyOverride(_states[name], null, changes);
            }

            return expired;
        }
    }

    private List<string> Load(IEnumerable<HealthCheckDefinition> definitions, Dictionary<string, HealthCheckState> previous)
    {
        var now = _time.GetUtcNow();
        var fresh = new List<string>();
        foreach (var definition in definitions)
        {
            var kept = previous.GetValueOrDefault(definition.Name);
            if (kept is not null && kept.Definition.JudgesSameAs(definition))
            {
                _states[definition.Name] = kept with { Definition = definition };
            }
            else if (kept is not null && !definition.Disabled && !kept.Definition.Disabled)
            {
                // Redefined: the probes start over (their first result decides, or the threshold from
                // unknown), and until they decide, the state it had stands.
                _states[definition.Name] = new HealthCheckState(definition, kept.Status, kept.Since, 0, 0, null, null, [], 0, 0, 0)
                {
                    ProbedStatus = kept.ProbedStatus,
                    LocationStatus = HealthStatus.Unknown,
                    Override = kept.Override,
                };
                fresh.Add(definition.Name);
            }
            else
            {
                var status = definition.Disabled ? HealthStatus.Healthy : HealthStatus.Unknown;
                var forced = kept?.Override;
                _states[definition.Name] = new HealthCheckState(definition, forced?.State ?? status, now, 0, 0, null, null, [], 0, 0, 0) { ProbedStatus = status, LocationStatus = status, Override = forced };
                fresh.Add(definition.Name);
            }

            foreach (var child in definition.Calculated?.Children ?? [])
            {
                if (!_parents.TryGetValue(child, out var parents))
                {
                    _parents[child] = parents = [];
                }

                parents.Add(definition);
            }
        }

        // Disabled children are healthy from the start; a calculation over them must not wait for a change.
        var unannounced = new List<HealthTransition>();
        foreach (var definition in _states.Values.Select(s => s.Definition).Where(d => d.Calculated is not null).ToList())
        {
            Recalculate(definition, unannounced);
        }

        return fresh;
    }

    private void ApplyOverride(HealthCheckState state, HealthOverride? value, List<HealthTransition> transitions)
    {
        var reason = value is null
            ? $"override cleared; probes say {state.ProbedStatus.ToName()}"
            : $"overridden to {value.State.ToName()}: {value.Reason}";
        SetStatus(state with { Override = value }, value?.State ?? state.ProbedStatus, reason, transitions);
    }

    private void SetStatus(HealthCheckState updated, HealthStatus status, string reason, List<HealthTransition> transitions)
    {
        var previous = _states[updated.Name];
        if (previous.Status != status)
        {
            var now = _time.GetUtcNow();
            updated = updated with { Status = status, Since = now, Transitions = previous.Transitions + 1 };
            transitions.Add(new HealthTransition(updated.Name, previous.Status, status, reason, now));
        }

        _states[updated.Name] = updated;
        if (previous.Status == status)
        {
            return;
        }

        foreach (var parent in _parents.GetValueOrDefault(updated.Name) ?? [])
        {
            Recalculate(parent, transitions);
        }
    }

    private void Recalculate(HealthCheckDefinition parent, List<HealthTransition> transitions)
    {
        var current = _states[parent.Name];
        if (parent.Disabled)
        {
            return;
        }

        var rule = parent.Calculated!;
        var children = rule.Children.Select(c => _states.TryGetValue(c, out var s) ? s.Status : HealthStatus.Unknown).ToList();
        var status = ThresholdPolicy.Calculate(children, rule.RequiredHealthy);
        if (parent.Invert)
        {
            status = ThresholdPolicy.Invert(status);
        }

        var reason = DescribeChildren(rule, children, parent.Invert);
        SetStatus(current with { ProbedStatus = status, Calculation = reason }, current.Override?.State ?? status, reason, transitions);
    }

    /// <summary>
    /// What a calculated check's children say, counted as they are: <c>0 of 2 checks healthy, 2 required;
    /// unhealthy: east, db</c>. The unhealthy children are named, and so are those without a verdict yet,
    /// which the calculation counts as healthy.
    /// </summary>
    private static string DescribeChildren(CalculatedCheck rule, List<HealthStatus> children, bool invert)
    {
        string[] Named(HealthStatus status) => [.. rule.Children.Where((_, i) => children[i] == status)];
        var unhealthy = Named(HealthStatus.Unhealthy);
        var unknown = Named(HealthStatus.Unknown);
        var text = new System.Text.StringBuilder(FormattableString.Invariant(
            $"{children.Count(c => c == HealthStatus.Healthy)} of {children.Count} checks healthy, {rule.RequiredHealthy} required"));
        if (unhealthy.Length > 0)
        {
            text.Append("; unhealthy: ").AppendJoin(", ", unhealthy);
        }

        if (unknown.Length > 0)
        {
            text.Append("; no verdict yet, counted as healthy: ").AppendJoin(", ", unknown);
        }

        return invert ? text.Append(" (inverted)").ToString() : text.ToString();
    }

    private static string Describe(HealthCheckDefinition definition, ProbeResult result, ThresholdState next)
    {
        var run = result.Succeeded == !definition.Invert
            ? FormattableString.Invariant($"{next.ConsecutiveSuccesses} passed in a row")
            : FormattableString.Invariant($"{next.ConsecutiveFailures} failed in a row");
        return definition.Invert ? $"{result.Detail} (inverted), {run}" : $"{result.Detail}, {run}";
    }
}
