using FailoverDns.Protocol;
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

    // By SoaSlot: each zone's SOA and its negative-answer form, as served now.
    private readonly RRset[] _soa;

    internal ZoneSnapshot(IReadOnlyList<Zone> zones, Dictionary<byte[], ZoneNode> nodes, IReadOnlyList<FailoverSet> failoverSets)
    {
        Zones = zones;
        NodeCount = nodes.Count;
        _index = nodes.GetAlternateLookup<ReadOnlySpan<byte>>();
        FailoverSets = failoverSets;
        // Until health is known every set serves its primary (a check without a result is healthy).
        _active = [.. failoverSets.Select(s => s.Tiers[0])];
        _soa = [.. zones.SelectMany(z => new[] { z.Soa, z.NegativeSoa })];
    }

    private ZoneSnapshot(ZoneSnapshot source, RRset?[] active, RRset[] soa)
    {
        Zones = source.Zones;
        NodeCount = source.NodeCount;
        _index = source._index;
        FailoverSets = source.FailoverSets;
        _active = active;
        _soa = soa;
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
    public RRset? Resolve(RRset? rrset) => rrset is null ? null
        : rrset.FailoverSlot >= 0 ? _active[rrset.FailoverSlot]
        : rrset.SoaSlot >= 0 ? _soa[rrset.SoaSlot]
        : rrset;

    /// <summary>Every node of <paramref name="zone"/> (not those of zones below it), in no particular order: what a transfer sends.</summary>
    public IEnumerable<ZoneNode> NodesOf(Zone zone) => _index.Dictionary.Values.Where(n => n.Zone == zone);

    /// <summary>The SOA serial <paramref name="zone"/> serves in this snapshot.</summary>
    public uint Serial(Zone zone) => RDataCodec.SoaSerial(_soa[zone.Soa.SoaSlot].Data[0]);

    /// <summary>The SOA <paramref name="zone"/> serves in this snapshot (what a transfer starts and ends with).</summary>
    public RRset Soa(Zone zone) => _soa[zone.Soa.SoaSlot];

    /// <summary>A snapshot identical to this one but with <paramref name="zone"/> serving <paramref name="serial"/>.</summary>
    public ZoneSnapshot WithSerial(Zone zone, uint serial)
    {
        var soa = RDataCodec.WithSoaSerial(_soa[zone.Soa.SoaSlot].Data[0], serial);
        RRset[] served = [.. _soa];
        served[zone.Soa.SoaSlot] = new RRset(RecordType.SOA, zone.Soa.Ttl, [soa]);
        served[zone.NegativeSoa.SoaSlot] = Zone.NegativeForm(soa, zone.Soa.Ttl);
        return new ZoneSnapshot(this, _active, served);
    }

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

        return new ZoneSnapshot(this, answers, _soa);
    }
}
