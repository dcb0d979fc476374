namespace FailoverDns.Zones;

/// <summary>
/// Owns the snapshot being served. Readers take <see cref="Current"/> once per query (one volatile
/// read); writers publish a whole new snapshot, so a query never sees half a change.
/// </summary>
public sealed class ZoneStore
{
    private ZoneSnapshot _current;

    public ZoneStore(ZoneSnapshot initial) => _current = initial;

    public ZoneSnapshot Current => Volatile.Read(ref _current);

    public void Publish(ZoneSnapshot snapshot) => Volatile.Write(ref _current, snapshot);
}
