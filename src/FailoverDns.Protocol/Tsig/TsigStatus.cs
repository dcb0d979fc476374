namespace FailoverDns.Protocol.Tsig;

/// <summary>The outcome of checking the TSIG of a message (RFC 8945 §5.2, §5.4).</summary>
public enum TsigStatus : byte
{
    /// <summary>The message has no TSIG record.</summary>
    NoTsig,

    /// <summary>The MAC is right and the time is within the fudge.</summary>
    Ok,

    /// <summary>The key name or the algorithm is unknown, or does not match the key expected (§5.2.1).</summary>
    BadKey,

    /// <summary>The MAC is wrong (§5.2.2).</summary>
    BadSig,

    /// <summary>The MAC is right but the time signed is outside the fudge (§5.2.3).</summary>
    BadTime,

    /// <summary>The TSIG is malformed, not the last record, not the only one, or its MAC longer than the hash (§5.2, §5.2.2.1).</summary>
    FormErr,

    /// <summary>The MAC is truncated below half the hash output or 10 bytes (§5.2.2.1).</summary>
    BadTrunc,
}
