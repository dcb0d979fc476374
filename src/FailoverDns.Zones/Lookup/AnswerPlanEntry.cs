using FailoverDns.Protocol;
using FailoverDns.Zones.Model;

namespace FailoverDns.Zones.Lookup;

/// <summary>
/// One RRset of a planned reply: its section, and where its owner name lies in the reply, as an
/// offset into the question name (<see cref="OwnerEntry"/> = <see cref="Question"/>) or into the
/// wire of an earlier entry (a CNAME's target, an NS or MX target in RDATA), so that the encoder can
/// point at it (RFC 1035 §4.1.4) without ever spelling the name out.
/// </summary>
/// <remarks>
/// Offsets are kept in 16 bits (a reply is at most 65,535 bytes, an entry index at most the plan's
/// capacity): the plan lives on the query path's stack, and a smaller entry measurably speeds every query.
/// </remarks>
public readonly record struct AnswerPlanEntry
{
    /// <summary>The <see cref="OwnerEntry"/> that stands for the question name.</summary>
    public const int Question = -1;

    private readonly short _ownerEntry;
    private readonly ushort _ownerOffset;

    /// <param name="section">Answer, Authority or Additional.</param>
    /// <param name="rrset">The records, pre-encoded with their owner pointing at the question.</param>
    /// <param name="ownerEntry">The index of the entry the owner lies in, or <see cref="Question"/>.</param>
    /// <param name="ownerOffset">Where the owner starts in the question name or in that entry's wire.</param>
    /// <param name="node">The node the RRset came from, when it came from a lookup (for explaining it).</param>
    /// <param name="isWildcard">The RRset was synthesized from a wildcard (RFC 4592).</param>
    public AnswerPlanEntry(DnsSection section, RRset rrset, int ownerEntry, int ownerOffset, ZoneNode? node, bool isWildcard)
    {
        Section = section;
        RRset = rrset;
        _ownerEntry = (short)ownerEntry;
        _ownerOffset = (ushort)ownerOffset;
        Node = node;
        IsWildcard = isWildcard;
    }

    public DnsSection Section { get; }

    public RRset RRset { get; }

    public int OwnerEntry => _ownerEntry;

    public int OwnerOffset => _ownerOffset;

    public ZoneNode? Node { get; }

    public bool IsWildcard { get; }
}
