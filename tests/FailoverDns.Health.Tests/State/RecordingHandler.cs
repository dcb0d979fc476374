using FailoverDns.Health.Probes;
using FailoverDns.Health.State;

namespace FailoverDns.Health.Tests.State;

/// <summary>
/// The step after the health state as a test sees it: keeps what it is told, and throws
/// <see cref="Throws"/> instead while that is set (a coordinator with a bug).
/// </summary>
internal sealed class RecordingHandler : IHealthStateHandler
{
    private readonly Lock _gate = new();
    private readonly List<(string Check, ProbeResult Result)> _recorded = [];
    private readonly List<HealthTransition> _transitions = [];
    private readonly List<FlapDampingChange> _damping = [];

    /// <summary>Thrown from <see cref="Transitioned"/> while set.</summary>
    public Exception? Throws { get; set; }

    /// <summary>Called for each transition handed on, before it is kept.</summary>
    public Action<HealthTransition>? OnTransition { get; set; }

    public IReadOnlyList<(string Check, ProbeResult Result)> Recorded
    {
        get
        {
            lock (_gate)
            {
                return [.. _recorded];
            }
        }
    }

    public IReadOnlyList<HealthTransition> Transitions
    {
        get
        {
            lock (_gate)
            {
                return [.. _transitions];
            }
        }
    }

    public IReadOnlyList<FlapDampingChange> Damping
    {
        get
        {
            lock (_gate)
            {
                return [.. _damping];
            }
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _recorded.Clear();
            _transitions.Clear();
            _damping.Clear();
        }
    }

    void IHealthStateHandler.FlapDampingChanged(FlapDampingChange change)
    {
        lock (_gate)
        {
            _damping.Add(change);
        }
    }

    void IHealthStateHandler.Recorded(string check, ProbeResult result)
    {
        lock (_gate)
        {
            _recorded.Add((check, result));
        }
    }

    public void Transitioned(IReadOnlyList<HealthTransition> transitions)
    {
        if (Throws is { } failure)
        {
            throw failure;
        }

        foreach (var transition in transitions)
        {
            OnTransition?.Invoke(transition);
            lock (_gate)
            {
                _transitions.Add(transition);
            }
        }
    }
}
