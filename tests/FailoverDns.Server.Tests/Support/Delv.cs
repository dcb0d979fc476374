using System.Globalization;
using FailoverDns.Testing;

namespace FailoverDns.Server.Tests.Support;

/// <summary>
/// BIND's delv: a second, independent validator (BIND's, where Unbound is NLnet Labs') asking the
/// authoritative server directly and validating from the zone's own trust anchor (+root=zone), so
/// no parent zone or resolver is needed.
/// </summary>
internal static class Delv
{
    /// <summary>
    /// delv's exit code and everything it printed. delv 9.18 exits 0 even when validation fails, so
    /// read the verdict from <see cref="FullyValidated"/> and <see cref="ResolutionFailure"/>, not the exit code.
    /// </summary>
    internal sealed record Result(int ExitCode, string Output)
    {
        /// <summary>delv's verdict: "; fully validated" for an answer, "; negative response, fully validated" for NXDOMAIN/NODATA.</summary>
        public bool FullyValidated => ExitCode == 0 && Output.Contains("fully validated", StringComparison.Ordinal);

        /// <summary>
        /// What delv printed after ";; resolution failed: ", or null: "RRSIG failed to verify" and the like for a
        /// bogus answer, but also "ncache nxdomain"/"ncache nxrrset" for a denial, validated or not.
        /// </summary>
        public string? ResolutionFailure => Output.Split('\n')
            .Where(l => l.StartsWith(";; resolution failed: ", StringComparison.Ordinal))
            .Select(l => l[";; resolution failed: ".Length..].Trim())
            .FirstOrDefault();
    }

    /// <summary>
    /// Asks 127.0.0.1:<paramref name="port"/> for <paramref name="name"/> <paramref name="type"/> and validates
    /// the reply from <paramref name="anchor"/> (the zone's DS or KSK DNSKEY), its zone the root of validation.
    /// </summary>
    public static async Task<Result> QueryAsync(int port, TrustAnchor anchor, string name, string type = "A")
    {
        using var directory = new TempDirectory();
        var anchorFile = directory.Write("anchor.conf", anchor.BindStatement);
        var (exitCode, output) = await Tool.RunAsync(
            "delv", "@127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-4", "-a", anchorFile, $"+root={anchor.Zone}", name, type);
        return new Result(exitCode, output);
    }
}
