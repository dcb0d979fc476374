using System.Numerics;

namespace FailoverDns.Server.Metrics;

/// <summary>
/// One thread's timed queries on their way to the SDK's histograms: a fixed ring with a single
/// producer (the thread that answered them) and a single consumer at a time (the drain). Neither
/// side locks or waits: the producer writes a slot, then publishes it with a volatile write of the
/// head; the consumer reads the slots up to the head it saw, then frees them with one volatile
/// write of the tail. A full ring drops the sample and counts it, so a stalled drain costs samples,
/// never a query's time.
/// </summary>
internal sealed class QuerySampleRing
{
    /// <summary>
    /// 4,096 samples (64 KiB): at one query in 16 sampled and a drain every 250 ms, room for 262,000
    /// queries a second on one thread, more than one thread answers (about 177,000 a second in the README, Performance).
    /// </summary>
    public const int DefaultCapacity = 4096;

    private readonly QuerySample[] _slots;
    private readonly long _mask;

    // Written by the producer only. _tailSeen is its last view of _tail: it reads the consumer's
    // field only when that view says the ring is full.
    private long _head;
    private long _tailSeen;
    private long _dropped;

    // Written by the consumer only, once per drained batch.
    private long _tail;

    public QuerySampleRing(int capacity = DefaultCapacity)
    {
        if (capacity <= 0 || !BitOperations.IsPow2(capacity))
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "a power of two");
        }

        _slots = new QuerySample[capacity];
        _mask = capacity - 1;
    }

    public int Capacity => _slots.Length;

    /// <summary>Samples the producer dropped because the ring was full.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Producer only: keeps the sample, or drops and counts it when the ring is full.</summary>
    public bool TryWrite(in QuerySample sample)
    {
        var head = _head;
        if (head - _tailSeen >= _slots.Length)
        {
            // Acquire: the consumer read the slots before it moved the tail past them.
            _tailSeen = Volatile.Read(ref _tail);
            if (head - _tailSeen >= _slots.Length)
            {
                // Only this thread writes the count; a 64-bit write is not torn for the reader.
                _dropped++;
                return false;
            }
        }

        _slots[head & _mask] = sample;

        // Release: the slot is written before the head says it may be read.
        Volatile.Write(ref _head, head + 1);
        return true;
    }

    /// <summary>
    /// Consumer only (one at a time): moves up to <paramref name="into"/>'s length of the oldest
    /// samples there and returns how many.
    /// </summary>
    public int Drain(Span<QuerySample> into)
    {
        var tail = _tail;
        var available = Volatile.Read(ref _head) - tail;
        var count = (int)Math.Min(available, into.Length);
        for (var i = 0; i < count; i++)
        {
            into[i] = _slots[(tail + i) & _mask];
        }

        if (count > 0)
        {
            // Release: the slots are read before the producer may write them again.
            Volatile.Write(ref _tail, tail + count);
        }

        return count;
    }
}
