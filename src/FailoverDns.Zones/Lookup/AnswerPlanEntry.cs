using FailoverDns.Protocol;
using FailoverDns.Zones.Model;

namespace FailoverDns.Zones.Lookup;

/// <summary>
/// One RRset of a planned reply: its section, and where its owner name lies in the reply, as an
/// offset into the question name (<see cref="OwnerEntry"/> = <see cref="Question"/>) or into the
/// wire of an earlier entry (a CNAME's target, an NS or MX target in RDATA), so that the encoder can
/// point at it (RFC 1035 §4.1.4) without ever spelling the name out.
/// </summary>
/// <param name="Section">Answer, Authority or Additional.</param>
/// <param name="RRset">The records, pre-encoded with their owner pointing at the question.</param>
/// <param name="OwnerEntry">The index of the entry the owner lies in, or <see cref="Question"/>.</param>
/// <param name="OwnerOffset">Where the owner starts in the question name or in that entry's wire.</param>
/// <param name="Node">The node the RRset came from, when it came from a lookup (for explaining it).</param>
/// <param name="IsWildcard">The RRset was synthesized from a wildcard (RFC 4592).</param>
public readonly record struct AnswerPlanEntry(DnsSection Section, RRset RRset, int OwnerEntry, int OwnerOffset, ZoneNode? Node, bool IsWildcard)
{
    /// <summary>The <see cref="OwnerEntry"/> that stands for the question name.</summary>
    public const int Question = -1;
}
