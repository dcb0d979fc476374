namespace FailoverDns.Server.Metrics;

/// <summary>
/// One cell per thread and tag set: a thread only ever writes its own cells (plain stores, no
/// interlocked operations, no lock, no shared cache line with another writer), and a scrape sums
/// the cells of every thread. The lock is taken only the first time a thread sees a tag set.
/// </summary>
internal sealed class ThreadCells<TCell>(Func<TCell> create) : IDisposable
    where TCell : class
{
    private readonly ThreadLocal<Dictionary<TagKey, TCell>> _local = new(() => []);
    private readonly object _gate = new();
    private readonly List<(string Labels, TCell Cell)> _all = [];

    public TCell Get(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var cells = _local.Value!;
        var key = new TagKey(tags);
        if (!cells.TryGetValue(key, out var cell))
        {
            cell = create();
            cells.Add(key, cell);
            lock (_gate)
            {
                _all.Add((key.ToLabels(), cell));
            }
        }

        return cell;
    }

    /// <summary>Every thread's cells, grouped by their labels, in the order the label sets first appeared.</summary>
    public IEnumerable<(string Labels, List<TCell> Cells)> ByLabels()
    {
        lock (_gate)
        {
            return [.. _all.GroupBy(c => c.Labels, StringComparer.Ordinal).Select(g => (g.Key, g.Select(c => c.Cell).ToList()))];
        }
    }

    public void Dispose() => _local.Dispose();
}
