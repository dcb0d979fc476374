using FailoverDns.Zones.Model;

namespace FailoverDns.Zones;

/// <summary>
/// Everything that is served, immutable: the zones and one index of every name by its lowercase
/// wire form. A change publishes a new snapshot; a query reads one snapshot from start to end.
/// </summary>
public sealed class ZoneSnapshot
{
    private readonly Dictionary<byte[], ZoneNode>.AlternateLookup<ReadOnlySpan<byte>> _index;

    internal ZoneSnapshot(IReadOnlyList<Zone> zones, Dictionary<byte[], ZoneNode> nodes)
    {
        Zones = zones;
        NodeCount = nodes.Count;
        _index = nodes.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public static ZoneSnapshot Empty { get; } = new([], new Dictionary<byte[], ZoneNode>(WireNameComparer.Instance));

    public IReadOnlyList<Zone> Zones { get; }

    public int NodeCount { get; }

    /// <summary>The node named exactly <paramref name="lowercaseName"/>, in the deepest zone that holds it.</summary>
    public ZoneNode? FindNode(ReadOnlySpan<byte> lowercaseName) =>
        _index.TryGetValue(lowercaseName, out var node) ? node : null;
}
