namespace FailoverDns.Zones.Failover;

/// <summary>What a failover record set answers when no tier is healthy.</summary>
public enum AllUnhealthyPolicy
{
    /// <summary>The first tier ("fail open"): Route 53's answer of last resort.</summary>
    Primary,

    /// <summary>The last tier.</summary>
    LastTier,

    /// <summary>No records of the type: NOERROR with the SOA (RFC 2308 NODATA).</summary>
    NoData,

    /// <summary>SERVFAIL, so resolvers try again later rather than cache an answer.</summary>
    ServFail,
}
