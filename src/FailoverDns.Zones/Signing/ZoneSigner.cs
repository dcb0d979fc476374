using FailoverDns.Protocol;
using FailoverDns.Protocol.Dnssec;
using FailoverDns.Zones.Failover;
using FailoverDns.Zones.Model;

namespace FailoverDns.Zones.Signing;

/// <summary>
/// Signs zones ahead of time (README, DNSSEC). When a snapshot is built it lists every RRset a signed
/// zone signs (each tier of each failover set, with its lowered-TTL form, and the SOA in both forms),
/// builds the NSEC chain (with a variant per NODATA state of a failover set's name) and signs them
/// all; a switch then picks among signed answers and signs nothing. The refresher signs again before
/// the signatures expire.
/// </summary>
public static class ZoneSigner
{
    /// <summary>More NODATA-policy sets at one name would need too many NSEC variants (two to the power of their count).</summary>
    public const int MaxNodataSetsPerName = 6;

    /// <summary>The DNSKEY records of a signed zone, for its apex: every key published, with the SOA's TTL.</summary>
    internal static IEnumerable<ZoneRecord> DnskeyRecords(ZoneDefinition definition, uint ttl, Text.SourceLocation location) =>
        definition.Signing?.Published.Select(k => new ZoneRecord(definition.Origin, RecordType.DNSKEY, ttl, k.DnskeyData, location)) ?? [];

    /// <summary>
    /// Gives the zone's signed RRsets their signature slots (appended to <paramref name="signed"/>), and
    /// each name of its NSEC chain its NSEC, or an NSEC slot (appended to <paramref name="choices"/>).
    /// Runs once the zone's nodes and cuts are linked.
    /// </summary>
    internal static void Prepare(Zone zone, Dictionary<byte[], ZoneNode> nodes, IReadOnlyList<FailoverSet> failoverSets, List<SignedRRset> signed, List<NsecChoice> choices, List<Text.ConfigError> errors, Text.SourceLocation location)
    {
        void Sign(byte[] owner, RRset rrset, uint originalTtl)
        {
            if (rrset.SignatureSlot < 0)
            {
                rrset.SignatureSlot = signed.Count;
                signed.Add(new SignedRRset(zone, owner, rrset, originalTtl));
            }
        }

        var chain = new List<ZoneNode>();
        foreach (var node in nodes.Values)
        {
            var atCut = node.Cut == node;
            if ((node.Cut is not null && !atCut) || node.IsEmptyNonTerminal)
            {
                continue; // glue and what a delegation hides are the child's; an empty name has no NSEC
            }

            chain.Add(node);
            foreach (var rrset in node.RRsets)
            {
                if (atCut && rrset.Type != RecordType.DS)
                {
                    continue; // the NS of a delegation is not signed here (RFC 4035 §2.2)
                }

                if (rrset.FailoverSlot >= 0)
                {
                    var set = failoverSets[rrset.FailoverSlot];
                    foreach (var tier in set.Tiers.Concat(set.UnsettledTiers))
                    {
                        Sign(node.Name, tier, set.Definition.Ttl);
                    }
                }
                else if (rrset == zone.Soa)
                {
                    Sign(node.Name, zone.Soa, zone.Soa.Ttl);
                    Sign(node.Name, zone.NegativeSoa, zone.Soa.Ttl);
                }
                else
                {
                    Sign(node.Name, rrset, rrset.Ttl);
                }
            }
        }

        chain.Sort((a, b) => CanonicalName.Compare(a.Name, b.Name));
        zone.NsecChain = [.. chain];
        var ttl = zone.NegativeSoa.Ttl; // RFC 9077: the NSEC TTL is that of negative answers
        for (var i = 0; i < chain.Count; i++)
        {
            var node = chain[i];
            node.NsecIndex = i;
            var next = chain[(i + 1) % chain.Count].Name;
            var types = TypesAt(node);
            var nodata = node.RRsets.Where(r => r.FailoverSlot >= 0 && failoverSets[r.FailoverSlot].Definition.WhenAllUnhealthy == AllUnhealthyPolicy.NoData).ToArray();
            if (nodata.Length > MaxNodataSetsPerName)
            {
                errors.Add(new Text.ConfigError(location, $"{node} has {nodata.Length} failover sets whose policy is NODATA; a signed zone allows at most {MaxNodataSetsPerName} at one name"));
                continue;
            }

            var variants = new RRset[1 << nodata.Length];
            for (var mask = 0; mask < variants.Length; mask++)
            {
                var absent = nodata.Where((_, bit) => (mask & (1 << bit)) != 0).Select(r => r.Type).ToHashSet();
                variants[mask] = new RRset(RecordType.NSEC, ttl, [NsecData.Build(next, types.Where(t => !absent.Contains(t)))], owner: node.Name);
                Sign(node.Name, variants[mask], ttl);
            }

            if (nodata.Length == 0)
            {
                node.Nsec = variants[0];
            }
            else
            {
                node.NsecSlot = choices.Count;
                choices.Add(new NsecChoice(node, [.. nodata.Select(r => r.FailoverSlot)], variants));
            }
        }
    }

    /// <summary>The types an NSEC lists at a name: those it holds (at a delegation: NS and DS), RRSIG and NSEC.</summary>
    private static List<RecordType> TypesAt(ZoneNode node)
    {
        var types = node.RRsets.Select(r => r.Type).Where(t => node.Cut != node || t is RecordType.NS or RecordType.DS).ToList();
        types.Add(RecordType.RRSIG);
        types.Add(RecordType.NSEC);
        return types;
    }

    /// <summary>The RRSIGs of <paramref name="served"/> (the entry's RRset as the snapshot serves it), one per signing key.</summary>
    public static RRset Sign(in SignedRRset entry, RRset served, DateTimeOffset now)
    {
        var signing = entry.Zone.Signing!;
        var inception = (uint)(now - ZoneSigningOptions.InceptionSkew).ToUnixTimeSeconds();
        var expiration = (uint)(now + signing.Validity).ToUnixTimeSeconds();
        var signatures = new List<byte[]>(signing.Keys.Count);
        foreach (var key in signing.Keys)
        {
            signatures.Add(RrsigSigner.Sign(key, entry.Owner, served.Type, entry.OriginalTtl, served.Data, entry.Zone.Origin, inception, expiration));
        }

        return new RRset(RecordType.RRSIG, served.Ttl, signatures, owner: served.OwnerInWire ? entry.Owner : null);
    }

    /// <summary>When the RRSIGs <paramref name="rrsigs"/> expire: the RRSIG expiration field (seconds since the epoch).</summary>
    public static uint Expiration(RRset rrsigs) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(rrsigs.Data[0].AsSpan(8));
}
