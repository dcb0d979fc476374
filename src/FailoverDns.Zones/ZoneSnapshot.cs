using FailoverDns.Zones.Model;

namespace FailoverDns.Zones;

/// <summary>
/// Everything that is served, immutable: the zones and one index of every name by its lowercase
/// wire form. A change publishes a new snapshot; a query reads one snapshot from start to end.
/// </summary>
public sealed class ZoneSnapshot
{
    private readonly Dictionary<byte[], ZoneNode>.AlternateLookup<ReadOnlySpan<byte>> _index;
    private readonly RRset?[] _active;

    internal ZoneSnapshot(IReadOnlyList<Zone> zones, Dictionary<byte[], ZoneNode> nodes, IReadOnlyList<FailoverSet> failoverSets)
    {
        Zones = zones;
        NodeCount = nodes.Count;
        _index = nodes.GetAlternateLookup<ReadOnlySpan<byte>>();
        FailoverSets = failoverSets;
        // Until health is known every set serves its primary (a check without a result is healthy).
        _active = [.. failoverSets.Select(s => s.Tiers[0])];
    }

    private ZoneSnapshot(ZoneSnapshot source, RRset?[] active)
    {
        Zones = source.Zones;
        NodeCount = source.NodeCount;
        _index = source._index;
        FailoverSets = source.FailoverSets;
        _active = active;
    }

    public static ZoneSnapshot Empty { get; } = new([], new Dictionary<byte[], ZoneNode>(WireNameComparer.Instance), []);

    public IReadOnlyList<Zone> Zones { get; }

    /// <summary>Every failover record set, indexed by <see cref="FailoverSet.Slot"/>.</summary>
    public IReadOnlyList<FailoverSet> FailoverSets { get; }

    public int NodeCount { get; }

    /// <summary>The node named exactly <paramref name="lowercaseName"/>, in the deepest zone that holds it.</summary>
    public ZoneNode? FindNode(ReadOnlySpan<byte> lowercaseName) =>
        _index.TryGetValue(lowercaseName, out var node) ? node : null;

    /// <summary>
    /// What an RRset of a node answers in this snapshot: itself, or for a failover placeholder the
    /// active tier, null (NODATA) or <see cref="RRset.ServFail"/>.
    /// </summary>
    public RRset? Resolve(RRset? rrset) => rrset is { FailoverSlot: >= 0 } ? _active[rrset.FailoverSlot] : rrset;

    /// <summary>A copy of every failover set's answer by slot, to change some and pass to <see cref="WithFailoverAnswers"/>.</summary>
    public RRset?[] CopyFailoverAnswers() => [.. _active];

    /// <summary>The answer a failover set gives in this snapshot.</summary>
    public RRset? ActiveAnswer(FailoverSet set) => _active[set.Slot];

    /// <summary>
    /// A snapshot identical to this one but with each failover set serving <paramref name="answers"/>
    /// (by slot). Nodes and index are shared; nothing the query path reads changes in place.
    /// </summary>
    public ZoneSnapshot WithFailoverAnswers(RRset?[] answers)
    {
        if (answers.Length != _active.Length)
        {
            throw new ArgumentException("one answer per failover set is needed", nameof(answers));
        }

        return new ZoneSnapshot(this, answers);
    }
}
