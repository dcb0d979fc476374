namespace FailoverDns.Zones.Lookup;

public enum LookupOutcome
{
    /// <summary>An RRset answers the question (possibly a CNAME to follow).</summary>
    Answer,

    /// <summary>The name exists but has no data of the type (RFC 2308 §2.2).</summary>
    NoData,

    /// <summary>The name does not exist in the zone (RFC 2308 §2.1).</summary>
    NxDomain,

    /// <summary>The name lies at or below a delegation: refer to the child's name servers.</summary>
    Referral,

    /// <summary>The name is in no zone served here.</summary>
    Refused,

    /// <summary>A failover set with no healthy tier whose policy is to fail the query.</summary>
    ServFail,
}
