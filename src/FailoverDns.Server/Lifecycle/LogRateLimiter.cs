namespace FailoverDns.Server.Lifecycle;

/// <summary>
/// At most one log line per interval for one kind of event; the events in between are counted, and
/// the next line written reports how many were left out. An attacker can cause a refusal or an
/// eviction thousands of times a second, and a line for each would drown the log and cost more
/// than the refusal itself. Lock-free: any thread may call it, at any rate.
/// </summary>
internal sealed class LogRateLimiter
{
    private readonly TimeProvider _time;
    private readonly long _interval;
    private long _nextLine = long.MinValue;
    private long _suppressed;

    public LogRateLimiter(TimeSpan interval, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _time = time;
        _interval = (long)(interval.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>
    /// True when a line may be written now; <paramref name="suppressed"/> is then the number of
    /// events left out since the last line. False (and the event counted) otherwise.
    /// </summary>
    public bool TryAcquire(out long suppressed)
    {
        var now = _time.GetTimestamp();
        var next = Volatile.Read(ref _nextLine);
        // One caller wins the slot; the others that raced it are counted as suppressed.
        if (now >= next && Interlocked.CompareExchange(ref _nextLine, now + _interval, next) == next)
        {
            suppressed = Interlocked.Exchange(ref _suppressed, 0);
            return true;
        }

        Interlocked.Increment(ref _suppressed);
        suppressed = 0;
        return false;
    }
}
