namespace FailoverDns.Server.Tests.Support;

/// <summary>
/// A zone signed by BIND's own tools (dnssec-keygen, dnssec-signzone, NSEC): a known-good signed zone
/// to prove the validators against, independent of FailoverDns's signer.
/// </summary>
internal static class DnssecSigner
{
    /// <summary>The signed zone file, one record a line, and the DS of its KSK to use as the trust anchor.</summary>
    internal sealed record SignedZone(string Path, TrustAnchor Anchor);

    /// <summary>
    /// Signs <paramref name="zoneText"/> as <paramref name="origin"/> with a new ECDSA P-256 KSK and ZSK kept
    /// in <paramref name="directory"/>, writing the signed zone there.
    /// </summary>
    public static async Task<SignedZone> SignAsync(string directory, string origin, string zoneText)
    {
        var zoneFile = System.IO.Path.Combine(directory, $"{origin}.zone");
        await File.WriteAllTextAsync(zoneFile, zoneText);
        var signedFile = System.IO.Path.Combine(directory, $"{origin}.signed");
        var ksk = await RunAsync("dnssec-keygen", "-q", "-a", "ECDSAP256SHA256", "-f", "KSK", "-K", directory, origin);
        await RunAsync("dnssec-keygen", "-q", "-a", "ECDSAP256SHA256", "-K", directory, origin);

        // -S: the keys in -K, -O full: one record a line (so a test can find and alter one), -N keep: the serial as written.
        await RunAsync("dnssec-signzone", "-S", "-K", directory, "-o", origin, "-O", "full", "-N", "keep", "-f", signedFile, zoneFile);
        var ds = await RunAsync("dnssec-dsfromkey", "-2", System.IO.Path.Combine(directory, ksk.Trim() + ".key"));
        return new SignedZone(signedFile, TrustAnchor.Parse(ds));
    }

    private static async Task<string> RunAsync(string file, params string[] arguments)
    {
        var (exitCode, output) = await Tool.RunAsync(file, arguments);
        return exitCode == 0 ? output : throw new InvalidOperationException($"{file} failed ({exitCode}): {output}");
    }
}
