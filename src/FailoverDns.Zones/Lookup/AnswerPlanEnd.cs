namespace FailoverDns.Zones.Lookup;

/// <summary>Why the resolution of a question stopped where it did: the state the reply is built from.</summary>
public enum AnswerPlanEnd
{
    /// <summary>An RRset answers the question (a CNAME too, when the question asks for CNAME or ANY).</summary>
    Answer,

    /// <summary>The name (or the last CNAME target) exists but has no data of the type: SOA in authority (RFC 2308 §2.2).</summary>
    NoData,

    /// <summary>The name (or the last CNAME target) does not exist: SOA in authority (RFC 2308 §2.1).</summary>
    NxDomain,

    /// <summary>
    /// The question, or the last CNAME target, lies at or below a delegation of the zone: its NS in
    /// authority, glue in additional (RFC 1034 §4.3.2 step 3b). AA is clear when the question itself is
    /// delegated, and set when an in-zone CNAME chain led there, as Knot does.
    /// </summary>
    Referral,

    /// <summary>The question is in no zone served here.</summary>
    Refused,

    /// <summary>A failover set with no healthy tier whose policy is to fail the query.</summary>
    ServFail,

    /// <summary>
    /// A CNAME points out of the zone (another zone, or nowhere served here): the chain
    /// so far is the answer and the resolver follows the rest (RFC 1034 §4.3.2 step 3a).
    /// </summary>
    CnameLeavesZone,

    /// <summary>A CNAME points back into the chain: it stops where the loop closes, as Knot does.</summary>
    CnameLoop,

    /// <summary>The chain reached <see cref="AnswerResolver.MaxCnameChain"/> CNAMEs and is cut there.</summary>
    CnameChainLimit,
}
