using System.Text.Json;
using Mvccpb;

namespace FailoverDns.Server.Cluster;

/// <summary>
/// This instance's copy of the cluster's keys in etcd: every location's verdicts, the live locations
/// and the overrides, kept by a full read and the watch that follows it. It keeps its last contents
/// while etcd is out of reach, so decisions stand as they were agreed.
/// </summary>
public sealed class ClusterMirror(ClusterKeys keys)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, LocationVerdict>> _verdicts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LocationRecord> _locations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OverrideRecord> _overrides = new(StringComparer.Ordinal);

    /// <summary>Where the cluster's keys live under its prefix.</summary>
    public ClusterKeys Keys => keys;

    /// <summary>Replaces everything with a full read of the prefix.</summary>
    public void Reset(IEnumerable<KeyValue> kvs)
    {
        lock (_gate)
        {
            _verdicts.Clear();
            _locations.Clear();
            _overrides.Clear();
            foreach (var kv in kvs)
            {
                Put(kv);
            }
        }
    }

    /// <summary>Applies one watched change; returns what it was about, or null for a key this version does not know or cannot read.</summary>
    public ClusterKey? Apply(Event change)
    {
        lock (_gate)
        {
            if (change.Type == Event.Types.EventType.Put)
            {
                return Put(change.Kv);
            }

            if (keys.Parse(change.Kv.Key.ToStringUtf8()) is not { } key)
            {
                return null;
            }

            _ = key.Kind switch
            {
                ClusterKeyKind.Location => _locations.Remove(key.Location!),
                ClusterKeyKind.Override => _overrides.Remove(key.Check!),
                _ => _verdicts.TryGetValue(key.Check!, out var byLocation) && byLocation.Remove(key.Location!),
            };
            return key;
        }
    }

    public IReadOnlyDictionary<string, LocationVerdict> Verdicts(string check)
    {
        lock (_gate)
        {
            return _verdicts.TryGetValue(check, out var byLocation) ? new Dictionary<string, LocationVerdict>(byLocation, StringComparer.Ordinal) : new Dictionary<string, LocationVerdict>();
        }
    }

    /// <summary>Every check that some location has a verdict on.</summary>
    public IReadOnlyList<string> Checks()
    {
        lock (_gate)
        {
            return [.. _verdicts.Keys];
        }
    }

    public IReadOnlyDictionary<string, LocationRecord> Locations()
    {
        lock (_gate)
        {
            return new Dictionary<string, LocationRecord>(_locations, StringComparer.Ordinal);
        }
    }

    public IReadOnlyDictionary<string, OverrideRecord> Overrides()
    {
        lock (_gate)
        {
            return new Dictionary<string, OverrideRecord>(_overrides, StringComparer.Ordinal);
        }
    }

    private ClusterKey? Put(KeyValue kv)
    {
        if (keys.Parse(kv.Key.ToStringUtf8()) is not { } key)
        {
            return null;
        }

        try
        {
            var json = kv.Value.Span;
            switch (key.Kind)
            {
                case ClusterKeyKind.Location:
                    _locations[key.Location!] = JsonSerializer.Deserialize(json, ClusterJsonContext.Default.LocationRecord)!;
                    break;
                case ClusterKeyKind.Override:
                    _overrides[key.Check!] = JsonSerializer.Deserialize(json, ClusterJsonContext.Default.OverrideRecord)!;
                    break;
                default:
                    if (!_verdicts.TryGetValue(key.Check!, out var byLocation))
                    {
                        _verdicts[key.Check!] = byLocation = new(StringComparer.Ordinal);
                    }

                    byLocation[key.Location!] = JsonSerializer.Deserialize(json, ClusterJsonContext.Default.LocationVerdict)!;
                    break;
            }
        }
        catch (JsonException)
        {
            // Written by someone else by hand, or a newer version: not a vote this one can count.
            return null;
        }

        return key;
    }
}
