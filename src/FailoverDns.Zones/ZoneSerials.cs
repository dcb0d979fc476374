using FailoverDns.Protocol;
using FailoverDns.Zones.Model;

namespace FailoverDns.Zones;

/// <summary>
/// Moves the SOA serial of each transferred zone (<see cref="Zone.SerialFollowsChanges"/>) with what
/// it serves: every published snapshot that changes a zone's answers (a switch, a TTL lowered while an
/// answer may change, a reload, its signatures made again) gives it the next serial, so that secondaries fetch the change. The
/// next serial is the current Unix time, or one more than the last when that is not later (RFC 1982
/// arithmetic, so it wraps as serials do). It never goes backwards, across restarts too: the last
/// serials are kept in the state file, and a start goes on from them.
/// </summary>
public sealed class ZoneSerials(TimeProvider time, IReadOnlyDictionary<string, uint>? saved = null)
{
    /// <summary>Versions of each zone kept for IXFR; an older serial is sent the whole zone.</summary>
    public const int HistorySize = 256;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<(uint Serial, ZoneSnapshot Snapshot)>> _history = new(StringComparer.Ordinal);
    private readonly Dictionary<string, uint> _served = new(saved ?? new Dictionary<string, uint>(), StringComparer.Ordinal);
    private (IReadOnlyList<FailoverSet> Sets, Zone?[] ZoneOf) _setZones = ([], []);

    /// <summary>Raised for each zone whose serial changed, after the snapshot carrying it was stamped (not yet published).</summary>
    public event Action<Zone, uint>? Changed;

    /// <summary>The last serial of each transferred zone, by zone name: what the state file keeps.</summary>
    public IReadOnlyDictionary<string, uint> Served
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, uint>(_served, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>True when <paramref name="a"/> is later than <paramref name="b"/> in serial arithmetic (RFC 1982 §3.2).</summary>
    public static bool IsLater(uint a, uint b) => a != b && (int)(a - b) > 0;

    /// <summary><paramref name="next"/>, with each transferred zone whose answers differ from <paramref name="previous"/> (or all, at start-up) on its next serial.</summary>
    public ZoneSnapshot Stamp(ZoneSnapshot? previous, ZoneSnapshot next)
    {
        List<(Zone Zone, uint Serial)> changed = [];
        lock (_gate)
        {
            var zoneOf = ZonesOfSets(next);
            foreach (var zone in next.Zones.Where(z => z.SerialFollowsChanges))
            {
                var before = previous?.Zones.FirstOrDefault(z => z.Name == zone.Name);
                if (before == zone && !Differs(previous!, next, zone, zoneOf))
                {
                    continue;
                }

                // From the last served (this run or the one before), unless the config was given a later one.
                var last = _served.TryGetValue(zone.Name, out var served) && IsLater(served, zone.Serial) ? served : zone.Serial;
                var serial = Next(last);
                _served[zone.Name] = serial;
                next = next.WithSerial(zone, serial, time.GetUtcNow());
                changed.Add((zone, serial));
            }

            foreach (var (zone, serial) in changed)
            {
                Remember(zone, serial, next, reloaded: previous?.Zones.FirstOrDefault(z => z.Name == zone.Name) != zone);
            }
        }

        foreach (var (zone, serial) in changed)
        {
            Changed?.Invoke(zone, serial);
        }

        return next;
    }

    /// <summary>The snapshot that served <paramref name="serial"/> of <paramref name="zone"/>, while it is kept and the zone has not been reloaded since.</summary>
    public bool TryGetVersion(Zone zone, uint serial, out ZoneSnapshot snapshot)
    {
        lock (_gate)
        {
            foreach (var (kept, version) in _history.GetValueOrDefault(zone.Name) ?? [])
            {
                if (kept == serial && version.Zones[zone.Index] == zone)
                {
                    snapshot = version;
                    return true;
                }
            }
        }

        snapshot = null!;
        return false;
    }

    /// <summary>Keeps the version; a reload starts the zone's history over (its versions before cannot be diffed record by record here).</summary>
    private void Remember(Zone zone, uint serial, ZoneSnapshot snapshot, bool reloaded)
    {
        if (reloaded || !_history.TryGetValue(zone.Name, out var versions))
        {
            _history[zone.Name] = versions = new Queue<(uint, ZoneSnapshot)>();
        }

        versions.Enqueue((serial, snapshot));
        while (versions.Count > HistorySize)
        {
            versions.Dequeue();
        }
    }

    private uint Next(uint last)
    {
        var now = (uint)time.GetUtcNow().ToUnixTimeSeconds();
        return IsLater(now, last) ? now : last + 1;
    }

    private static bool Differs(ZoneSnapshot previous, ZoneSnapshot next, Zone zone, Zone?[] zoneOf)
    {
        if (previous.SignedAt(zone) != next.SignedAt(zone))
        {
            return true; // signed again: secondaries need the new signatures
        }

        foreach (var set in next.FailoverSets)
        {
            if (zoneOf[set.Slot] == zone && previous.ActiveAnswer(set) != next.ActiveAnswer(set))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The zone each failover set is in, by slot; worked out once per set of sets (a reload makes new ones).</summary>
    private Zone?[] ZonesOfSets(ZoneSnapshot snapshot)
    {
        if (_setZones.Sets != snapshot.FailoverSets)
        {
            _setZones = (snapshot.FailoverSets, [.. snapshot.FailoverSets.Select(s => snapshot.FindNode(DnsName.ToLower(s.Definition.Name))?.Zone)]);
        }

        return _setZones.ZoneOf;
    }
}
