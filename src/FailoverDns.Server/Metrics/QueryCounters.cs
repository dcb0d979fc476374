using System.Collections.Immutable;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using FailoverDns.Protocol;

namespace FailoverDns.Server.Metrics;

/// <summary>
/// What the query path counts, in one block per thread: a thread only ever increments its own
/// block's arrays (allocated by that thread, so no cache line is shared with another writer), with
/// no lock, no interlocked operation and no allocation. Readers sum every block (DESIGN.md, Speed).
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
    public static readonly IReadOnlyList<string> RcodeNames = [.. SentRcodes.Select(Protocol.RcodeNames.ToText), "other"];

    public static readonly IReadOnlyList<string> Transports = ["udp", "tcp"];

    public static readonly ImmutableArray<double> SizeBounds = [64, 128, 256, 512, 1024, 1232, 2048, 4096, 16384, 65535];

    /// <summary>Seconds: the DNS work of one query takes 0.1-1 µs; the rest of the range catches stalls.</summary>
    public static readonly ImmutableArray<double> DurationBounds = [0.000_000_25, 0.000_000_5, 0.000_001, 0.000_002_5, 0.000_005, 0.000_01, 0.000_025, 0.000_1, 0.001, 0.01];

    private static readonly byte[] TypeIndex = BuildIndex(KnownTypes.Select(t => t.Code), first: 2, other: 1);
    private static readonly byte[] RcodeIndex = BuildIndex(SentRcodes, first: 0, other: (byte)SentRcodes.Length);
    private static readonly long[] DurationTickBounds = [.. DurationBounds.Select(s => (long)Math.Ceiling(s * Stopwatch.Frequency))];

    // The block this thread wrote last, and (rarely needed: several hosts in one process) all of them.
    [ThreadStatic]
    private static Block? _lastBlock;

    [ThreadStatic]
    private static ConditionalWeakTable<QueryCounters, Block>? _threadBlocks;

    private readonly object _gate = new();
    private readonly List<Block> _blocks = [];

    /// <summary>Counts one answered query; <paramref name="elapsedTicks"/> is negative when it was not timed.</summary>
    public void Record(bool overTcp, RecordType? type, int rcode, int size, bool truncated, long elapsedTicks)
    {
        var block = _lastBlock is { } last && last.Owner == this ? last : BlockOfThisThread();
        var transport = overTcp ? 1 : 0;
        var typeIndex = type is { } t ? (int)t < TypeIndex.Length ? TypeIndex[(int)t] : 1 : 0;
        var rcodeIndex = (uint)rcode < (uint)RcodeIndex.Length ? RcodeIndex[rcode] : SentRcodes.Length;
        block.Queries[(((transport * TypeNames.Count) + typeIndex) * RcodeNames.Count) + rcodeIndex]++;
        if (truncated)
        {
            block.Truncated[transport]++;
        }

        block.Sizes[(transport * (SizeBounds.Length + 1)) + Buckets.IndexOf(SizeBounds.AsSpan(), size)]++;
        block.SizeSums[transport] += size;
        if (elapsedTicks >= 0)
        {
            block.Durations[(transport * (DurationBounds.Length + 1)) + Buckets.IndexOf<long>(DurationTickBounds, elapsedTicks)]++;
            block.DurationTicks[transport] += elapsedTicks;
        }
    }

    /// <summary>Queries by transport, type and rcode, summed over every thread; only non-zero ones.</summary>
    public IEnumerable<(string Transport, string Type, string Rcode, long Count)> Queries()
    {
        var totals = Sum(b => b.Queries);
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

    public long[] Truncated() => Sum(b => b.Truncated);

    /// <summary>Per transport: bucket counts of response sizes, and their sum in bytes.</summary>
    public IEnumerable<(string Transport, long[] Counts, double Sum)> Sizes() => PerTransport(Sum(b => b.Sizes), Sum(b => b.SizeSums), 1.0);

    /// <summary>Per transport: bucket counts of processing times, and their sum in seconds.</summary>
    public IEnumerable<(string Transport, long[] Counts, double Sum)> Durations() => PerTransport(Sum(b => b.Durations), Sum(b => b.DurationTicks), 1.0 / Stopwatch.Frequency);

    private static IEnumerable<(string, long[], double)> PerTransport(long[] buckets, long[] sums, double scale)
    {
        var width = buckets.Length / Transports.Count;
        for (var t = 0; t < Transports.Count; t++)
        {
            yield return (Transports[t], buckets[(t * width)..((t + 1) * width)], sums[t] * scale);
        }
    }

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

    private long[] Sum(Func<Block, long[]> field)
    {
        Block[] blocks;
        lock (_gate)
        {
            blocks = [.. _blocks];
        }

        var totals = new long[field(Block.Empty).Length];
        foreach (var block in blocks)
        {
            var values = field(block);
            for (var i = 0; i < totals.Length; i++)
            {
                totals[i] += Volatile.Read(ref values[i]);
            }
        }

        return totals;
    }

    private Block BlockOfThisThread()
    {
        _threadBlocks ??= [];
        if (!_threadBlocks.TryGetValue(this, out var block))
        {
            block = new Block(this);
            _threadBlocks.Add(this, block);
            lock (_gate)
            {
                _blocks.Add(block);
            }
        }

        _lastBlock = block;
        return block;
    }

    /// <summary>One thread's counters; kept after the thread ends, so totals never go down.</summary>
    private sealed class Block(QueryCounters? owner)
    {
        public static readonly Block Empty = new(null);

        public readonly QueryCounters? Owner = owner;

        public readonly long[] Queries = new long[Transports.Count * TypeNames.Count * RcodeNames.Count];
        public readonly long[] Truncated = new long[Transports.Count];
        public readonly long[] Sizes = new long[Transports.Count * (SizeBounds.Length + 1)];
        public readonly long[] SizeSums = new long[Transports.Count];
        public readonly long[] Durations = new long[Transports.Count * (DurationBounds.Length + 1)];
        public readonly long[] DurationTicks = new long[Transports.Count];
    }
}
