using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;

namespace FailoverDns.Health.Tests.Monitoring;

/// <summary>A probe that does what the test says, counts its calls and how many overlap, and lets the test wait for a call.</summary>
internal sealed class FakeProbe(EndpointCheckOptions endpoint) : IProbe
{
    private readonly Lock _gate = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private int _calls;
    private int _running;
    private int _maxRunning;
    private bool _disposed;

    public EndpointCheckOptions Endpoint => endpoint;

    /// <summary>What the next calls do; by default each passes at once with <see cref="Pass"/>.</summary>
    public Func<CancellationToken, Task<ProbeResult>> Behaviour { get; set; } = _ => Task.FromResult(Pass);

    public static ProbeResult Pass { get; } = ProbeResult.Success(TimeSpan.FromMilliseconds(3), DateTimeOffset.UnixEpoch, "HTTP 200", 200);

    public int Calls
    {
        get
        {
            lock (_gate)
            {
                return _calls;
            }
        }
    }

    /// <summary>The most calls that were in flight at once.</summary>
    public int MaxRunning
    {
        get
        {
            lock (_gate)
            {
                return _maxRunning;
            }
        }
    }

    public bool Disposed
    {
        get
        {
            lock (_gate)
            {
                return _disposed;
            }
        }
    }

    public Task<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _calls++;
            _running++;
            _maxRunning = Math.Max(_maxRunning, _running);
            foreach (var waiter in _waiters.Where(w => _calls >= w.Count).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Reached.TrySetResult();
            }
        }

        Task<ProbeResult> pending;
        try
        {
            // Called as is, so a behaviour may throw synchronously as well as return a faulted task.
            pending = Behaviour(cancellationToken);
        }
        catch
        {
            Finished();
            throw;
        }

        return TrackAsync(pending);
    }

    /// <summary>Completes once the probe has been called <paramref name="count"/> times, or fails after <paramref name="timeout"/>.</summary>
    public Task WaitForCallsAsync(int count, TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_calls >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task.WaitAsync(timeout);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }
    }

    private async Task<ProbeResult> TrackAsync(Task<ProbeResult> pending)
    {
        try
        {
            return await pending;
        }
        finally
        {
            Finished();
        }
    }

    private void Finished()
    {
        lock (_gate)
        {
            _running--;
        }
    }
}
