using System.Runtime.CompilerServices;
using FailoverDns.Protocol;

namespace FailoverDns.Server.Metrics;

/// <summary>
/// What the query path counts and samples, in one block per thread: a thread only ever increments
/// its own block's arrays (allocated by that thread, so no cache line is shared with another
/// writer) and writes its timed queries into its own <see cref="QuerySampleRing"/>, with no lock,
/// no interlocked operation and no allocation. Readers sum every block; the drain empties every
/// ring and folds the blocks of threads that have ended into one, so pool threads that come and go
/// do not leave their 64 KiB rings behind (docs/architecture.md, rules for the query path).
/// </summary>
public sealed class QueryCounters
{
    /// <summary>Query types an authoritative server sees; the rest count as "other", so labels stay bounded.</summary>
    private static readonly (int Code, string Name)[] KnownTypes =
    [
        (1, "A"), (2, "NS"), (5, "CNAME"), (6, "SOA"), (12, "PTR"), (15, "MX"), (16, "TXT"), (28, "AAAA"), (33, "SRV"), (35, "NAPTR"),
        (43, "DS"), (44, "SSHFP"), (46, "RRSIG"), (48, "DNSKEY"), (52, "TLSA"), (64, "SVCB"), (65, "HTTPS"), (99, "SPF"),
        (251, "IXFR"), (252, "AXFR"), (255, "ANY"), (257, "CAA"),
    ];

    /// <summary>The type labels: "none" (no question), "other", then <see cref="KnownTypes"/>.</summary>
    public static readonly IReadOnlyList<string> TypeNames = ["none", "other", .. KnownTypes.Select(t => t.Name)];

    /// <summary>The rcodes this server sends; any other counts as "other".</summary>
    private static readonly int[] SentRcodes = [0, 1, 2, 3, 4, 5, 16];

    /// <summary>The rcode labels: <see cref="SentRcodes"/>, then "other".</summary>
    public static readonly IReadOnlyList<string> RcodeNames = [.. SentRcodes.Select(Protocol.RcodeNames.ToName), "other"];

    public static readonly IReadOnlyList<string> Transports = ["udp", "tcp"];

    /// <summary>What rate limiting did with a response it withheld.</summary>
    public static readonly IReadOnlyList<string> RateLimitActions = ["dropped", "slipped"];

    private static readonly byte[] TypeIndex = BuildIndex(KnownTypes.Select(t => t.Code), first: 2, other: 1);
    private static readonly byte[] RcodeIndex = BuildIndex(SentRcodes, first: 0, other: (byte)SentRcodes.Length);

    // The block this thread wrote last, and (rarely needed: several hosts in one process) all of them.
    [ThreadStatic]
    private static Block? _lastBlock;

    [ThreadStatic]
    private static ConditionalWeakTable<QueryCounters, Block>? _threadBlocks;

    private static readonly int QueryCells = Transports.Count * TypeNames.Count * RcodeNames.Count;

    // Taken by a thread registering its block, the first time it counts; readers take no lock: the
    // array is replaced, never changed, so a reader iterates the one it read without copying it.
    private readonly Lock _gate = new();
    private Block[] _blocks = [];

    // One drain at a time (the timer's, or a collection's): each ring has a single consumer.
    private readonly Lock _drainGate = new();
    private readonly QuerySample[] _drained = new QuerySample[256];

    /// <summary>Counts one answered query.</summary>
    public void Record(bool overTcp, RecordType? type, int rcode, bool truncated) => Count(ThisThreadsBlock(), overTcp, type, rcode, truncated);

    /// <summary>Counts one answered query and keeps its sample for the histograms (dropped and counted if its thread's ring is full).</summary>
    internal void Record(bool overTcp, RecordType? type, int rcode, bool truncated, in QuerySample sample)
    {
        var block = ThisThreadsBlock();
        Count(block, overTcp, type, rcode, truncated);
        block.Samples.TryWrite(sample);
    }

    /// <summary>Counts one UDP response withheld by rate limiting: dropped, or slipped (sent empty with TC).</summary>
    public void RecordRateLimited(bool slipped) => ThisThreadsBlock().RateLimited[slipped ? 1 : 0]++;

    /// <summary>
    /// Hands every sample waiting in every thread's ring to <paramref name="record"/>, on the caller's
    /// thread, then retires the blocks of threads that had ended before their ring was drained.
    /// </summary>
    internal void DrainSamples(Action<QuerySample> record)
    {
        lock (_drainGate)
        {
            List<Block>? ended = null;
            foreach (var block in Volatile.Read(ref _blocks))
            {
                // Asked before draining: a thread that had ended then has written its last sample.
                if (block.Writer is { IsAlive: false })
                {
                    (ended ??= []).Add(block);
                }

                int count;
                while ((count = block.Samples.Drain(_drained)) > 0)
                {
                    for (var i = 0; i < count; i++)
                    {
                        record(_drained[i]);
                    }
                }
            }

            if (ended is not null)
            {
                Retire(ended);
            }
        }
    }

    /// <summary>Samples dropped because their thread's ring was full, summed over every thread.</summary>
    public long SamplesDropped() => Volatile.Read(ref _blocks).Sum(b => b.Samples.Dropped + b.DroppedBefore);

    /// <summary>Blocks held now: one per thread still counting, and one for all that have ended.</summary>
    internal int BlockCount => Volatile.Read(ref _blocks).Length;

    private static void Count(Block block, bool overTcp, RecordType? type, int rcode, bool truncated)
    {
        var transport = overTcp ? 1 : 0;
        var typeIndex = type is { } t ? (int)t < TypeIndex.Length ? TypeIndex[(int)t] : 1 : 0;
        var rcodeIndex = (uint)rcode < (uint)RcodeIndex.Length ? RcodeIndex[rcode] : SentRcodes.Length;
        block.Queries[(((transport * TypeNames.Count) + typeIndex) * RcodeNames.Count) + rcodeIndex]++;
        if (truncated)
        {
            block.Truncated[transport]++;
        }
    }

    /// <summary>Queries by transport, type and rcode, summed over every thread; only non-zero ones.</summary>
    public IEnumerable<(string Transport, string Type, string Rcode, long Count)> Queries()
    {
        var totals = Sum(b => b.Queries, QueryCells);
        for (var i = 0; i < totals.Length; i++)
        {
            if (totals[i] > 0)
            {
                var rcode = i % RcodeNames.Count;
                var type = i / RcodeNames.Count % TypeNames.Count;
                var transport = i / RcodeNames.Count / TypeNames.Count;
                yield return (Transports[transport], TypeNames[type], RcodeNames[rcode], totals[i]);
            }
        }
    }

    /// <summary>Responses sent with TC set, per transport (indexed as <see cref="Transports"/>).</summary>
    public long[] Truncated() => Sum(b => b.Truncated, Transports.Count);

    /// <summary>Responses withheld by rate limiting, indexed as <see cref="RateLimitActions"/>.</summary>
    public long[] RateLimited() => Sum(b => b.RateLimited, RateLimitActions.Count);

    /// <summary>Label index by code: the <paramref name="codes"/> in order from <paramref name="first"/>, any other code <paramref name="other"/>.</summary>
    private static byte[] BuildIndex(IEnumerable<int> codes, int first, byte other)
    {
        var list = codes.ToArray();
        var index = Enumerable.Repeat(other, list.Max() + 1).ToArray();
        for (var i = 0; i < list.Length; i++)
        {
            index[list[i]] = (byte)(first + i);
        }

        return index;
    }

    private long[] Sum(Func<Block, long[]> field, int length)
    {
        var totals = new long[length];
        foreach (var block in Volatile.Read(ref _blocks))
        {
            var values = field(block);
            for (var i = 0; i < totals.Length; i++)
            {
                totals[i] += Volatile.Read(ref values[i]);
            }
        }

        return totals;
    }

    /// <summary>
    /// Replaces the blocks of ended threads, and the earlier retired block, with one block of their
    /// sums, in one swap of the array: a reader sums either the old blocks or their sum, so totals
    /// never go down.
    /// </summary>
    private void Retire(List<Block> ended)
    {
        lock (_gate)
        {
            var blocks = _blocks;
            var retired = new Block(this, writer: null, new QuerySampleRing(capacity: 1));
            foreach (var block in blocks.Where(b => b.Writer is null).Concat(ended))
            {
                Add(retired.Queries, block.Queries);
                Add(retired.Truncated, block.Truncated);
                Add(retired.RateLimited, block.RateLimited);
                retired.DroppedBefore += block.Samples.Dropped + block.DroppedBefore;
            }

            Volatile.Write(ref _blocks, [retired, .. blocks.Where(b => b.Writer is not null && !ended.Contains(b))]);
        }

        static void Add(long[] sum, long[] values)
        {
            for (var i = 0; i < sum.Length; i++)
            {
                sum[i] += Volatile.Read(ref values[i]);
            }
        }
    }

    private Block ThisThreadsBlock() => _lastBlock is { } last && last.Owner == this ? last : BlockOfThisThread();

    private Block BlockOfThisThread()
    {
        _threadBlocks ??= [];
        if (!_threadBlocks.TryGetValue(this, out var block))
        {
            block = new Block(this, Thread.CurrentThread, new QuerySampleRing());
            _threadBlocks.Add(this, block);
            lock (_gate)
            {
                Volatile.Write(ref _blocks, [.. _blocks, block]);
            }
        }

        _lastBlock = block;
        return block;
    }

    /// <summary>
    /// One thread's counters and samples, kept until the drain after its thread ends; or, without a
    /// <see cref="Writer"/>, the sums of every thread that has ended.
    /// </summary>
    private sealed class Block(QueryCounters owner, Thread? writer, QuerySampleRing samples)
    {
        public readonly QueryCounters Owner = owner;
        public readonly Thread? Writer = writer;

        public readonly long[] Queries = new long[QueryCells];
        public readonly long[] Truncated = new long[Transports.Count];
        public readonly long[] RateLimited = new long[RateLimitActions.Count];
        public readonly QuerySampleRing Samples = samples;

        /// <summary>Samples the retired threads dropped (the retired block's own ring never takes any).</summary>
        public long DroppedBefore;
    }
}
