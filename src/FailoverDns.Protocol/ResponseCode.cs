namespace FailoverDns.Protocol;

/// <summary>RCODE values; values above 15 need the OPT extended-RCODE bits (RFC 6891 §6.1.3).</summary>
public enum ResponseCode : ushort
{
    NoError = 0,
    FormErr = 1,
    ServFail = 2,
    NxDomain = 3,
    NotImp = 4,
    Refused = 5,
    NotAuth = 9,
    BadVers = 16,
}
