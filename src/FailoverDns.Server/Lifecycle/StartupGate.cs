using FailoverDns.Configuration;
using FailoverDns.Health.Checks;
using FailoverDns.Health.Policy;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server.Lifecycle;

/// <summary>
/// Holds the DNS listeners back at start-up until every check whose state is not known (none saved
/// in the state file) has one, so that the first answer is already right (<c>health.initialState:
/// firstProbe</c>): alone, from the check's first result; in a cluster, from the first state the
/// locations agree on. Or until <c>health.startupWait</c> has passed, after which the checks still
/// without a state count as healthy until they have one.
/// </summary>
public sealed partial class StartupGate : IHealthStateHandler
{
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly HashSet<string> _waiting;
    private readonly TimeSpan _wait;
    private readonly HealthStateStore _health;
    private readonly ILogger<StartupGate> _logger;

    public StartupGate(HealthStateStore health, FailoverDnsConfig config, ILogger<StartupGate> logger)
    {
        _health = health;
        _logger = logger;
        _wait = config.Health.StartupWait;
        _waiting = config.Health.InitialState == InitialState.FirstProbe && _wait > TimeSpan.Zero ? [.. health.Undecided] : [];
        if (_waiting.Count == 0)
        {
            _opened.TrySetResult();
        }
        else
        {
            LogWaiting(logger, _waiting.Count, _wait.TotalSeconds);
        }
    }

    /// <summary>Done when answering may start.</summary>
    public Task Opened => _opened.Task;

    /// <summary>Waits until the gate opens, or <c>health.startupWait</c> passes (then opens it).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        // The real clock: this is about how long clients wait, whatever clock the probes run on.
        var deadline = Task.Delay(_wait, cancellationToken);
        if (await Task.WhenAny(Opened, deadline).ConfigureAwait(false) == Opened)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        string[] late;
        lock (_gate)
        {
            late = [.. _waiting.Order(StringComparer.Ordinal)];
            _waiting.Clear();
        }

        if (_opened.TrySetResult())
        {
            LogDeadline(_logger, _wait.TotalSeconds, string.Join(", ", late.Take(20)) + (late.Length > 20 ? $" and {late.Length - 20} more" : ""));
        }
    }

    // A result decides a check alone whether or not it changes the state; agreed states arrive as changes.
    public void Recorded(string check, ProbeResult result) => Decided([check]);

    public void Transitioned(IReadOnlyList<HealthTransition> transitions) => Decided(transitions.Select(t => t.Check));

    private void Decided(IEnumerable<string> checks)
    {
        lock (_gate)
        {
            if (_waiting.Count == 0)
            {
                return;
            }

            foreach (var check in checks)
            {
                if (_health.Get(check) is not { ProbedStatus: HealthStatus.Unknown })
                {
                    _waiting.Remove(check);
                }
            }

            if (_waiting.Count > 0)
            {
                return;
            }
        }

        if (_opened.TrySetResult())
        {
            LogOpened(_logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for the first result of {Count} health check(s) before answering queries (at most {Seconds:0.###}s, health.startupWait)")]
    private static partial void LogWaiting(ILogger logger, int count, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Every health check has a state: answering queries")]
    private static partial void LogOpened(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answering queries after waiting {Seconds:0.###}s (health.startupWait) with no result yet from health check(s) {Checks}: counted healthy until they have one")]
    private static partial void LogDeadline(ILogger logger, double seconds, string checks);
}
