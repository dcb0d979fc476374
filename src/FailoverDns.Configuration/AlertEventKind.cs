namespace FailoverDns.Configuration;

/// <summary>What an alert reports; written in config and in alert bodies by <see cref="AlertEventNames"/>.</summary>
public enum AlertEventKind
{
    /// <summary>A health check turned unhealthy.</summary>
    Unhealthy,

    /// <summary>A health check turned healthy after being unhealthy.</summary>
    Recovered,

    /// <summary>A record set moved to a later tier.</summary>
    Failover,

    /// <summary>A record set moved back to an earlier tier.</summary>
    Failback,

    /// <summary>No tier of a record set is healthy; its <c>whenAllUnhealthy</c> policy applies.</summary>
    AllUnhealthy,
}
