namespace FailoverDns.Protocol;

public enum QueryParseStatus
{
    /// <summary>A well-formed message.</summary>
    Ok,

    /// <summary>Shorter than a header or not a query (QR set): no reply at all.</summary>
    Ignore,

    /// <summary>The header is readable but the rest is malformed: FORMERR.</summary>
    Malformed,
}
