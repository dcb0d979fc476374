using System.Security.Cryptography;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using FailoverDns.Configuration.Dnssec;
using FailoverDns.Protocol.Dnssec;
using FailoverDns.Server.Hosting.Cli;
using FailoverDns.Zones.Text;

namespace FailoverDns.Server.Hosting;

/// <summary>
/// <c>failoverdns dnssec keygen ZONE</c> makes a zone's key (a CSK: one key, flags 257, that signs everything) in
/// BIND's file format; <c>failoverdns dnssec ds ZONE</c> prints the DS records to give the parent zone. ARSoft.Tools.Net
/// generates the key and computes the DS digest; the files are written and read by <see cref="KeyFiles"/>. The words are
/// parsed by <see cref="DnssecCli"/>.
/// </summary>
internal static class DnssecCommands
{
    public const string Usage = """
        usage: failoverdns dnssec keygen ZONE [--config FILE] [--key-directory DIR] [--algorithm 13|14|ecdsap256sha256|ecdsap384sha384]
               failoverdns dnssec ds ZONE [--config FILE] [--key-directory DIR]
        The key directory defaults to the zone's dnssec.keyDirectory in the config file, else keys/ beside it.
        """;

    /// <summary>The TTL ARSoft's records are made with; it appears in no output (DS lines are printed without one).</summary>
    private const int Ttl = 3600;

    /// <summary>Runs the command in <paramref name="args"/> (the words after <c>dnssec</c>): 0 done, 1 failed, 2 usage error.</summary>
    public static int Run(IReadOnlyList<string> args, Func<string, string?> environment, TextWriter output, TextWriter error) =>
        CliRunner.RunAsync(["dnssec", .. args], new CliContext(environment, output, error)).GetAwaiter().GetResult();

    /// <summary>What <c>keygen</c> or <c>ds</c> was asked to do, as <see cref="DnssecCli"/> parsed it.</summary>
    internal sealed record Command(string Verb, string Zone, string KeyDirectory, DnssecAlgorithm Algorithm);

    /// <summary>Runs <paramref name="command"/>: 0 done, 1 failed.</summary>
    internal static int Run(Command command, TextWriter output, TextWriter error)
    {
        try
        {
            return command.Verb == "keygen" ? KeyGen(command, output, error) : PrintDs(command, output, error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"failoverdns: {e.Message}");
            return 1;
        }
    }

    internal static bool TryParseAlgorithm(string text, out DnssecAlgorithm algorithm)
    {
        algorithm = text.ToLowerInvariant() switch
        {
            "13" or "ecdsap256sha256" => DnssecAlgorithm.EcdsaP256Sha256,
            "14" or "ecdsap384sha384" => DnssecAlgorithm.EcdsaP384Sha384,
            _ => 0,
        };
        return algorithm != 0;
    }

    /// <summary>Makes a CSK with ARSoft, writes it in BIND's format, and prints the file names and the DS.</summary>
    private static int KeyGen(Command command, TextWriter output, TextWriter error)
    {
        var p384 = command.Algorithm == DnssecAlgorithm.EcdsaP384Sha384;
        var generated = DnsKeyRecord.CreateSigningKey(
            DomainName.Parse(command.Zone), ARSoft.Tools.Net.Dns.RecordClass.INet, Ttl, DnsKeyFlags.Zone | DnsKeyFlags.SecureEntryPoint, 3,
            p384 ? DnsSecAlgorithm.EcDsaP384Sha384 : DnsSecAlgorithm.EcDsaP256Sha256, p384 ? 384 : 256);

        // ARSoft's private key is PKCS#8 (with explicit curve parameters); BIND's files hold the bare scalar.
        byte[] scalar;
        using (var imported = ECDsa.Create())
        {
            imported.ImportPkcs8PrivateKey(generated.PrivateKey, out _);
            scalar = imported.ExportParameters(includePrivateParameters: true).D!;
        }

        using var key = SigningKey.FromPrivateKey(command.Algorithm, SigningKey.ZoneKeyFlag | SigningKey.SecureEntryPointFlag, scalar);
        if (!key.PublicKey.AsSpan().SequenceEqual(generated.PublicKey))
        {
            error.WriteLine("failoverdns: the generated key pair does not check out (its public key is not its private key's); nothing was written");
            return 1;
        }

        var (publicFile, privateFile) = KeyFiles.Write(command.KeyDirectory, command.Zone, key, DateTimeOffset.UtcNow);
        output.WriteLine(publicFile);
        output.WriteLine(privateFile);
        output.WriteLine(DsText(command.Zone, key));
        return 0;
    }

    /// <summary>Prints the DS of every secure entry point key of the zone that is not deleted.</summary>
    private static int PrintDs(Command command, TextWriter output, TextWriter error)
    {
        if (!KeyFiles.TryReadAll(command.KeyDirectory, command.Zone, FileReadOptions.Default, out var keys, out var problem))
        {
            error.WriteLine($"failoverdns: {problem}");
            return 1;
        }

        try
        {
            var now = DateTimeOffset.UtcNow;
            var entryPoints = keys.Where(k => (k.Key.Flags & SigningKey.SecureEntryPointFlag) != 0 && !(k.Timing.Delete <= now.UtcDateTime)).ToList();
            if (entryPoints.Count == 0)
            {
                error.WriteLine($"failoverdns: no key of {command.Zone} in {Path.GetFullPath(command.KeyDirectory)} is a secure entry point (flags 257) that is not deleted: the parent's DS points at such a key; create one with `failoverdns dnssec keygen {command.Zone}`");
                return 1;
            }

            foreach (var key in entryPoints)
            {
                output.WriteLine(DsText(command.Zone, key.Key));
            }

            return 0;
        }
        finally
        {
            keys.ForEach(k => k.Key.Dispose());
        }
    }

    /// <summary>The SHA-256 DS (digest type 2) of <paramref name="key"/> as dnssec-dsfromkey prints it: <c>example.org. IN DS 12345 13 2 HEX</c>.</summary>
    internal static string DsText(string zone, SigningKey key)
    {
        var dnskey = new DnsKeyRecord(DomainName.Parse(zone), ARSoft.Tools.Net.Dns.RecordClass.INet, Ttl, (DnsKeyFlags)key.Flags, 3, (DnsSecAlgorithm)key.Algorithm, key.PublicKey, []);
        var ds = new DsRecord(dnskey, Ttl, DnsSecDigestType.Sha256);
        return $"{zone} IN DS {ds.KeyTag} {(byte)ds.Algorithm} {(byte)ds.DigestType} {Convert.ToHexString(ds.Digest)}";
    }
}
