using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace FailoverDns.Configuration.Yaml;

/// <summary>
/// Splits the entries of every zone's <c>records</c> list (<c>zones[i].records[j]</c>) from the rest of a
/// config's YAML, so that a config of a million records never exists as one tree of a million nodes
/// (about 1.2 KB each). The config is read twice: once through <see cref="HideRecords"/>, which builds the
/// tree without those entries, and once through <see cref="ReadRecords"/>, which yields them one at a
/// time, each as a small tree with its own positions.
/// </summary>
internal sealed class ZoneRecordEntries : IParser
{
    private enum Role { Root, Zones, Zone, Records, Other }

    // A collection being read; Index is its place in the list that holds it (for a zone, its index in 'zones').
    private sealed class Frame(Role role, bool isMapping, int index)
    {
        public Role Role { get; } = role;
        public bool IsMapping { get; } = isMapping;
        public int Index { get; } = index;
        public bool ExpectKey { get; set; } = true;
        public string? Key { get; set; }
        public int Items { get; set; }
    }

    private readonly IParser _inner;
    private readonly Stack<Frame> _path = new();

    // When an entry was read as a node the inner parser already stands on the event after it.
    private bool _standsOnNext;

    private ZoneRecordEntries(IParser inner) => _inner = inner;

    /// <summary>Whether an alias (<c>*name</c>) was met: an alias may refer into a hidden entry, so then the tree must be whole.</summary>
    public bool SawAlias { get; private set; }

    public ParsingEvent? Current { get; private set; }

    /// <summary>The config's events without the record entries (each <c>records</c> list stays, empty).</summary>
    public static ZoneRecordEntries HideRecords(IParser inner) => new(inner);

    /// <summary>Every record entry in document order with the index of its zone in the <c>zones</c> list.</summary>
    public static IEnumerable<(int Zone, YamlNode Entry)> ReadRecords(Func<TextReader> open)
    {
        using var reader = open();
        var walker = new ZoneRecordEntries(new Parser(reader));
        while (walker.Step(readEntries: true) is { } entry)
        {
            yield return entry;
        }
    }

    public bool MoveNext()
    {
        Step(readEntries: false);
        return Current is not null;
    }

    // Moves past the next event that is not part of a record entry (Current is null at the end). Reading
    // entries, goes on to the next entry and returns it; hiding them, skips them and returns null.
    private (int Zone, YamlNode Entry)? Step(bool readEntries)
    {
        while (true)
        {
            if (!_standsOnNext && !_inner.MoveNext())
            {
                Current = null;
                return null;
            }

            _standsOnNext = false;
            var current = _inner.Current!;
            if (readEntries && current is DocumentEnd)
            {
                // Only the first document is the config.
                Current = null;
                return null;
            }

            SawAlias |= current is AnchorAlias;
            if (_path.TryPeek(out var top) && top.Role == Role.Records && current is not SequenceEnd)
            {
                var zone = top.Index;
                if (readEntries)
                {
                    return (zone, ReadEntry(current));
                }

                SkipEntry(current);
                continue;
            }

            Track(current);
            Current = current;
            if (!readEntries)
            {
                return null;
            }
        }
    }

    private YamlNode ReadEntry(ParsingEvent start)
    {
        YamlNode node = start switch
        {
            MappingStart => new YamlMappingNode(),
            SequenceStart => new YamlSequenceNode(),
            _ => new YamlScalarNode(),
        };
        ((IYamlConvertible)node).Read(_inner, node.GetType(), _ => null);
        _standsOnNext = true;
        return node;
    }

    private void SkipEntry(ParsingEvent start)
    {
        var depth = start is MappingStart or SequenceStart ? 1 : 0;
        while (depth > 0 && _inner.MoveNext())
        {
            SawAlias |= _inner.Current is AnchorAlias;
            depth += _inner.Current switch { MappingStart or SequenceStart => 1, MappingEnd or SequenceEnd => -1, _ => 0 };
        }
    }

    private void Track(ParsingEvent current)
    {
        switch (current)
        {
            case MappingStart or SequenceStart:
                var isSequence = current is SequenceStart;
                var parent = _path.TryPeek(out var top) ? top : null;
                _path.Push(new Frame(RoleOf(parent, isSequence), !isSequence, parent?.Role == Role.Zone ? parent.Index : ItemIndex(parent)));
                break;
            case MappingEnd or SequenceEnd:
                _path.Pop();
                NodeDone(null);
                break;
            case Scalar scalar:
                ItemIndex(_path.TryPeek(out var holder) ? holder : null);
                NodeDone(scalar.Value);
                break;
            case AnchorAlias:
                ItemIndex(_path.TryPeek(out var aliasHolder) ? aliasHolder : null);
                NodeDone(null);
                break;
        }
    }

    // Counts a node starting in a list and returns its index there (-1 outside lists).
    private static int ItemIndex(Frame? parent) => parent is { IsMapping: false } ? parent.Items++ : -1;

    // What a collection starting here is, from where it stands. A 'records' list takes its zone's index.
    private static Role RoleOf(Frame? parent, bool isSequence) => parent switch
    {
        null => isSequence ? Role.Other : Role.Root,
        { Role: Role.Root, ExpectKey: false, Key: "zones" } when isSequence => Role.Zones,
        { Role: Role.Zones } when !isSequence => Role.Zone,
        { Role: Role.Zone, ExpectKey: false, Key: "records" } when isSequence => Role.Records,
        _ => Role.Other,
    };

    // A node ended: in a mapping, a key is followed by its value and a value by the next key.
    private void NodeDone(string? scalar)
    {
        if (_path.TryPeek(out var top) && top.IsMapping)
        {
            top.Key = top.ExpectKey ? scalar : null;
            top.ExpectKey = !top.ExpectKey;
        }
    }
}
