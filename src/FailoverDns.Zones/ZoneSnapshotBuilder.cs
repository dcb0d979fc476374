using FailoverDns.Protocol;
using FailoverDns.Zones.Failover;
using FailoverDns.Zones.Model;
using FailoverDns.Zones.Signing;
using FailoverDns.Zones.Text;

namespace FailoverDns.Zones;

/// <summary>
/// Checks zone data for what would make it unservable and compiles it into a
/// <see cref="ZoneSnapshot"/>: nodes with empty non-terminals, delegation cuts, wildcard links,
/// additional-section targets and pre-encoded RRsets.
/// </summary>
public static class ZoneSnapshotBuilder
{
    /// <param name="definitions">The zones.</param>
    /// <param name="errors">Where what makes a zone unservable is reported.</param>
    /// <param name="clock">For signed zones: when their signatures start.</param>
    public static ZoneSnapshot? Build(IReadOnlyList<ZoneDefinition> definitions, List<ConfigError> errors, TimeProvider? clock = null)
    {
        var errorCount = errors.Count;
        var seen = new Dictionary<byte[], ZoneDefinition>(WireNameComparer.Instance);
        var zones = new List<(Zone Zone, Dictionary<byte[], ZoneNode> Nodes)>();
        var failoverSets = new List<FailoverSet>();
        var signing = (Signed: new List<SignedRRset>(), NsecChoices: new List<NsecChoice>());
        foreach (var definition in definitions)
        {
            if (!seen.TryAdd(definition.Origin, definition))
            {
                errors.Add(new ConfigError(definition.Location, $"zone {definition.Name} is defined twice (first at {seen[definition.Origin].Location})"));
                continue;
            }

            var built = BuildZone(definition, zones.Count, definitions, failoverSets, signing, errors);
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

        return new ZoneSnapshot([.. zones.Select(z => z.Zone)], index, failoverSets, [.. signing.Signed], [.. signing.NsecChoices], (clock ?? TimeProvider.System).GetUtcNow());
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

    private static (Zone, Dictionary<byte[], ZoneNode>)? BuildZone(ZoneDefinition definition, int index, IReadOnlyList<ZoneDefinition> allZones, List<FailoverSet> failoverSets, (List<SignedRRset> Signed, List<NsecChoice> NsecChoices) signing, List<ConfigError> errors)
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

        var failoverByName = FailoverSetValidation.ValidateAndGroup(definition, byName, errors);
        var firstSet = failoverSets.Count;

        if (errors.Count > errorCount)
        {
            return null;
        }

        var zone = new Zone(origin, MakeRRset(RecordType.SOA, soaRecords.Take(1).ToList()), index, definition.Transfer, definition.Signing);
        if (definition.Signing is not null)
        {
            foreach (var record in definition.Records.Where(r => r.Type is RecordType.DNSKEY or RecordType.RRSIG or RecordType.NSEC or (RecordType)50 or (RecordType)51))
            {
                errors.Add(new ConfigError(record.Location, $"zone {definition.Name} is signed here (dnssec): its {RecordTypeNames.ToName(record.Type)} records are made by the signer, not written in the zone"));
            }

            if (errors.Count > errorCount)
            {
                return null;
            }

            apexRecords.AddRange(ZoneSigner.DnskeyRecords(definition, zone.Soa.Ttl, definition.Location));
            byName[origin] = apexRecords;
        }

        var nodes = new Dictionary<byte[], ZoneNode>(WireNameComparer.Instance);
        foreach (var (name, records) in byName)
        {
            nodes[name] = new ZoneNode(name, zone, MakeRRsets(records, zone, failoverByName.GetValueOrDefault(name), failoverSets));
        }

        foreach (var (name, sets) in failoverByName.Where(f => !byName.ContainsKey(f.Key)))
        {
            nodes[name] = new ZoneNode(name, zone, MakeRRsets([], zone, sets, failoverSets));
        }

        var zoneSets = failoverSets.Skip(firstSet).ToList();
        zone.RecordCount = nodes.Values.Sum(n => n.RRsets.Sum(r => r.Count));
        AddEmptyNonTerminals(nodes, zone);
        LinkCutsAndWildcards(nodes, origin);
        zone.Nodes = [.. nodes.Values];
        foreach (var set in zoneSets.Where(s => nodes[DnsName.ToLower(s.Definition.Name)].Cut is not null))
        {
            errors.Add(new ConfigError(set.Definition.Location, $"failover set {set.Definition} lies at or below a delegation, where the child zone answers; it would never be served"));
        }

        CheckNameserverAddresses(definition, byName, nodes, allZones, errors);
        if (definition.Signing is not null)
        {
            ZoneSigner.Prepare(zone, nodes, failoverSets, signing.Signed, signing.NsecChoices, errors, definition.Location);
        }

        LinkAdditional(nodes, nodes.Values.SelectMany(n => n.RRsets).Concat(zoneSets.SelectMany(s => s.LowersTtl ? s.Tiers.Concat(s.UnsettledTiers) : s.Tiers)));
        return errors.Count > errorCount ? null : (zone, nodes);
    }

    /// <summary>
    /// A name server named inside the zone, and not at or below a delegation (where the child's data is
    /// glue), needs an A or AAAA record here, as named-checkzone requires: without one its name answers
    /// NXDOMAIN or no data, and a resolver that needs it cannot reach the zone. A name that belongs to
    /// another zone served here (nested deeper) is that zone's business.
    /// </summary>
    private static void CheckNameserverAddresses(ZoneDefinition definition, Dictionary<byte[], List<ZoneRecord>> byName, Dictionary<byte[], ZoneNode> nodes, IReadOnlyList<ZoneDefinition> allZones, List<ConfigError> errors)
    {
        var origin = definition.Origin;
        foreach (var (owner, records) in byName)
        {
            var ownerNode = nodes[owner];
            if (ownerNode.Cut is not null && ownerNode.Cut != ownerNode)
            {
                continue; // occluded by a delegation above: never served
            }

            foreach (var record in records.Where(r => r.Type == RecordType.NS))
            {
                var target = DnsName.ToLower(record.Data);
                if (!DnsName.IsAtOrBelow(target, origin) || allZones.Any(z => z.Origin.Length > origin.Length && DnsName.IsAtOrBelow(target, z.Origin)))
                {
                    continue;
                }

                var node = nodes.GetValueOrDefault(target) ?? WildcardFor(target, nodes, origin);
                if (node?.Cut is not null)
                {
                    continue;
                }

                var text = DnsName.ToText(target);
                if (node?.Cname is not null)
                {
                    errors.Add(new ConfigError(record.Location, $"name server {text} is an alias (CNAME) in zone {definition.Name}; a name server's name must have its own A or AAAA record (RFC 2181 §10.3)"));
                }
                else if ((node?.Find(RecordType.A) ?? node?.Find(RecordType.AAAA)) is null)
                {
                    errors.Add(new ConfigError(record.Location, $"name server {text} is inside zone {definition.Name} but has no A or AAAA record there; add one, or name a server outside the zone"));
                }
            }
        }
    }

    /// <summary>The wildcard that answers for <paramref name="name"/>, which has no node: the closest existing ancestor's.</summary>
    private static ZoneNode? WildcardFor(byte[] name, Dictionary<byte[], ZoneNode> nodes, byte[] origin)
    {
        var lookup = nodes.GetAlternateLookup<ReadOnlySpan<byte>>();
        ReadOnlySpan<byte> parent = name;
        while (parent.Length > origin.Length)
        {
            parent = DnsName.Parent(parent);
            if (lookup.TryGetValue(parent, out var encloser))
            {
                return encloser.Cut ?? encloser.Wildcard;
            }
        }

        return null;
    }

    private static void CheckNode(byte[] name, List<ZoneRecord> records, byte[] origin, List<ConfigError> errors)
    {
        if (records is [{ Type: not (RecordType.SOA or RecordType.CNAME) }])
        {
            return; // the common case, one ordinary record: nothing to check
        }

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
            errors.Add(new ConfigError(cnames[0].Location, $"{DnsName.ToText(name)} has a CNAME and other data ({RecordTypeNames.ToName(other.Type)} at {other.Location}); a CNAME must stand alone"));
        }
        else if (cnames.Select(r => Convert.ToHexString(DnsName.ToLower(r.Data))).Distinct().Count() > 1)
        {
            errors.Add(new ConfigError(cnames[1].Location, $"{DnsName.ToText(name)} has more than one CNAME (first at {cnames[0].Location})"));
        }
    }

    /// <summary>A node's RRsets ordered by type: its records grouped by type, and its failover placeholders.</summary>
    private static RRset[] MakeRRsets(List<ZoneRecord> records, Zone zone, List<FailoverSetDefinition>? sets, List<FailoverSet> failoverSets)
    {
        // Most names hold records of one type: skip grouping then, this runs once per name.
        var rrsets = new List<RRset>(1);
        if (records.Count > 0 && OneType(records))
        {
            rrsets.Add(MakeRRset(records[0].Type, records, zone));
        }
        else
        {
            rrsets.AddRange(records.GroupBy(r => r.Type).Select(g => MakeRRset(g.Key, [.. g], zone)));
        }

        foreach (var set in sets ?? [])
        {
            rrsets.Add(CompileFailoverSet(set, failoverSets));
        }

        rrsets.Sort((a, b) => ((ushort)a.Type).CompareTo((ushort)b.Type));
        return [.. rrsets];
    }

    /// <summary>The placeholder the node holds, and the compiled set with every tier pre-encoded.</summary>
    private static RRset CompileFailoverSet(FailoverSetDefinition definition, List<FailoverSet> sets)
    {
        var slot = sets.Count;
        var tiers = definition.Tiers.Select(t => new RRset(definition.Type, definition.Ttl, Distinct(t.Data))).ToArray();
        RRset[] unsettled = definition.UnsettledTtl < definition.Ttl
            ? [.. tiers.Select(t => new RRset(definition.Type, definition.UnsettledTtl, t.Data))]
            : tiers;
        sets.Add(new FailoverSet(definition, slot, tiers, unsettled));
        return new RRset(definition.Type, definition.Ttl, [], slot);
    }

    private static List<byte[]> Distinct(IReadOnlyList<byte[]> data)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. data.Where(d => seen.Add(Convert.ToHexString(d)))];
    }

    private static bool OneType(List<ZoneRecord> records)
    {
        foreach (var record in records)
        {
            if (record.Type != records[0].Type)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Identical records collapse into one (RFC 2181 §5); an RRset has one TTL, the lowest given.</summary>
    private static RRset MakeRRset(RecordType type, List<ZoneRecord> records, Zone? zone = null)
    {
        if (type == RecordType.SOA && zone is not null)
        {
            return zone.Soa;
        }

        List<byte[]> data = records.Count == 1 ? [records[0].Data] : [.. records.Select(r => r.Data).Distinct(WireNameComparer.Instance)];
        var ttl = records.Count == 1 ? records[0].Ttl : records.Min(r => r.Ttl);

        // A wildcard's records are served under the name asked: nothing in them may point at their owner.
        return type is RecordType.NS or RecordType.MX && !DnsName.IsWildcard(records[0].Name)
            ? RRset.Compressed(type, ttl, data, records[0].Name)
            : new RRset(type, ttl, data);
    }

    private static void AddEmptyNonTerminals(Dictionary<byte[], ZoneNode> nodes, Zone zone)
    {
        var lookup = nodes.GetAlternateLookup<ReadOnlySpan<byte>>();
        foreach (var name in nodes.Keys.ToList())
        {
            ReadOnlySpan<byte> parent = name;
            while (parent.Length > zone.Origin.Length)
            {
                parent = DnsName.Parent(parent);
                if (lookup.ContainsKey(parent))
                {
                    break;
                }

                var key = parent.ToArray();
                nodes.Add(key, new ZoneNode(key, zone, []));
            }
        }
    }

    private static void LinkCutsAndWildcards(Dictionary<byte[], ZoneNode> nodes, byte[] origin)
    {
        // Parents before children, so a node can inherit its parent's cut: bucket by label count.
        var byDepth = new List<ZoneNode>[DnsName.MaxLength / 2 + 1];
        foreach (var node in nodes.Values)
        {
            (byDepth[DnsName.CountLabels(node.Name)] ??= []).Add(node);
        }

        var lookup = nodes.GetAlternateLookup<ReadOnlySpan<byte>>();
        foreach (var node in byDepth.Where(b => b is not null).SelectMany(b => b))
        {
            if (node.Name.Length == origin.Length)
            {
                continue;
            }

            var parent = lookup[DnsName.Parent(node.Name)];
            node.Cut = parent.Cut ?? (node.Find(RecordType.NS) is not null ? node : null);
            if (DnsName.IsWildcard(node.Name))
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
                    targets.Add(new AdditionalTarget(i, ResponseWriter.RecordHeaderSize + offset, node.Find(RecordType.A), node.Find(RecordType.AAAA)));
                }
            }

            rrset.Additional = [.. targets];
        }
    }
}
