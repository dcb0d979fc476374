namespace FailoverDns.Zones;

/// <summary>
/// Owns the snapshot being served. Readers take <see cref="Current"/> once per query (one volatile
/// read); writers publish a whole new snapshot, so a query never sees half a change.
/// </summary>
public sealed class ZoneStore
{
    private readonly ZoneSerials? _serials;
    private readonly Lock _gate = new();
    private ZoneSnapshot _current;

    /// <param name="initial">What is served first.</param>
    /// <param name="serials">Moves transferred zones' serials with each change published; null: serials as configured.</param>
    public ZoneStore(ZoneSnapshot initial, ZoneSerials? serials = null)
    {
        _serials = serials;
        _current = serials?.Stamp(null, initial) ?? initial;
    }

    public ZoneSnapshot Current => Volatile.Read(ref _current);

    /// <summary>
    /// Serves <paramref name="snapshot"/> from now on (the failover coordinator and reloads publish), with
    /// any signatures made again since it was derived (<see cref="ZoneSnapshot.WithSignaturesOf"/>).
    /// </summary>
    public void Publish(ZoneSnapshot snapshot) => Update(current => snapshot.WithSignaturesOf(current));

    /// <summary>Serves what <paramref name="change"/> makes of the snapshot served now; writers take turns, readers never wait.</summary>
    public void Update(Func<ZoneSnapshot, ZoneSnapshot> change)
    {
        lock (_gate)
        {
            var current = _current;
            var next = change(current);
            Volatile.Write(ref _current, _serials?.Stamp(current, next) ?? next);
        }
    }
}
