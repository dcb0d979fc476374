namespace FailoverDns.Protocol.Dnssec;

/// <summary>
/// The DNSSEC algorithms zones are signed with (RFC 8624 numbers). ECDSA only: .NET signs it natively,
/// its signatures are small, and algorithm 13 is what RFC 8624 recommends for signing.
/// </summary>
public enum DnssecAlgorithm : byte
{
    /// <summary>ECDSA on P-256 with SHA-256 (RFC 6605): the default.</summary>
    EcdsaP256Sha256 = 13,

    /// <summary>ECDSA on P-384 with SHA-384 (RFC 6605).</summary>
    EcdsaP384Sha384 = 14,
}
