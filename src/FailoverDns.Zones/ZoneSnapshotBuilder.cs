using FailoverDns.Protocol;
using FailoverDns.Zones.Config;
using FailoverDns.Zones.Failover;
using FailoverDns.Zones.Model;
using FailoverDns.Zones.Text;

namespace FailoverDns.Zones;

/// <summary>
/// Checks zone data for what would make it unservable and compiles it into a
/// <see cref="ZoneSnapshot"/>: nodes with empty non-terminals, delegation cuts, wildcard links,
/// additional-section targets and pre-encoded RRsets.
/// </summary>
public static class ZoneSnapshotBuilder
{
    public static ZoneSnapshot? Build(IReadOnlyList<ZoneDefinition> definitions, List<ConfigError> errors)
    {
        var errorCount = errors.Count;
        var seen = new Dictionary<byte[], ZoneDefinition>(WireNameComparer.Instance);
        var zones = new List<(Zone Zone, Dictionary<byte[], ZoneNode> Nodes)>();
        var failoverSets = new List<FailoverSet>();
        foreach (var definition in definitions)
        {
            if (!seen.TryAdd(definition.Origin, definition))
            {
                errors.Add(new ConfigError(definition.Location, $"zone {definition.Name} is defined twice (first at {seen[definition.Origin].Location})"));
                continue;
            }

            var built = BuildZone(definition, failoverSets, errors);
            if (built is not null)
            {
                zones.Add(built.Value);
            }
        }

        if (errors.Count > errorCount)
        {
            return null;
        }

        // One index over all zones; where zones nest, each name belongs to the deepest zone served.
        var index = new Dictionary<byte[], ZoneNode>(WireNameComparer.Instance);
        foreach (var (zone, nodes) in zones)
        {
            foreach (var (name, node) in nodes)
            {
                if (DeepestZone(name, seen) == zone.Origin)
                {
                    index[name] = node;
                }
            }
        }

        return new ZoneSnapshot(zones.Select(z => z.Zone).ToArray(), index, failoverSets);
    }

    private static byte[] DeepestZone(byte[] name, Dictionary<byte[], ZoneDefinition> zones)
    {
        ReadOnlySpan<byte> suffix = name;
        var lookup = zones.GetAlternateLookup<ReadOnlySpan<byte>>();
        while (true)
        {
            if (lookup.TryGetValue(suffix, out var zone))
            {
                return zone.Origin;
            }

            suffix = DnsName.Parent(suffix);
        }
    }

    private static (Zone, Dictionary<byte[], ZoneNode>)? BuildZone(ZoneDefinition definition, List<FailoverSet> failoverSets, List<ConfigError> errors)
    {
        var errorCount = errors.Count;
        var origin = definition.Origin;
        var byName = new Dictionary<byte[], List<ZoneRecord>>(WireNameComparer.Instance);
        foreach (var record in definition.Records)
        {
            if (!DnsName.IsAtOrBelow(record.Name, origin))
            {
                errors.Add(new ConfigError(record.Location, $"{DnsName.ToText(record.Name)} is outside zone {definition.Name}"));
                continue;
            }

            var key = DnsName.ToLower(record.Name);
            if (!byName.TryGetValue(key, out var list))
            {
                byName[key] = list = [];
            }

            list.Add(record);
        }

        var apexRecords = byName.GetValueOrDefault(origin) ?? [];
        var soaRecords = apexRecords.Where(r => r.Type == RecordType.SOA).ToList();
        if (soaRecords.Count == 0)
        {
            errors.Add(new ConfigError(definition.Location, $"zone {definition.Name} has no SOA record (add 'soa:' or an SOA line in its zone file)"));
        }
        else if (soaRecords.Select(r => Convert.ToHexString(r.Data)).Distinct().Count() > 1)
        {
            errors.Add(new ConfigError(soaRecords[1].Location, $"zone {definition.Name} has more than one SOA record (first at {soaRecords[0].Location})"));
        }

        if (!apexRecords.Any(r => r.Type == RecordType.NS))
        {
            errors.Add(new ConfigError(definition.Location, $"zone {definition.Name} has no NS records at its apex (add 'nameservers:')"));
        }

        foreach (var (name, records) in byName)
        {
            CheckNode(name, records, origin, errors);
        }

        var failoverByName = FailoverSetChecks.ByName(definition, byName, errors);
        var firstSet = failoverSets.Count;

        if (errors.Count > errorCount)
        {
            return null;
        }

        var zone = new Zone(origin, MakeRRset(RecordType.SOA, soaRecords.Take(1).ToList()));
        var nodes = new Dictionary<byte[], ZoneNode>(WireNameComparer.Instance);
        foreach (var name in byName.Keys.Union(failoverByName.Keys, WireNameComparer.Instance))
        {
            var plain = (byName.GetValueOrDefault(name) ?? [])
                .GroupBy(r => r.Type)
                .Select(g => g.Key == RecordType.SOA ? zone.Soa : MakeRRset(g.Key, g.ToList()));
            var failover = (failoverByName.GetValueOrDefault(name) ?? []).Select(set => FailoverSetChecks.Compile(set, failoverSets));
            nodes[name] = new ZoneNode(name, zone, [.. plain.Concat(failover).OrderBy(r => (ushort)r.Type)]);
        }

        var zoneSets = failoverSets.Skip(firstSet).ToList();
        zone.RecordCount = nodes.Values.Sum(n => n.RRsets.Sum(r => r.Count));
        AddEmptyNonTerminals(nodes, zone);
        LinkCutsAndWildcards(nodes, origin);
        foreach (var set in zoneSets.Where(s => nodes[DnsName.ToLower(s.Definition.Name)].Cut is not null))
        {
            errors.Add(new ConfigError(set.Definition.Location, $"failover set {set.Definition} lies at or below a delegation, where the child zone answers; it would never be served"));
        }

        LinkAdditional(nodes, nodes.Values.SelectMany(n => n.RRsets).Concat(zoneSets.SelectMany(s => s.Tiers)));
        return errors.Count > errorCount ? null : (zone, nodes);
    }

    private static void CheckNode(byte[] name, List<ZoneRecord> records, byte[] origin, List<ConfigError> errors)
    {
        var isApex = name.AsSpan().SequenceEqual(origin);
        foreach (var soa in records.Where(r => r.Type == RecordType.SOA && !isApex))
        {
            errors.Add(new ConfigError(soa.Location, $"an SOA record belongs at the zone apex, not at {DnsName.ToText(name)}"));
        }

        var cnames = records.Where(r => r.Type == RecordType.CNAME).ToList();
        if (cnames.Count == 0)
        {
            return;
        }

        // A CNAME owner has no other data (RFC 1034 §3.6.2, RFC 2181 §10.1).
        var other = records.FirstOrDefault(r => r.Type != RecordType.CNAME);
        if (other is not null)
        {
            errors.Add(new ConfigError(cnames[0].Location, $"{DnsName.ToText(name)} has a CNAME and other data ({RDataFormatter.TypeToText(other.Type)} at {other.Location}); a CNAME must stand alone"));
        }
        else if (cnames.Select(r => Convert.ToHexString(DnsName.ToLower(r.Data))).Distinct().Count() > 1)
        {
            errors.Add(new ConfigError(cnames[1].Location, $"{DnsName.ToText(name)} has more than one CNAME (first at {cnames[0].Location})"));
        }
    }

    /// <summary>Identical records collapse into one (RFC 2181 §5); an RRset has one TTL, the lowest given.</summary>
    private static RRset MakeRRset(RecordType type, List<ZoneRecord> records)
    {
        var data = new List<byte[]>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (seen.Add(Convert.ToHexString(record.Data)))
            {
                data.Add(record.Data);
            }
        }

        return new RRset(type, records.Min(r => r.Ttl), data);
    }

    private static void AddEmptyNonTerminals(Dictionary<byte[], ZoneNode> nodes, Zone zone)
    {
        foreach (var name in nodes.Keys.ToList())
        {
            ReadOnlySpan<byte> parent = name;
            while (parent.Length > zone.Origin.Length)
            {
                parent = DnsName.Parent(parent);
                var key = parent.ToArray();
                if (!nodes.TryAdd(key, new ZoneNode(key, zone, [])))
                {
                    break;
                }
            }
        }
    }

    private static void LinkCutsAndWildcards(Dictionary<byte[], ZoneNode> nodes, byte[] origin)
    {
        // Parents before children, so a node can inherit its parent's cut.
        foreach (var node in nodes.Values.OrderBy(n => DnsName.CountLabels(n.Name)))
        {
            if (node.Name.Length == origin.Length)
            {
                continue;
            }

            var parent = nodes[DnsName.Parent(node.Name).ToArray()];
            node.Cut = parent.Cut ?? (node.Find(RecordType.NS) is not null ? node : null);
            if (node.Name[0] == 1 && node.Name[1] == '*')
            {
                parent.Wildcard = node;
            }
        }
    }

    /// <summary>Links NS, MX and SRV RRsets (failover tiers included) to their targets' address RRsets.</summary>
    private static void LinkAdditional(Dictionary<byte[], ZoneNode> nodes, IEnumerable<RRset> rrsets)
    {
        foreach (var rrset in rrsets)
        {
            var offset = RDataCodec.TargetNameOffset(rrset.Type);
            if (rrset.Type is not (RecordType.NS or RecordType.MX or RecordType.SRV))
            {
                continue;
            }

            var targets = new List<AdditionalTarget>();
            for (var i = 0; i < rrset.Count; i++)
            {
                var target = DnsName.ToLower(rrset.Data[i].AsSpan(offset));
                if (nodes.TryGetValue(target, out var node) && (node.Find(RecordType.A) ?? node.Find(RecordType.AAAA)) is not null)
                {
                    targets.Add(new AdditionalTarget(i, 12 + offset, node.Find(RecordType.A), node.Find(RecordType.AAAA)));
                }
            }

            rrset.Additional = [.. targets];
        }
    }
}
