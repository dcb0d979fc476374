namespace FailoverDns.Protocol;

/// <summary>RR TYPE values (RFC 1035 §3.2.2, RFC 3596, RFC 2782, RFC 6891, RFC 8659, RFC 8945, RFC 4034).</summary>
public enum RecordType : ushort
{
    A = 1,
    NS = 2,
    CNAME = 5,
    SOA = 6,
    PTR = 12,
    MX = 15,
    TXT = 16,
    AAAA = 28,
    SRV = 33,
    OPT = 41,
    DS = 43,
    RRSIG = 46,
    NSEC = 47,
    DNSKEY = 48,
    TSIG = 250,
    IXFR = 251,
    AXFR = 252,
    ANY = 255,
    CAA = 257,
}
