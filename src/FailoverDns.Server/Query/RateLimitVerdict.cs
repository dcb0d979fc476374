namespace FailoverDns.Server.Query;

/// <summary>What happens to one UDP response under rate limiting.</summary>
public enum RateLimitVerdict : byte
{
    Send,

    /// <summary>Nothing is sent.</summary>
    Drop,

    /// <summary>The header and question only, with TC set: a real client retries over TCP, a reflection gains nothing.</summary>
    Slip,
}
