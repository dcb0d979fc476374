namespace FailoverDns.Server.Query;

/// <summary>
/// What a response is, for rate limiting: the kinds keyed by the question name are answers; the
/// others are keyed by the zone, so a flood of random names under it is one flow, not millions.
/// </summary>
public enum ResponseKind : byte
{
    /// <summary>Data for the name (or a CNAME chain): keyed by name and type.</summary>
    Answer,

    /// <summary>The name exists, the type does not: keyed by name.</summary>
    NoData,

    /// <summary>Keyed by the zone.</summary>
    NxDomain,

    /// <summary>Keyed by the zone.</summary>
    Referral,

    /// <summary>SERVFAIL, REFUSED, FORMERR, NOTIMP, BADVERS: keyed by the zone, or by nothing outside every zone.</summary>
    Error,
}
