using FailoverDns.Protocol;
using FailoverDns.Zones.Model;
using FailoverDns.Zones.Text;

namespace FailoverDns.Zones.Failover;

/// <summary>
/// Validates a zone's failover sets against each other and against its plain records: a name holds
/// one set per type, never beside plain records of that type, and a CNAME set stands alone.
/// </summary>
internal static class FailoverSetValidation
{
    public static Dictionary<byte[], List<FailoverSetDefinition>> ValidateAndGroup(ZoneDefinition zone, Dictionary<byte[], List<ZoneRecord>> records, List<ConfigError> errors)
    {
        var byName = new Dictionary<byte[], List<FailoverSetDefinition>>(WireNameComparer.Instance);
        foreach (var set in zone.Failover)
        {
            if (!DnsName.IsAtOrBelow(set.Name, zone.Origin))
            {
                errors.Add(new ConfigError(set.Location, $"failover set {set} is outside zone {zone.Name}"));
                continue;
            }

            if (set.Type is RecordType.SOA or RecordType.NS)
            {
                errors.Add(new ConfigError(set.Location, $"failover sets cannot be of type {RecordTypeNames.ToName(set.Type)}"));
                continue;
            }

            var key = DnsName.ToLower(set.Name);
            if (!byName.TryGetValue(key, out var list))
            {
                byName[key] = list = [];
            }

            if (list.FirstOrDefault(s => s.Type == set.Type) is { } twin)
            {
                errors.Add(new ConfigError(set.Location, $"failover set {set} is defined twice (first at {twin.Location})"));
                continue;
            }

            list.Add(set);
            var plain = records.GetValueOrDefault(key) ?? [];
            if (plain.FirstOrDefault(r => r.Type == set.Type) is { } clash)
            {
                errors.Add(new ConfigError(set.Location, $"{set} is both a failover set and a plain record (at {clash.Location}); keep one"));
            }

            // A CNAME owner has no other data (RFC 1034 §3.6.2), whether plain or failover.
            var cnameClash = set.Type == RecordType.CNAME
                ? plain.FirstOrDefault(r => r.Type != RecordType.CNAME)?.Location ?? list.FirstOrDefault(s => s.Type != RecordType.CNAME)?.Location
                : plain.FirstOrDefault(r => r.Type == RecordType.CNAME)?.Location ?? list.FirstOrDefault(s => s.Type == RecordType.CNAME)?.Location;
            if (cnameClash is { } other)
            {
                errors.Add(new ConfigError(set.Location, $"{DnsName.ToText(set.Name)} would have a CNAME and other data (see {other}); a CNAME must stand alone"));
            }
        }

        return byName;
    }
}
