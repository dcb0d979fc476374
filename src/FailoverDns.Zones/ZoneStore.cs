namespace FailoverDns.Zones;

/// <summary>
/// Owns the snapshot being served. Readers take <see cref="Current"/> once per query (one volatile
/// read); writers publish a whole new snapshot, so a query never sees half a change.
/// </summary>
public sealed class ZoneStore
{
    private readonly ZoneSerials? _serials;
    private ZoneSnapshot _current;

    /// <param name="initial">What is served first.</param>
    /// <param name="serials">Moves transferred zones' serials with each change published; null: serials as configured.</param>
    public ZoneStore(ZoneSnapshot initial, ZoneSerials? serials = null)
    {
        _serials = serials;
        _current = serials?.Stamp(null, initial) ?? initial;
    }

    public ZoneSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Serves <paramref name="snapshot"/> from now on (one writer at a time: the failover coordinator).</summary>
    public void Publish(ZoneSnapshot snapshot) => Volatile.Write(ref _current, _serials?.Stamp(_current, snapshot) ?? snapshot);
}
