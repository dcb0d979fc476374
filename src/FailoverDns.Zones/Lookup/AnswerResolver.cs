using FailoverDns.Protocol;

namespace FailoverDns.Zones.Lookup;

/// <summary>
/// Resolves a question into an <see cref="AnswerPlan"/> (RFC 1034 §4.3.2), as Knot's
/// <c>nameserver/internet.c</c> does over explicit states: Answer (following in-zone CNAMEs, with a
/// loop check and a cap, down to a delegation of the zone), then Authority (the SOA of a negative answer, the NS of a referral), then
/// the RRset whose targets fill Additional. Allocates nothing: it runs on the query path.
/// </summary>
public static class AnswerResolver
{
    /// <summary>How many CNAMEs are followed inside a zone before the chain is cut.</summary>
    public const int MaxCnameChain = 8;

    /// <summary>Resolves <paramref name="questionName"/> and <paramref name="type"/> in <paramref name="snapshot"/>.</summary>
    /// <param name="snapshot">The snapshot being served; the plan reads Additional from it too.</param>
    /// <param name="questionName">The question name in wire form, in any case (RFC 4343).</param>
    /// <param name="type">The question type.</param>
    /// <param name="dnssec">The client set DO: in a signed zone, add the NSEC and DS records that prove the answer (RFC 4035 §3.1).</param>
    /// <returns>The reply to encode or explain.</returns>
    public static AnswerPlan Resolve(ZoneSnapshot snapshot, ReadOnlySpan<byte> questionName, RecordType type, bool dnssec = false)
    {
        // A local returned by value: measured cheaper per query than filling an out parameter.
        var plan = default(AnswerPlan);
        plan.Snapshot = snapshot;
        plan.Dnssec = dnssec;
        Span<byte> name = stackalloc byte[DnsName.MaxLength];
        var nameLength = questionName.Length;
        questionName.CopyTo(name);
        DnsName.ToLowerInPlace(name[..nameLength]);

        // Where the name being looked up lies in the reply: answers to it point there.
        var owner = AnswerPlanEntry.Question;
        var ownerOffset = 0;

        var result = ZoneLookup.Find(snapshot, name[..nameLength], type);
        if (result.Outcome == LookupOutcome.Refused)
        {
            plan.End = AnswerPlanEnd.Refused;
            return plan;
        }

        plan.Zone = result.Zone;
        var proofs = dnssec && result.Zone?.Signing is not null;
        plan.IsAuthoritative = result.Outcome is not (LookupOutcome.Referral or LookupOutcome.ServFail);
        while (true)
        {
            switch (result.Outcome)
            {
                case LookupOutcome.ServFail:
                    plan.End = AnswerPlanEnd.ServFail;
                    plan.EndNode = result.Node;
                    return plan;
                case LookupOutcome.Referral:
                    var cut = result.Node!;
                    var ns = plan.Add(new AnswerPlanEntry(DnsSection.Authority, result.RRset!, owner, ownerOffset + nameLength - cut.Name.Length, cut, false));
                    if (proofs)
                    {
                        DenialOfExistence.AddDelegation(ref plan, cut, owner, ownerOffset + nameLength - cut.Name.Length);
                    }

                    plan.AddAdditionalFrom(ns);
                    plan.End = AnswerPlanEnd.Referral;
                    plan.EndNode = cut;
                    return plan;
                case LookupOutcome.NxDomain or LookupOutcome.NoData:
                    var zone = result.Zone!;
                    plan.Add(new AnswerPlanEntry(DnsSection.Authority, snapshot.Resolve(zone.NegativeSoa)!, owner, ownerOffset + nameLength - zone.Origin.Length, null, false));
                    plan.End = result.Outcome == LookupOutcome.NxDomain ? AnswerPlanEnd.NxDomain : AnswerPlanEnd.NoData;
                    plan.EndNode = result.Node;
                    if (proofs)
                    {
                        DenialOfExistence.AddNegative(ref plan, zone, result, name[..nameLength]);
                    }

                    return plan;
            }

            var node = result.Node!;
            if (plan.Answered(node))
            {
                plan.End = AnswerPlanEnd.CnameLoop;
                plan.EndNode = node;
                return plan;
            }

            var rrset = result.RRset!;
            var answer = plan.Add(new AnswerPlanEntry(DnsSection.Answer, rrset, owner, ownerOffset, node, result.IsWildcard));
            if (proofs && result.IsWildcard)
            {
                DenialOfExistence.AddWildcardAnswer(ref plan, result.Zone!, name[..nameLength]);
            }

            if (rrset.Type != RecordType.CNAME || type is RecordType.CNAME or RecordType.ANY)
            {
                plan.AddAdditionalFrom(answer);
                plan.End = AnswerPlanEnd.Answer;
                return plan;
            }

            if (plan.Count >= MaxCnameChain)
            {
                plan.End = AnswerPlanEnd.CnameChainLimit;
                return plan;
            }

            // The target sits uncompressed in the CNAME's RDATA: the next owner points there.
            var target = rrset.CnameTarget;
            owner = answer;
            ownerOffset = ResponseWriter.RecordHeaderSize;
            nameLength = target.Length;
            target.CopyTo(name);
            DnsName.ToLowerInPlace(name[..nameLength]);

            // A target at or below a delegation of this zone goes on to the referral case: the chain
            // in Answer, the cut's NS in Authority, glue in Additional, AA kept (step 3b, as Knot does).
            result = ZoneLookup.Find(snapshot, name[..nameLength], type);
            if (result.Zone != plan.Zone || result.Outcome == LookupOutcome.Refused)
            {
                // Answered as it is; the resolver follows the CNAME from here (RFC 1034 §4.3.2 step 3a).
                plan.End = AnswerPlanEnd.CnameLeavesZone;
                return plan;
            }
        }
    }
}
