using Microsoft.Extensions.Time.Testing;

namespace FailoverDns.Health.Tests.Monitoring;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also tells which of its timers wait to fire and when, so a test
/// can wait for a probe loop to park in its delay before it moves time: moved any earlier, the loop
/// would measure its next wait from the later time and the test would wait on the wrong round.
/// </summary>
internal sealed class ParkingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Lock _gate = new();
    private readonly List<Armed> _timers = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];

    /// <summary>How long until each timer that is waiting to fire fires, soonest first.</summary>
    public IReadOnlyList<TimeSpan> ArmedDueIn
    {
        get
        {
            var now = GetUtcNow();
            lock (_gate)
            {
                return [.. _timers.Where(t => t.DueAt is not null).Select(t => t.DueAt!.Value - now).Order()];
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var armed = new Armed(this);
        armed.Arm(dueTime, period);
        armed.Timer = base.CreateTimer(
            s =>
            {
                armed.Fired();
                callback(s);
            },
            state,
            dueTime,
            period);
        return armed;
    }

    /// <summary>
    /// Completes once at least <paramref name="count"/> timers wait to fire (loops parked in a delay),
    /// or fails after <paramref name="timeout"/>: the test waits on that event, never on a real sleep.
    /// </summary>
    public Task WaitForArmedTimersAsync(int count, TimeSpan timeout)
    {
        lock (_gate)
        {
            if (ArmedCountLocked() >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task.WaitAsync(timeout);
        }
    }

    private int ArmedCountLocked() => _timers.Count(t => t.DueAt is not null);

    private void Set(Armed timer, DateTimeOffset? dueAt, bool remove = false)
    {
        lock (_gate)
        {
            timer.DueAt = dueAt;
            if (remove)
            {
                _timers.Remove(timer);
            }
            else if (!_timers.Contains(timer))
            {
                _timers.Add(timer);
            }

            var armed = ArmedCountLocked();
            foreach (var waiter in _waiters.Where(w => armed >= w.Count).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Reached.TrySetResult();
            }
        }
    }

    /// <summary>The fake's timer, watched: when it is due, and whether it is still wanted.</summary>
    private sealed class Armed(ParkingTimeProvider time) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public ITimer? Timer { get; set; }

        /// <summary>Read and written under the provider's lock.</summary>
        public DateTimeOffset? DueAt { get; set; }

        public void Arm(TimeSpan dueTime, TimeSpan period)
        {
            _period = period;
            time.Set(this, dueTime == Timeout.InfiniteTimeSpan ? null : time.GetUtcNow() + dueTime);
        }

        // The probe loops' delays are one-shot; a periodic timer is taken as due a period after it fired.
        public void Fired() => time.Set(this, _period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero ? null : time.GetUtcNow() + _period);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Arm(dueTime, period);
            return Timer!.Change(dueTime, period);
        }

        public void Dispose()
        {
            time.Set(this, null, remove: true);
            Timer?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
