using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using FailoverDns.Protocol;
using FailoverDns.Zones.Model;

namespace FailoverDns.Zones.Lookup;

/// <summary>
/// The reply to one question, resolved but not yet encoded: the RRsets of Answer and Authority in
/// order, the RRset whose targets fill Additional, the RCODE and AA, and the state resolution ended
/// in. Fixed-size and inline (no heap), so the query path can hold one on its stack; the query
/// processor encodes it and the explain API narrates it, so the two cannot disagree.
/// </summary>
public struct AnswerPlan
{
    /// <summary>At most the whole CNAME chain in Answer, or part of it and the SOA, or a referral's NS and DS, in Authority.</summary>
    public const int Capacity = AnswerResolver.MaxCnameChain + 2;

    /// <summary>With DNSSEC: an NSEC for each wildcard answer of the chain and two proving a denial.</summary>
    public const int ProofCapacity = AnswerResolver.MaxCnameChain + 3;

    // Kept small: the plan lives on the query path's stack and is copied on return; a bigger one measurably slowed every query.
    private EntryBuffer _entries;
    private ProofBuffer _proofs;
    private RRset? _additionalSource;
    private int _additionalSourceEntry;

    /// <summary>Why resolution stopped; the RCODE follows from it.</summary>
    public AnswerPlanEnd End { get; internal set; }

    /// <summary>AA: the first name is answered from a zone of ours, not referred or failed (RFC 1035 §4.1.1).</summary>
    public bool IsAuthoritative { get; internal set; }

    /// <summary>The zone of the question; null when it is in none.</summary>
    public Zone? Zone { get; internal set; }

    /// <summary>
    /// The node of the last lookup when it answered no RRset of its own: the name with no data or the
    /// failed failover set, the delegation point of a referral, the node where a CNAME loop closes.
    /// </summary>
    public ZoneNode? EndNode { get; internal set; }

    /// <summary>The snapshot the plan was resolved in; Additional is read from it too.</summary>
    public ZoneSnapshot? Snapshot { get; internal set; }

    public int Count { get; private set; }

    /// <summary>How many NSEC proofs follow Authority.</summary>
    public int ProofCount { get; private set; }

    /// <summary>The client asked for DNSSEC records (DO): RRSIGs go with every signed RRset.</summary>
    public bool Dnssec { get; internal set; }

    public readonly ResponseCode ResponseCode => End switch
    {
        AnswerPlanEnd.NxDomain => ResponseCode.NxDomain,
        AnswerPlanEnd.Refused => ResponseCode.Refused,
        AnswerPlanEnd.ServFail => ResponseCode.ServFail,
        _ => ResponseCode.NoError,
    };

    /// <summary>Answer and Authority, in the order they are written.</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<AnswerPlanEntry> Entries => ((ReadOnlySpan<AnswerPlanEntry>)_entries)[..Count];

    /// <summary>
    /// The names whose NSEC proves what is not there (DNSSEC, DO set), as places in the NSEC chain of
    /// <see cref="Zone"/>, written in Authority after <see cref="Entries"/>. Indices, not references: a
    /// plan is copied on return, and every reference in it costs a write barrier per query.
    /// </summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<int> ProofIndices => ((ReadOnlySpan<int>)_proofs)[..ProofCount];

    /// <summary>The NSEC (as served in <see cref="Snapshot"/>) of proof <paramref name="index"/>, with its owner spelled out.</summary>
    public readonly RRset Proof(int index) => Snapshot!.Nsec(Zone!.NsecChain[ProofIndices[index]])!;

    /// <summary>The owner <see cref="Proof"/> spells out: its name in the zone, lowercase.</summary>
    public readonly byte[] ProofOwner(int index) => Zone!.NsecChain[ProofIndices[index]].Name;

    /// <summary>Additional, after every entry of <see cref="Entries"/>.</summary>
    public readonly AdditionalEntries Additional =>
        _additionalSource is null || Snapshot is null ? default : new AdditionalEntries(Snapshot, _additionalSource, _additionalSourceEntry);

    /// <summary>Appends an entry; returns its index, for owners that point into it.</summary>
    internal int Add(in AnswerPlanEntry entry)
    {
        _entries[Count] = entry;
        return Count++;
    }

    /// <summary>The answered NS, MX or SRV RRset at <paramref name="entry"/> brings its targets' addresses.</summary>
    internal void AddAdditionalFrom(int entry)
    {
        _additionalSource = _entries[entry].RRset;
        _additionalSourceEntry = entry;
    }

    /// <summary>Appends the NSEC at <paramref name="chainIndex"/> of the zone's chain unless it is there already, as when one NSEC proves two things.</summary>
    internal void AddProof(int chainIndex)
    {
        if (ProofCount == ProofCapacity)
        {
            return; // cannot happen within the CNAME cap; a validator would call the answer bogus, not crash it
        }

        foreach (var proof in ProofIndices)
        {
            if (proof == chainIndex)
            {
                return;
            }
        }

        _proofs[ProofCount++] = chainIndex;
    }

    /// <summary>Appends an entry when there is room for it (a referral's DS after a full CNAME chain may not fit).</summary>
    internal void TryAdd(in AnswerPlanEntry entry)
    {
        if (Count < Capacity)
        {
            Add(entry);
        }
    }

    /// <summary>Whether an Answer entry already came from <paramref name="node"/>: a CNAME loop.</summary>
    internal readonly bool Answered(ZoneNode node)
    {
        foreach (ref readonly var entry in Entries)
        {
            if (entry.Section == DnsSection.Answer && entry.Node == node)
            {
                return true;
            }
        }

        return false;
    }

    [InlineArray(Capacity)]
    private struct EntryBuffer
    {
        private AnswerPlanEntry _element;
    }

    [InlineArray(ProofCapacity)]
    private struct ProofBuffer
    {
        private int _element;
    }
}
