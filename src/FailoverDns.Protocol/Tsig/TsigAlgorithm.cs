using System.Security.Cryptography;

namespace FailoverDns.Protocol.Tsig;

/// <summary>The HMAC algorithms TSIG keys may use (RFC 8945 §6, Table 3).</summary>
public enum TsigAlgorithm : byte
{
    HmacSha1,
    HmacSha256,
    HmacSha384,
    HmacSha512,
}

/// <summary>Names and sizes of <see cref="TsigAlgorithm"/> values.</summary>
public static class TsigAlgorithms
{
    // Wire names as in RFC 8945 Table 3; compared case-insensitively.
    private static readonly byte[] HmacSha1Name = DnsName.Parse("hmac-sha1.")!;
    private static readonly byte[] HmacSha256Name = DnsName.Parse("hmac-sha256.")!;
    private static readonly byte[] HmacSha384Name = DnsName.Parse("hmac-sha384.")!;
    private static readonly byte[] HmacSha512Name = DnsName.Parse("hmac-sha512.")!;

    /// <summary>The algorithm name in lower-case uncompressed wire form, as the digest needs it (RFC 8945 §4.3.3).</summary>
    public static ReadOnlySpan<byte> WireName(TsigAlgorithm algorithm) => algorithm switch
    {
        TsigAlgorithm.HmacSha1 => HmacSha1Name,
        TsigAlgorithm.HmacSha256 => HmacSha256Name,
        TsigAlgorithm.HmacSha384 => HmacSha384Name,
        TsigAlgorithm.HmacSha512 => HmacSha512Name,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>The length of the untruncated MAC in bytes.</summary>
    public static int MacSize(TsigAlgorithm algorithm) => algorithm switch
    {
        TsigAlgorithm.HmacSha1 => 20,
        TsigAlgorithm.HmacSha256 => 32,
        TsigAlgorithm.HmacSha384 => 48,
        TsigAlgorithm.HmacSha512 => 64,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>The shortest truncated MAC a receiver accepts: half the output, and at least 10 bytes (RFC 8945 §5.2.2.1).</summary>
    public static int MinimumMacSize(TsigAlgorithm algorithm) => Math.Max(10, (MacSize(algorithm) + 1) / 2);

    public static bool TryFromWireName(ReadOnlySpan<byte> name, out TsigAlgorithm algorithm)
    {
        foreach (var candidate in (ReadOnlySpan<TsigAlgorithm>)[TsigAlgorithm.HmacSha256, TsigAlgorithm.HmacSha512, TsigAlgorithm.HmacSha384, TsigAlgorithm.HmacSha1])
        {
            if (DnsName.EqualsIgnoreCase(name, WireName(candidate)))
            {
                algorithm = candidate;
                return true;
            }
        }

        algorithm = default;
        return false;
    }

    /// <summary>Parses the names BIND and Knot key files use: <c>hmac-sha256</c>, with or without a trailing dot.</summary>
    public static bool TryParse(string text, out TsigAlgorithm algorithm)
    {
        algorithm = default;
        var trimmed = text.TrimEnd('.').ToLowerInvariant();
        foreach (var candidate in Enum.GetValues<TsigAlgorithm>())
        {
            if (trimmed == ToText(candidate))
            {
                algorithm = candidate;
                return true;
            }
        }

        return false;
    }

    /// <summary>The presentation name without the trailing dot, e.g. <c>hmac-sha256</c>.</summary>
    public static string ToText(TsigAlgorithm algorithm) => algorithm switch
    {
        TsigAlgorithm.HmacSha1 => "hmac-sha1",
        TsigAlgorithm.HmacSha256 => "hmac-sha256",
        TsigAlgorithm.HmacSha384 => "hmac-sha384",
        TsigAlgorithm.HmacSha512 => "hmac-sha512",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    internal static HashAlgorithmName HashName(TsigAlgorithm algorithm) => algorithm switch
    {
        TsigAlgorithm.HmacSha1 => HashAlgorithmName.SHA1,
        TsigAlgorithm.HmacSha256 => HashAlgorithmName.SHA256,
        TsigAlgorithm.HmacSha384 => HashAlgorithmName.SHA384,
        TsigAlgorithm.HmacSha512 => HashAlgorithmName.SHA512,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };
}
