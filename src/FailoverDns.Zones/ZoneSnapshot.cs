using FailoverDns.Protocol;
using FailoverDns.Zones.Model;
using FailoverDns.Zones.Signing;

namespace FailoverDns.Zones;

/// <summary>
/// Everything that is served, immutable: the zones and one index of every name by its lowercase
/// wire form. A change publishes a new snapshot; a query reads one snapshot from start to end.
/// </summary>
public sealed class ZoneSnapshot
{
    private readonly Dictionary<byte[], ZoneNode>.AlternateLookup<ReadOnlySpan<byte>> _index;
    private readonly RRset?[] _active;

    // By SoaSlot: each zone's SOA and its negative-answer form, as served now.
    private readonly RRset[] _soa;

    // Signed zones: every signed RRset by signature slot, and the names whose NSEC follows failover answers.
    private readonly SignedRRset[] _signed;
    private readonly NsecChoice[] _nsecChoices;

    // By SignatureSlot: the RRSIGs served now. By NsecSlot: the NSEC served now.
    private readonly RRset?[] _rrsigs;
    private readonly RRset[] _nsec;
    private readonly long[] _signedAt;

    internal ZoneSnapshot(IReadOnlyList<Zone> zones, Dictionary<byte[], ZoneNode> nodes, IReadOnlyList<FailoverSet> failoverSets, SignedRRset[]? signed = null, NsecChoice[]? nsecChoices = null, DateTimeOffset signedAt = default)
    {
        Zones = zones;
        NodeCount = nodes.Count;
        _index = nodes.GetAlternateLookup<ReadOnlySpan<byte>>();
        FailoverSets = failoverSets;
        // Until health is known every set serves its primary (a check without a result is healthy).
        _active = [.. failoverSets.Select(s => s.Tiers[0])];
        _soa = [.. zones.SelectMany(z => new[] { z.Soa, z.NegativeSoa })];
        _signed = signed ?? [];
        _nsecChoices = nsecChoices ?? [];
        _nsec = [.. _nsecChoices.Select(c => c.Choose(_active))];
        _rrsigs = new RRset?[_signed.Length];
        SignSlots(_rrsigs, _ => true, signedAt);

        _signedAt = [.. zones.Select(z => z.Signing is null ? 0 : signedAt.ToUnixTimeSeconds())];
    }

    private ZoneSnapshot(ZoneSnapshot source, RRset?[] active, RRset[] soa, RRset?[] rrsigs, RRset[] nsec, long[]? signedAt = null)
    {
        _signedAt = signedAt ?? source._signedAt;
        Zones = source.Zones;
        NodeCount = source.NodeCount;
        _index = source._index;
        FailoverSets = source.FailoverSets;
        _signed = source._signed;
        _nsecChoices = source._nsecChoices;
        _active = active;
        _soa = soa;
        _rrsigs = rrsigs;
        _nsec = nsec;
    }

    public static ZoneSnapshot Empty { get; } = new([], new Dictionary<byte[], ZoneNode>(WireNameComparer.Instance), []);

    public IReadOnlyList<Zone> Zones { get; }

    /// <summary>Every failover record set, indexed by <see cref="FailoverSet.Slot"/>.</summary>
    public IReadOnlyList<FailoverSet> FailoverSets { get; }

    public int NodeCount { get; }

    /// <summary>The node named exactly <paramref name="lowercaseName"/>, in the deepest zone that holds it.</summary>
    public ZoneNode? FindNode(ReadOnlySpan<byte> lowercaseName) =>
        _index.TryGetValue(lowercaseName, out var node) ? node : null;

    /// <summary>
    /// What an RRset of a node answers in this snapshot: itself, or for a failover placeholder the
    /// active tier, null (NODATA) or <see cref="RRset.ServFail"/>.
    /// </summary>
    public RRset? Resolve(RRset? rrset) => rrset is null ? null
        : rrset.FailoverSlot >= 0 ? _active[rrset.FailoverSlot]
        : rrset.SoaSlot >= 0 ? _soa[rrset.SoaSlot]
        : rrset;

    /// <summary>The RRSIGs of <paramref name="rrset"/> (as <see cref="Resolve"/> gives it) in a signed zone; null when it is not signed.</summary>
    public RRset? Signatures(RRset rrset) => rrset.SignatureSlot >= 0 ? _rrsigs[rrset.SignatureSlot] : null;

    /// <summary>The NSEC of <paramref name="node"/> as served now; null outside a signed zone's NSEC chain.</summary>
    public RRset? Nsec(ZoneNode node) => node.NsecSlot >= 0 ? _nsec[node.NsecSlot] : node.Nsec;

    /// <summary>Every signed RRset, by signature slot (what the refresher signs again).</summary>
    public IReadOnlyList<SignedRRset> Signed => _signed;

    /// <summary>The earliest expiration of the RRSIGs of <paramref name="zone"/> (seconds since the epoch); null when it is not signed.</summary>
    public uint? EarliestExpiration(Zone zone)
    {
        uint? earliest = null;
        for (var slot = 0; slot < _signed.Length; slot++)
        {
            if (_signed[slot].Zone == zone && _rrsigs[slot] is { } rrsigs)
            {
                var expiration = ZoneSigner.Expiration(rrsigs);
                earliest = earliest is { } e && !ZoneSerials.IsLater(e, expiration) ? e : expiration;
            }
        }

        return earliest;
    }

    /// <summary>When each zone (by index) was last signed whole, in seconds since the epoch; 0 for an unsigned zone.</summary>
    public long SignedAt(Zone zone) => _signedAt[zone.Index];

    /// <summary>A snapshot identical to this one but with every RRset of <paramref name="zone"/> signed again at <paramref name="now"/>.</summary>
    public ZoneSnapshot WithZoneSignedAt(Zone zone, DateTimeOffset now)
    {
        RRset?[] rrsigs = [.. _rrsigs];
        SignSlots(rrsigs, entry => entry.Zone == zone, now);

        long[] signedAt = [.. _signedAt];
        signedAt[zone.Index] = now.ToUnixTimeSeconds();
        return new ZoneSnapshot(this, _active, _soa, rrsigs, _nsec, signedAt);
    }

    /// <summary>Signs every slot whose entry <paramref name="which"/> picks, on all cores (signing is not on the query path).</summary>
    private void SignSlots(RRset?[] rrsigs, Func<SignedRRset, bool> which, DateTimeOffset now) =>
        Parallel.For(0, _signed.Length, slot =>
        {
            if (which(_signed[slot]))
            {
                rrsigs[slot] = ZoneSigner.Sign(_signed[slot], Resolve(_signed[slot].RRset)!, now);
            }
        });

    /// <summary>
    /// This snapshot with the signatures of each zone <paramref name="other"/> (of the same build) signed
    /// later: how a switch keeps a refresh made meanwhile, and a refresh keeps a switch. The SOA keeps its
    /// own signature when the two serve different serials.
    /// </summary>
    public ZoneSnapshot WithSignaturesOf(ZoneSnapshot other)
    {
        if (other._signed != _signed || other == this)
        {
            return this;
        }

        RRset?[]? rrsigs = null;
        long[]? signedAt = null;
        for (var slot = 0; slot < _signed.Length; slot++)
        {
            var zone = _signed[slot].Zone;
            var soa = _signed[slot].RRset.SoaSlot;
            if (other._signedAt[zone.Index] > _signedAt[zone.Index] && (soa < 0 || other._soa[soa].Data[0].AsSpan().SequenceEqual(_soa[soa].Data[0])))
            {
                rrsigs ??= [.. _rrsigs];
                rrsigs[slot] = other._rrsigs[slot];
                signedAt ??= [.. _signedAt];
                signedAt[zone.Index] = other._signedAt[zone.Index];
            }
        }

        return rrsigs is null ? this : new ZoneSnapshot(this, _active, _soa, rrsigs, _nsec, signedAt!);
    }

    /// <summary>The SOA serial <paramref name="zone"/> serves in this snapshot.</summary>
    public uint Serial(Zone zone) => RDataCodec.SoaSerial(_soa[zone.Soa.SoaSlot].Data[0]);

    /// <summary>The SOA <paramref name="zone"/> serves in this snapshot (what a transfer starts and ends with).</summary>
    public RRset Soa(Zone zone) => _soa[zone.Soa.SoaSlot];

    /// <summary>
    /// A snapshot identical to this one but with <paramref name="zone"/> serving <paramref name="serial"/>;
    /// in a signed zone the new SOA is signed at <paramref name="now"/> (the one signature a switch makes).
    /// </summary>
    public ZoneSnapshot WithSerial(Zone zone, uint serial, DateTimeOffset now = default)
    {
        var soa = RDataCodec.WithSoaSerial(_soa[zone.Soa.SoaSlot].Data[0], serial);
        RRset[] served = [.. _soa];
        served[zone.Soa.SoaSlot] = Zone.SoaForm(zone.Origin, soa, zone.Soa.Ttl, signatureSlot: zone.Soa.SignatureSlot);
        served[zone.NegativeSoa.SoaSlot] = Zone.NegativeForm(zone.Origin, soa, zone.Soa.Ttl, signatureSlot: zone.NegativeSoa.SignatureSlot);
        var rrsigs = _rrsigs;
        if (zone.Soa.SignatureSlot >= 0)
        {
            rrsigs = [.. _rrsigs];
            foreach (var rrset in (ReadOnlySpan<RRset>)[served[zone.Soa.SoaSlot], served[zone.NegativeSoa.SoaSlot]])
            {
                rrsigs[rrset.SignatureSlot] = ZoneSigner.Sign(_signed[rrset.SignatureSlot], rrset, now);
            }
        }

        return new ZoneSnapshot(this, _active, served, rrsigs, _nsec);
    }

    /// <summary>A copy of every failover set's answer by slot, to change some and pass to <see cref="WithFailoverAnswers"/>.</summary>
    public RRset?[] CopyFailoverAnswers() => [.. _active];

    /// <summary>The answer a failover set gives in this snapshot.</summary>
    public RRset? ActiveAnswer(FailoverSet set) => _active[set.Slot];

    /// <summary>
    /// A snapshot identical to this one but with each failover set serving <paramref name="answers"/>
    /// (by slot). Nodes and index are shared; nothing the query path reads changes in place.
    /// </summary>
    public ZoneSnapshot WithFailoverAnswers(RRset?[] answers)
    {
        if (answers.Length != _active.Length)
        {
            throw new ArgumentException("one answer per failover set is needed", nameof(answers));
        }

        var nsec = _nsec;
        for (var slot = 0; slot < _nsecChoices.Length; slot++)
        {
            var chosen = _nsecChoices[slot].Choose(answers);
            if (chosen != nsec[slot])
            {
                nsec = nsec == _nsec ? [.. _nsec] : nsec;
                nsec[slot] = chosen;
            }
        }

        return new ZoneSnapshot(this, answers, _soa, _rrsigs, nsec);
    }
}
