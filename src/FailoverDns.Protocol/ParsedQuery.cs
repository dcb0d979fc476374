namespace FailoverDns.Protocol;

/// <summary>What the query path needs from a request; the question name is written to a caller's span.</summary>
public readonly record struct ParsedQuery(
    DnsHeader Header,
    bool HasQuestion,
    int NameLength,
    RecordType Type,
    ushort Class,
    bool HasEdns,
    ushort PayloadSize,
    byte EdnsVersion,
    bool DnssecOk)
{
    /// <summary>True when the last record is a TSIG (RFC 8945): the query is signed, and its reply must be.</summary>
    public bool HasTsig { get; init; }
}
