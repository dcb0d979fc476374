using System.Runtime.CompilerServices;
using FailoverDns.Protocol;

namespace FailoverDns.Server.Metrics;

/// <summary>
/// What the query path counts, in one block per thread: a thread only ever increments its own
/// block's arrays (allocated by that thread, so no cache line is shared with another writer), with
/// no lock, no interlocked operation and no allocation. Readers sum every block (docs/architecture.md, rules for the query path).
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

    private static readonly byte[] TypeIndex = BuildIndex(KnownTypes.Select(t => t.Code), first: 2, other: 1);
    private static readonly byte[] RcodeIndex = BuildIndex(SentRcodes, first: 0, other: (byte)SentRcodes.Length);

    // The block this thread wrote last, and (rarely needed: several hosts in one process) all of them.
    [ThreadStatic]
    private static Block? _lastBlock;

    [ThreadStatic]
    private static ConditionalWeakTable<QueryCounters, Block>? _threadBlocks;

    private readonly object _gate = new();
    private readonly List<Block> _blocks = [];

    /// <summary>Counts one answered query.</summary>
    public void Record(bool overTcp, RecordType? type, int rcode, bool truncated)
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

    /// <summary>Responses sent with TC set, per transport (indexed as <see cref="Transports"/>).</summary>
    public long[] Truncated() => Sum(b => b.Truncated);

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
    }
}
