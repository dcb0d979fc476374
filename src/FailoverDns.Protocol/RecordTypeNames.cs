using System.Globalization;

namespace FailoverDns.Protocol;

/// <summary>Type mnemonics, parsed and printed: the types zone data may hold, and TYPEnnn for any other (RFC 3597 §5).</summary>
public static class RecordTypeNames
{
    private static readonly Dictionary<string, RecordType> Supported = new(StringComparer.OrdinalIgnoreCase)
    {
        ["A"] = RecordType.A,
        ["AAAA"] = RecordType.AAAA,
        ["CNAME"] = RecordType.CNAME,
        ["NS"] = RecordType.NS,
        ["SOA"] = RecordType.SOA,
        ["MX"] = RecordType.MX,
        ["TXT"] = RecordType.TXT,
        ["SRV"] = RecordType.SRV,
        ["CAA"] = RecordType.CAA,
        ["PTR"] = RecordType.PTR,
        ["DS"] = RecordType.DS,
    };

    private static readonly HashSet<RecordType> NotData = [RecordType.OPT, RecordType.TSIG, RecordType.AXFR, RecordType.IXFR, RecordType.ANY, (RecordType)0];

    public static IEnumerable<string> SupportedNames => Supported.Keys;

    /// <summary>The name of a type as dig prints it: its mnemonic or TYPEnnn.</summary>
    public static string ToName(this RecordType type) =>
        Enum.IsDefined(type) ? type.ToString() : string.Create(CultureInfo.InvariantCulture, $"TYPE{(ushort)type}");

    /// <summary>A mnemonic of a type zone data may hold, in any case, or TYPEnnn of any type that is data.</summary>
    public static bool TryParse(string text, out RecordType type)
    {
        if (Supported.TryGetValue(text, out type))
        {
            return true;
        }

        if (text.Length > 4 && text.StartsWith("TYPE", StringComparison.OrdinalIgnoreCase)
            && ushort.TryParse(text.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && !NotData.Contains((RecordType)number))
        {
            type = (RecordType)number;
            return true;
        }

        type = default;
        return false;
    }

    /// <summary>True for mnemonics of real types this server cannot parse from text, so the error can say so.</summary>
    public static bool IsKnownButUnsupported(string text) => text.ToUpperInvariant() is
        "HINFO" or "DNAME" or "DNSKEY" or "RRSIG" or "NSEC" or "NSEC3" or "NSEC3PARAM" or "TLSA" or "SSHFP"
        or "NAPTR" or "SPF" or "LOC" or "RP" or "AFSDB" or "CERT" or "SVCB" or "HTTPS" or "URI" or "SMIMEA" or "OPENPGPKEY" or "CDS" or "CDNSKEY";
}
