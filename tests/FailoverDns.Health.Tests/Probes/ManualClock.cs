namespace FailoverDns.Health.Tests.Probes;

/// <summary>A <see cref="TimeProvider"/> that moves only when told, so timer behaviour is tested without sleeping.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _armedWaiters = [];
    private DateTimeOffset _now = start;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>How long until each timer that is waiting to fire fires, soonest first.</summary>
    public IReadOnlyList<TimeSpan> ArmedDueIn
    {
        get
        {
            lock (_gate)
            {
                return [.. _timers.Where(t => t.DueAt is not null).Select(t => t.DueAt!.Value - _now).Order()];
            }
        }
    }

    /// <summary>
    /// Completes once at least <paramref name="count"/> timers wait to fire (a loop parked in a delay),
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
            _armedWaiters.Add((count, reached));
            return reached.Task.WaitAsync(timeout);
        }
    }

    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (_gate)
        {
            _now += by;
            due = _timers.Where(t => t.DueAt is { } at && at <= _now).ToList();
            foreach (var timer in due)
            {
                timer.DueAt = null;
            }
        }

        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    private int ArmedCountLocked() => _timers.Count(t => t.DueAt is not null);

    private void SignalArmedLocked()
    {
        var armed = ArmedCountLocked();
        foreach (var waiter in _armedWaiters.Where(w => armed >= w.Count).ToList())
        {
            _armedWaiters.Remove(waiter);
            waiter.Reached.TrySetResult();
        }
    }

    private void Remove(ManualTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? DueAt { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            // One-shot only: the probes never ask for a periodic timer.
            lock (clock._gate)
            {
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : clock._now + dueTime;
                clock.SignalArmedLocked();
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => clock.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
