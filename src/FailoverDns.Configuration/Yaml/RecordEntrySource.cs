using YamlDotNet.RepresentationModel;

namespace FailoverDns.Configuration.Yaml;

/// <summary>
/// The record entries that <see cref="ZoneRecordEntries.HideRecords"/> kept out of the tree, handed out
/// zone by zone from one forward read of the file. Zones must ask in the order of the <c>zones</c> list;
/// a zone that never asks has its entries passed over.
/// </summary>
internal sealed class RecordEntrySource : IDisposable
{
    private readonly IEnumerator<(int Zone, YamlNode Entry)>? _entries;
    private bool _hasCurrent;

    private RecordEntrySource(IEnumerator<(int Zone, YamlNode Entry)>? entries) => _entries = entries;

    /// <summary>For a tree that holds its entries itself.</summary>
    public static RecordEntrySource None { get; } = new(null);

    public static RecordEntrySource From(IEnumerable<(int Zone, YamlNode Entry)> entries) => new(entries.GetEnumerator());

    /// <summary>The entries of the zone at <paramref name="zone"/> in the <c>zones</c> list, one at a time.</summary>
    public IEnumerable<YamlNode> RecordsOf(int zone)
    {
        if (_entries is null)
        {
            yield break;
        }

        while (_hasCurrent || (_hasCurrent = _entries.MoveNext()))
        {
            var (entryZone, entry) = _entries.Current;
            if (entryZone > zone)
            {
                yield break;
            }

            _hasCurrent = false;
            if (entryZone == zone)
            {
                yield return entry;
            }
        }
    }

    public void Dispose() => _entries?.Dispose();
}
