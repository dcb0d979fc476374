using FailoverDns.Testing;

namespace FailoverDns.Server.Tests.Support;

/// <summary>
/// BIND's dnssec-verify over a whole zone: every RRset signed and every signature good, the NSEC chain
/// complete, the DNSKEY RRset signed by a KSK; what one query at a time through a resolver cannot cover.
/// </summary>
internal static class DnssecVerify
{
    /// <summary>
    /// Checks <paramref name="zoneText"/> (e.g. from <see cref="Tool.AxfrAsync"/>) as zone
    /// <paramref name="origin"/>; exit code 0 means the zone verified, the output says what failed otherwise.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string zoneText, string origin)
    {
        using var directory = new TempDirectory();
        var file = directory.Write("zone.txt", zoneText);
        // -z: a zone signed by one combined key (a CSK, flags 257) has no separate ZSK, and that is complete.
        return await Tool.RunAsync("dnssec-verify", "-z", "-o", origin, file);
    }
}
