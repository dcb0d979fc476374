namespace FailoverDns.Protocol;

/// <summary>The sections of a message that carry resource records (RFC 1035 §4.1).</summary>
public enum DnsSection : byte
{
    Answer,
    Authority,
    Additional,
}
