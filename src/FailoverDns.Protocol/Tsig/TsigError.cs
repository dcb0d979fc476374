namespace FailoverDns.Protocol.Tsig;

/// <summary>Values of the TSIG Error field (RFC 8945 §3, IANA DNS RCODEs).</summary>
public enum TsigError : ushort
{
    NoError = 0,
    BadSig = 16,
    BadKey = 17,
    BadTime = 18,
    BadTrunc = 22,
}
