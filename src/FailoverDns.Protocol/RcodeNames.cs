namespace FailoverDns.Protocol;

/// <summary>RCODE mnemonics as dig prints them (RFC 1035 §4.1.1, RFC 6891 §9).</summary>
public static class RcodeNames
{
    public static string ToName(int rcode) => rcode switch
    {
        0 => "NOERROR",
        1 => "FORMERR",
        2 => "SERVFAIL",
        3 => "NXDOMAIN",
        4 => "NOTIMP",
        5 => "REFUSED",
        9 => "NOTAUTH",
        16 => "BADVERS",
        _ => System.FormattableString.Invariant($"RCODE{rcode}"),
    };
}
