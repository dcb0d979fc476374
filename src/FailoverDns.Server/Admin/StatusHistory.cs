using System.Collections.Concurrent;
using FailoverDns.Configuration;
using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using FailoverDns.Server.Failover;

namespace FailoverDns.Server.Admin;

/// <summary>
/// The recent past that the health state does not keep, for the status page: each check's probe
/// latency per minute over the last hours, its last state changes, and the record sets' switches.
/// Fed by the health pipeline (as a handler) and the coordinator's events; every part is bounded, so
/// it costs the same after a year as after a day.
/// </summary>
public sealed class StatusHistory : IHealthStateHandler
{
    /// <summary>Three hours of one sample a minute: enough to see a failover's run-up and its aftermath.</summary>
    public const int LatencyMinutes = 180;

    public const int TransitionsPerCheck = 10;

    public const int RecentSwitches = 100;

    /// <summary>Probe details can be long (a response body's start); a timeline line need not be, and 10 of them per check stay within 5 KB.</summary>
    public const int MaxReasonLength = 200;

    private readonly HealthStateStore _health;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, CheckHistory> _checks = new(StringComparer.Ordinal);
    private readonly object _switchesGate = new();
    private readonly Queue<SwitchView> _switches = new();
    private readonly Dictionary<(string Name, string Type), SwitchView> _lastSwitchPerSet = [];

    public StatusHistory(HealthStateStore health, FailoverCoordinator coordinator, TimeProvider time)
    {
        _health = health;
        _time = time;
        coordinator.Notified += OnFailoverEvent;
    }

    public void Recorded(string check, ProbeResult result) =>
        For(check).AddSample(Minute(result.CompletedAt), result.Succeeded, result.Latency.TotalMilliseconds);

    public void Transitioned(IReadOnlyList<HealthTransition> transitions)
    {
        foreach (var t in transitions)
        {
            For(t.Check).AddTransition(new TransitionView(t.At, t.From.ToName(), t.To.ToName(), Shorten(t.Reason)));
        }
    }

    /// <summary>State changes per check (newest first), recent switches (newest first), and each set's last switch.</summary>
    public HistoryView Changes()
    {
        ForgetRemovedChecks();
        var checks = _health.All
            .Select(s => new CheckChangesView(s.Name, _checks.TryGetValue(s.Name, out var h) ? h.Transitions() : []))
            .ToList();
        lock (_switchesGate)
        {
            return new HistoryView(checks, [.. _switches.Reverse()], [.. _lastSwitchPerSet.Values.OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Type, StringComparer.Ordinal)]);
        }
    }

    /// <summary>Per check, one sample for each minute of the last <see cref="LatencyMinutes"/> that had probes, oldest first.</summary>
    public LatencyHistoryView Latency()
    {
        ForgetRemovedChecks();
        var oldest = Minute(_time.GetUtcNow()) - LatencyMinutes + 1;
        var checks = _health.All
            .Where(s => s.Definition.IsProbed)
            .Select(s => new CheckLatencyView(s.Name, _checks.TryGetValue(s.Name, out var h) ? h.Samples(oldest) : []))
            .ToList();
        return new LatencyHistoryView(LatencyMinutes, checks);
    }

    private CheckHistory For(string check) => _checks.GetOrAdd(check, static _ => new CheckHistory());

    /// <summary>A reload can remove checks; their history goes with them, so the map stays as large as the config.</summary>
    private void ForgetRemovedChecks()
    {
        foreach (var name in _checks.Keys)
        {
            if (_health.Get(name) is null)
            {
                _checks.TryRemove(name, out _);
            }
        }
    }

    private void OnFailoverEvent(FailoverEvent e)
    {
        if (e.Kind is AlertEventKind.Unhealthy or AlertEventKind.Recovered)
        {
            return; // check transitions, kept per check by Transitioned
        }

        lock (_switchesGate)
        {
            foreach (var set in e.RecordSets)
            {
                var view = new SwitchView(e.At, e.Kind.ToName(), set.Name, set.Type, set.Serving, set.Before, e.Check, Shorten(e.Reason));
                _switches.Enqueue(view);
                if (_switches.Count > RecentSwitches)
                {
                    _switches.Dequeue();
                }

                _lastSwitchPerSet[(set.Name, set.Type)] = view;
            }

            // Sets a reload removed: kept no longer than the ring would keep them.
            if (_lastSwitchPerSet.Count > RecentSwitches)
            {
                foreach (var stale in _lastSwitchPerSet.Values.OrderBy(s => s.At).Take(_lastSwitchPerSet.Count - RecentSwitches).ToList())
                {
                    _lastSwitchPerSet.Remove((stale.Name, stale.Type));
                }
            }
        }
    }

    private static int Minute(DateTimeOffset at) => (int)(at.ToUnixTimeSeconds() / 60);

    private static string Shorten(string reason) => reason.Length <= MaxReasonLength ? reason : string.Concat(reason.AsSpan(0, MaxReasonLength - 1), "…");

    /// <summary>One minute's probes: 20 bytes, so a check's three hours take 3.6 KB.</summary>
    private struct MinuteSample
    {
        public int Minute;
        public int Probes;
        public int Failures;
        public float TotalMs;
        public float MaxMs;
    }

    private sealed class CheckHistory
    {
        private readonly MinuteSample[] _minutes = new MinuteSample[LatencyMinutes];
        private readonly Queue<TransitionView> _transitions = new();

        public void AddSample(int minute, bool succeeded, double latencyMs)
        {
            lock (_minutes)
            {
                // A ring indexed by the minute: a slot still holding an older minute starts over.
                ref var slot = ref _minutes[minute % LatencyMinutes];
                if (slot.Minute != minute)
                {
                    slot = new MinuteSample { Minute = minute };
                }

                slot.Probes++;
                slot.Failures += succeeded ? 0 : 1;
                slot.TotalMs += (float)latencyMs;
                slot.MaxMs = Math.Max(slot.MaxMs, (float)latencyMs);
            }
        }

        public void AddTransition(TransitionView transition)
        {
            lock (_transitions)
            {
                _transitions.Enqueue(transition);
                if (_transitions.Count > TransitionsPerCheck)
                {
                    _transitions.Dequeue();
                }
            }
        }

        public IReadOnlyList<TransitionView> Transitions()
        {
            lock (_transitions)
            {
                return [.. _transitions.Reverse()];
            }
        }

        public IReadOnlyList<LatencySampleView> Samples(int oldestMinute)
        {
            lock (_minutes)
            {
                return [.. _minutes
                    .Where(m => m.Probes > 0 && m.Minute >= oldestMinute)
                    .OrderBy(m => m.Minute)
                    .Select(m => new LatencySampleView(
                        DateTimeOffset.FromUnixTimeSeconds(m.Minute * 60L),
                        m.Probes,
                        m.Failures,
                        Math.Round(m.TotalMs / m.Probes, 2),
                        Math.Round(m.MaxMs, 2)))];
            }
        }
    }
}
