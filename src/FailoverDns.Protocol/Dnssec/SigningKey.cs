using System.Buffers.Binary;
using System.Security.Cryptography;

namespace FailoverDns.Protocol.Dnssec;

/// <summary>
/// One zone key: its DNSKEY (RFC 4034 §2) and the private half that signs with it. A key with the
/// SEP flag (257) is what the parent's DS points at; the zone uses one combined signing key (CSK)
/// that signs every RRset, or several during a rollover.
/// </summary>
public sealed class SigningKey : IDisposable
{
    /// <summary>DNSKEY flags: zone key.</summary>
    public const ushort ZoneKeyFlag = 0x0100;

    /// <summary>DNSKEY flags: secure entry point, the key a DS names (RFC 3757).</summary>
    public const ushort SecureEntryPointFlag = 0x0001;

    private readonly ECDsa _key;

    // One instance per thread: ECDsa is not documented as safe to share, and zones are signed on all cores.
    private readonly ThreadLocal<ECDsa> _perThread;

    public SigningKey(DnssecAlgorithm algorithm, ushort flags, ECDsa key)
    {
        Algorithm = algorithm;
        Flags = flags;
        _key = key;
        var privateParameters = key.ExportParameters(includePrivateParameters: true);
        _perThread = new ThreadLocal<ECDsa>(() => ECDsa.Create(privateParameters), trackAllValues: true);
        var parameters = key.ExportParameters(includePrivateParameters: false);
        PublicKey = [.. parameters.Q.X!, .. parameters.Q.Y!];
        DnskeyData = new byte[4 + PublicKey.Length];
        BinaryPrimitives.WriteUInt16BigEndian(DnskeyData, flags);
        DnskeyData[2] = 3; // protocol, always 3 (RFC 4034 §2.1.2)
        DnskeyData[3] = (byte)algorithm;
        PublicKey.CopyTo(DnskeyData, 4);
        KeyTag = ComputeKeyTag(DnskeyData);
    }

    public DnssecAlgorithm Algorithm { get; }

    public ushort Flags { get; }

    /// <summary>The public key as DNSKEY carries it: the point's X and Y (RFC 6605 §4).</summary>
    public byte[] PublicKey { get; }

    /// <summary>The DNSKEY RDATA: flags, protocol, algorithm, public key.</summary>
    public byte[] DnskeyData { get; }

    public ushort KeyTag { get; }

    /// <summary>Where a file read it from (for messages); empty for a key made in memory.</summary>
    public string Source { get; init; } = "";

    public int SignatureSize => Algorithm == DnssecAlgorithm.EcdsaP384Sha384 ? 96 : 64;

    /// <summary>A new key pair for <paramref name="algorithm"/>.</summary>
    public static SigningKey Generate(DnssecAlgorithm algorithm, ushort flags = ZoneKeyFlag | SecureEntryPointFlag) =>
        new(algorithm, flags, ECDsa.Create(CurveOf(algorithm)));

    /// <summary>The key whose private scalar is <paramref name="privateKey"/> (as BIND's key files hold it).</summary>
    public static SigningKey FromPrivateKey(DnssecAlgorithm algorithm, ushort flags, byte[] privateKey)
    {
        var key = ECDsa.Create(new ECParameters { Curve = CurveOf(algorithm), D = privateKey });
        return new SigningKey(algorithm, flags, key);
    }

    /// <summary>The private scalar, for writing the key to a file.</summary>
    public byte[] ExportPrivateKey() => _key.ExportParameters(includePrivateParameters: true).D!;

    /// <summary>Signs <paramref name="data"/> (an RRSIG's RDATA without its signature, then the canonical RRset): r and s, fixed size (RFC 6605 §4).</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) =>
        _perThread.Value!.SignData(data, HashOf(Algorithm), DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>Checks a signature this key would make (tests, and a self-check after loading).</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        _perThread.Value!.VerifyData(data, signature, HashOf(Algorithm), DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>The key tag of a DNSKEY RDATA (RFC 4034 Appendix B).</summary>
    public static ushort ComputeKeyTag(ReadOnlySpan<byte> dnskeyData)
    {
        uint sum = 0;
        for (var i = 0; i < dnskeyData.Length; i++)
        {
            sum += (i & 1) == 0 ? (uint)dnskeyData[i] << 8 : dnskeyData[i];
        }

        sum += (sum >> 16) & 0xFFFF;
        return (ushort)(sum & 0xFFFF);
    }

    public void Dispose()
    {
        foreach (var key in _perThread.Values)
        {
            key.Dispose();
        }

        _perThread.Dispose();
        _key.Dispose();
    }

    private static ECCurve CurveOf(DnssecAlgorithm algorithm) => algorithm switch
    {
        DnssecAlgorithm.EcdsaP256Sha256 => ECCurve.NamedCurves.nistP256,
        DnssecAlgorithm.EcdsaP384Sha384 => ECCurve.NamedCurves.nistP384,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "only ECDSA keys (algorithms 13 and 14) are supported"),
    };

    private static HashAlgorithmName HashOf(DnssecAlgorithm algorithm) =>
        algorithm == DnssecAlgorithm.EcdsaP384Sha384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;
}
