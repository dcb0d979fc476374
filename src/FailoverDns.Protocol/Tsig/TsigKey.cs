namespace FailoverDns.Protocol.Tsig;

/// <summary>A shared TSIG secret and the name both ends know it by (RFC 8945 §3).</summary>
public sealed class TsigKey
{
    private readonly byte[] _secret;

    /// <param name="name">The key name in uncompressed wire form; kept lower-case, the canonical form the digest uses (RFC 8945 §4.3.3).</param>
    /// <param name="algorithm">The HMAC both ends use with this key.</param>
    /// <param name="secret">The shared secret, decoded from base64.</param>
    public TsigKey(ReadOnlySpan<byte> name, TsigAlgorithm algorithm, ReadOnlySpan<byte> secret)
    {
        if (!DnsName.IsValid(name))
        {
            throw new ArgumentException("The key name is not a valid uncompressed domain name.", nameof(name));
        }

        if (secret.IsEmpty)
        {
            throw new ArgumentException("The secret is empty.", nameof(secret));
        }

        _ = TsigAlgorithms.MacSize(algorithm); // rejects undefined values
        Name = DnsName.ToLower(name);
        Algorithm = algorithm;
        _secret = secret.ToArray();
    }

    /// <summary>The key name in lower-case uncompressed wire form.</summary>
    public byte[] Name { get; }

    public TsigAlgorithm Algorithm { get; }

    /// <summary>A key as BIND and Knot key files write it: <c>name</c>, <c>hmac-sha256</c>, base64 secret.</summary>
    public static TsigKey FromText(string name, string algorithm, string base64Secret)
    {
        var wireName = DnsName.Parse(name.EndsWith('.') ? name : name + ".")
            ?? throw new FormatException($"'{name}' is not a valid key name.");
        if (!TsigAlgorithms.TryParse(algorithm, out var parsed))
        {
            throw new FormatException($"'{algorithm}' is not a supported TSIG algorithm.");
        }

        return new TsigKey(wireName, parsed, Convert.FromBase64String(base64Secret));
    }

    public override string ToString() => $"{DnsName.ToText(Name)} ({TsigAlgorithms.ToText(Algorithm)})";

    internal System.Security.Cryptography.IncrementalHash CreateHmac() =>
        System.Security.Cryptography.IncrementalHash.CreateHMAC(TsigAlgorithms.HashName(Algorithm), _secret);
}
