using System.Collections.Concurrent;
using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using Microsoft.Extensions.Hosting;

namespace FailoverDns.Server.Persistence;

/// <summary>
/// Keeps each endpoint check's state in the state file as its probes change it, so that a restart
/// starts from it. Changes are written together a moment after the first of them (the first round of
/// ten thousand checks is one write, not ten thousand), and once more when the server stops.
/// </summary>
public sealed class CheckStateSaver(HealthStateStore health, StateFile stateFile) : IHealthStateHandler, IHostedService
{
    /// <summary>How long a change waits for others to be written with it.</summary>
    public static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(200);

    private readonly ConcurrentDictionary<string, HealthStatus> _written = new(StringComparer.Ordinal);
    private int _scheduled;
    private volatile bool _stopped;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Remember(stateFile.SavedChecks());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopped = true;
        Remember(stateFile.Write(health));
        return Task.CompletedTask;
    }

    public void Recorded(string check, ProbeResult result)
    {
        if (health.Get(check) is not { ProbedStatus: not HealthStatus.Unknown } state
            || (_written.TryGetValue(check, out var written) && written == state.ProbedStatus))
        {
            return;
        }

        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            _ = WriteSoonAsync();
        }
    }

    public void Transitioned(IReadOnlyList<HealthTransition> transitions)
    {
        // What the probes say is seen in Recorded; the overrides' own changes are written where they are made.
    }

    private async Task WriteSoonAsync()
    {
        // The real clock: writing is about the file, whatever clock the probes run on.
        await Task.Delay(Coalesce).ConfigureAwait(false);
        Volatile.Write(ref _scheduled, 0);

        // The write at stop had the last word; the file may already be someone else's.
        if (!_stopped)
        {
            Remember(stateFile.Write(health));
        }
    }

    private void Remember(IEnumerable<SavedCheckState> written)
    {
        foreach (var check in written)
        {
            _written[check.Check] = check.Status;
        }
    }
}
