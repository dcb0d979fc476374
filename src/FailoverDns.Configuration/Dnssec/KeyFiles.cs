using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using FailoverDns.Protocol.Dnssec;
using FailoverDns.Zones.Text;

namespace FailoverDns.Configuration.Dnssec;

/// <summary>
/// Zone keys in BIND's file format (<c>K&lt;zone&gt;.+&lt;alg&gt;+&lt;tag&gt;.key</c> and <c>.private</c>), so that keys made
/// by <c>dnssec-keygen</c> load here and keys made here work with BIND's tools. Errors name the file (and line)
/// and never quote a private key.
/// </summary>
public static partial class KeyFiles
{
    /// <summary>BIND's timestamp format in key files, always UTC.</summary>
    private const string TimestampFormat = "yyyyMMddHHmmss";

    /// <summary>BIND writes base64 keys in chunks of this many characters.</summary>
    private const int Base64Chunk = 56;

    /// <summary>
    /// Every key of <paramref name="zone"/> in <paramref name="directory"/> (each <c>.private</c> file with its <c>.key</c>),
    /// in file-name order, with its BIND timing. Fails when the directory is missing, holds no key of the zone, or a file is
    /// unreadable, malformed, of an algorithm other than 13 or 14, or has a public key that is not the private key's.
    /// </summary>
    public static bool TryReadAll(string directory, string zone, FileReadOptions options, [NotNullWhen(true)] out List<KeyFile>? keys, [NotNullWhen(false)] out string? error)
    {
        keys = null;
        var zoneName = NormaliseZone(zone);
        var fullDirectory = Path.GetFullPath(directory);
        if (BoundedFileReader.OutsideConfinement(fullDirectory, options) is { } outside)
        {
            error = $"the key directory {fullDirectory} cannot be used: {outside}";
            return false;
        }

        if (!Directory.Exists(fullDirectory))
        {
            error = $"the key directory {fullDirectory} does not exist; create the zone's key with `failoverdns dnssec keygen {zoneName}`";
            return false;
        }

        List<string> privateFiles;
        try
        {
            var prefix = "K" + zoneName + "+";
            privateFiles = [.. Directory.EnumerateFiles(fullDirectory, "*.private")
                .Where(f => Path.GetFileName(f).StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"the key directory {fullDirectory} cannot be listed: {e.Message}";
            return false;
        }

        if (privateFiles.Count == 0)
        {
            error = $"the key directory {fullDirectory} holds no key for {zoneName} (no K{zoneName}+*.private); create one with `failoverdns dnssec keygen {zoneName}`";
            return false;
        }

        var read = new List<KeyFile>();
        foreach (var privateFile in privateFiles)
        {
            if (!TryRead(privateFile, zoneName, options, out var key, out error))
            {
                read.ForEach(k => k.Key.Dispose());
                return false;
            }

            read.Add(key);
        }

        keys = read;
        error = null;
        return true;
    }

    /// <summary>
    /// The keys of <paramref name="zone"/> in use at <paramref name="now"/>: those published in DNSKEY, and of them those that sign.
    /// Keys not in use (deleted, or not yet published) are disposed. Fails as <see cref="TryReadAll"/> does, and when no key signs.
    /// </summary>
    public static bool TryReadZone(string directory, string zone, FileReadOptions options, DateTimeOffset now, [NotNullWhen(true)] out ZoneKeys? keys, [NotNullWhen(false)] out string? error)
    {
        keys = null;
        if (!TryReadAll(directory, zone, options, out var all, out error))
        {
            return false;
        }

        var published = new List<SigningKey>();
        var signing = new List<SigningKey>();
        foreach (var file in all)
        {
            var state = file.StateAt(now);
            if (state == KeyState.Unused)
            {
                file.Key.Dispose();
                continue;
            }

            published.Add(file.Key);
            if (state == KeyState.Signing)
            {
                signing.Add(file.Key);
            }
        }

        if (signing.Count == 0)
        {
            published.ForEach(k => k.Dispose());
            error = $"none of the {all.Count} key(s) of {NormaliseZone(zone)} in {Path.GetFullPath(directory)} is active now (see their Publish, Activate, Inactive and Delete times); create one with `failoverdns dnssec keygen {NormaliseZone(zone)}`";
            return false;
        }

        keys = new ZoneKeys(published, signing);
        return true;
    }

    /// <summary>
    /// Writes <paramref name="key"/> as BIND does, published and active from <paramref name="created"/>: the <c>.key</c> file
    /// (mode 0644) and the <c>.private</c> file (mode 0600), creating <paramref name="directory"/> if need be. Existing files are never overwritten.
    /// </summary>
    /// <returns>The paths of the .key and .private files.</returns>
    public static (string PublicFile, string PrivateFile) Write(string directory, string zone, SigningKey key, DateTimeOffset created)
    {
        var zoneName = NormaliseZone(zone);
        Directory.CreateDirectory(directory);
        var stem = Path.Combine(directory, FileStem(zoneName, key.Algorithm, key.KeyTag));
        var time = created.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);
        var readable = created.UtcDateTime.ToString("ddd MMM ", CultureInfo.InvariantCulture) + created.UtcDateTime.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2)
            + created.UtcDateTime.ToString(" HH:mm:ss yyyy", CultureInfo.InvariantCulture);
        var kind = (key.Flags & SigningKey.SecureEntryPointFlag) != 0 ? "key-signing" : "zone-signing";
        var publicText = $"""
            ; This is a {kind} key, keyid {key.KeyTag}, for {zoneName}
            ; Created: {time} ({readable})
            ; Publish: {time} ({readable})
            ; Activate: {time} ({readable})
            {DnskeyText(zoneName, key)}

            """;
        var privateText = $"""
            Private-key-format: v1.3
            Algorithm: {(byte)key.Algorithm} ({MnemonicOf(key.Algorithm)})
            PrivateKey: {Convert.ToBase64String(key.ExportPrivateKey())}
            Created: {time}
            Publish: {time}
            Activate: {time}

            """;
        var privateFile = stem + ".private";
        var publicFile = stem + ".key";
        WriteNew(privateFile, privateText, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        WriteNew(publicFile, publicText, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return (publicFile, privateFile);
    }

    /// <summary>The DNSKEY in zone-file text, as BIND's .key file holds it: <c>example.org. IN DNSKEY 257 3 13 base64</c>.</summary>
    public static string DnskeyText(string zone, SigningKey key)
    {
        var base64 = Convert.ToBase64String(key.PublicKey);
        var chunks = Enumerable.Range(0, (base64.Length + Base64Chunk - 1) / Base64Chunk).Select(i => base64.Substring(i * Base64Chunk, Math.Min(Base64Chunk, base64.Length - (i * Base64Chunk))));
        return $"{NormaliseZone(zone)} IN DNSKEY {key.Flags} 3 {(byte)key.Algorithm} {string.Join(' ', chunks)}";
    }

    /// <summary>BIND's file name of a key without extension: <c>Kexample.org.+013+12345</c>.</summary>
    public static string FileStem(string zone, DnssecAlgorithm algorithm, ushort keyTag) =>
        string.Create(CultureInfo.InvariantCulture, $"K{NormaliseZone(zone)}+{(byte)algorithm:D3}+{keyTag:D5}");

    /// <summary>A zone name as BIND's key files write it: lowercase, with the trailing dot.</summary>
    public static string NormaliseZone(string zone) => (zone.EndsWith('.') ? zone : zone + ".").ToLowerInvariant();

    private static void WriteNew(string path, string text, UnixFileMode mode)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        using var stream = new FileStream(path, options);
        stream.Write(Encoding.ASCII.GetBytes(text));
    }

    /// <summary>Reads one key: <paramref name="privateFile"/> and the .key beside it.</summary>
    private static bool TryRead(string privateFile, string zoneName, FileReadOptions options, [NotNullWhen(true)] out KeyFile? key, [NotNullWhen(false)] out string? error)
    {
        key = null;
        var name = Path.GetFileName(privateFile);
        var match = FileNamePattern().Match(name[(1 + zoneName.Length)..]);
        if (!match.Success)
        {
            error = $"{privateFile}: the file name is not BIND's K<zone>+<algorithm>+<key tag>.private";
            return false;
        }

        var fileAlgorithm = int.Parse(match.Groups["alg"].Value, CultureInfo.InvariantCulture);
        var fileTag = int.Parse(match.Groups["tag"].Value, CultureInfo.InvariantCulture);
        var publicFile = privateFile[..^".private".Length] + ".key";
        if (!TryReadLines(privateFile, options, out var privateLines, out error) || !TryReadLines(publicFile, options, out var publicLines, out error))
        {
            return false;
        }

        if (!TryParsePrivate(privateFile, privateLines, out var algorithm, out var privateKey, out var timing, out error)
            || !TryParsePublic(publicFile, publicLines, zoneName, out var flags, out var publicAlgorithm, out var publicKey, out error))
        {
            return false;
        }

        if (fileAlgorithm != algorithm || publicAlgorithm != algorithm)
        {
            error = $"{privateFile}: the algorithms do not agree: {fileAlgorithm} in the file name, {algorithm} in the .private file, {publicAlgorithm} in {publicFile}";
            return false;
        }

        if (!IsSupported(algorithm, privateFile, out error))
        {
            return false;
        }

        var expectedLength = algorithm == (int)DnssecAlgorithm.EcdsaP256Sha256 ? 32 : 48;
        if (privateKey.Length != expectedLength)
        {
            error = $"{privateFile}: PrivateKey must be {expectedLength} bytes for algorithm {algorithm}, not {privateKey.Length}";
            return false;
        }

        SigningKey signingKey;
        try
        {
            var curve = algorithm == (int)DnssecAlgorithm.EcdsaP256Sha256 ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384;
            signingKey = new SigningKey((DnssecAlgorithm)algorithm, flags, ECDsa.Create(new ECParameters { Curve = curve, D = privateKey })) { Source = privateFile };
        }
        catch (CryptographicException)
        {
            error = $"{privateFile}: PrivateKey is not a valid key for algorithm {algorithm}";
            return false;
        }

        if (!signingKey.PublicKey.AsSpan().SequenceEqual(publicKey))
        {
            signingKey.Dispose();
            error = $"{publicFile} does not hold the public key of {privateFile}: the two files are not one key pair";
            return false;
        }

        if (signingKey.KeyTag != fileTag)
        {
            signingKey.Dispose();
            error = $"{privateFile}: the file name says key tag {fileTag} but the key's tag is {signingKey.KeyTag}";
            return false;
        }

        key = new KeyFile(signingKey, timing, publicFile, privateFile);
        return true;
    }

    private static bool IsSupported(int algorithm, string file, [NotNullWhen(false)] out string? error)
    {
        error = algorithm is (int)DnssecAlgorithm.EcdsaP256Sha256 or (int)DnssecAlgorithm.EcdsaP384Sha384
            ? null
            : $"{file}: algorithm {algorithm} is not supported: FailoverDns signs with ECDSA only, algorithm 13 (ECDSAP256SHA256) or 14 (ECDSAP384SHA384)";
        return error is null;
    }

    private static bool TryReadLines(string path, FileReadOptions options, [NotNullWhen(true)] out string[]? lines, [NotNullWhen(false)] out string? error)
    {
        lines = null;
        if (!BoundedFileReader.TryReadText(path, options, out var text, out var problem))
        {
            error = $"cannot read the key file {path}: {problem}";
            return false;
        }

        lines = text.Split('\n');
        error = null;
        return true;
    }

    /// <summary>The <c>Field: value</c> lines of a .private file. Nothing of the file is quoted in errors: it is the secret.</summary>
    private static bool TryParsePrivate(string file, string[] lines, out int algorithm, out byte[] privateKey, out KeyTiming timing, [NotNullWhen(false)] out string? error)
    {
        algorithm = -1;
        privateKey = [];
        timing = KeyTiming.None;
        var format = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                error = $"{file}:{i + 1}: expected 'Field: value'";
                return false;
            }

            var field = line[..colon];
            var value = line[(colon + 1)..].Trim();
            switch (field)
            {
                case "Private-key-format":
                    if (!value.StartsWith("v1.", StringComparison.Ordinal))
                    {
                        error = $"{file}:{i + 1}: Private-key-format must be v1.x, as BIND writes it";
                        return false;
                    }

                    format = true;
                    break;
                case "Algorithm":
                    var number = value.Split(' ', 2)[0];
                    if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out algorithm) || algorithm > 255)
                    {
                        error = $"{file}:{i + 1}: Algorithm must be a number such as 13";
                        return false;
                    }

                    break;
                case "PrivateKey":
                    var buffer = new byte[value.Length];
                    if (!Convert.TryFromBase64String(value, buffer, out var length))
                    {
                        error = $"{file}:{i + 1}: PrivateKey is not base64";
                        return false;
                    }

                    privateKey = buffer[..length];
                    break;
                case "Created" or "Publish" or "Activate" or "Inactive" or "Delete" or "Revoke":
                    if (!DateTime.TryParseExact(value, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
                    {
                        error = $"{file}:{i + 1}: {field} must be a time as YYYYMMDDHHMMSS (UTC)";
                        return false;
                    }

                    timing = field switch
                    {
                        "Created" => timing with { Created = time },
                        "Publish" => timing with { Publish = time },
                        "Activate" => timing with { Activate = time },
                        "Inactive" => timing with { Inactive = time },
                        "Delete" => timing with { Delete = time },
                        _ => timing with { Revoke = time },
                    };
                    break;
                default:
                    // Fields of other algorithms (RSA's Modulus, ...) and newer BIND metadata are not needed here.
                    break;
            }
        }

        error = !format ? $"{file}: no Private-key-format line: not a BIND private key file"
            : algorithm < 0 ? $"{file}: no Algorithm line"
            : privateKey.Length == 0 && algorithm is (int)DnssecAlgorithm.EcdsaP256Sha256 or (int)DnssecAlgorithm.EcdsaP384Sha384 ? $"{file}: no PrivateKey line"
            : null;
        return error is null;
    }

    /// <summary>The DNSKEY line of a .key file: <c>owner [ttl] [IN] DNSKEY flags 3 algorithm base64...</c>; comments start with ';'.</summary>
    private static bool TryParsePublic(string file, string[] lines, string zoneName, out ushort flags, out int algorithm, out byte[] publicKey, [NotNullWhen(false)] out string? error)
    {
        flags = 0;
        algorithm = -1;
        publicKey = [];
        for (var i = 0; i < lines.Length; i++)
        {
            var content = lines[i].Split(';', 2)[0];
            var words = content.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries).Where(w => w is not ("(" or ")")).ToArray();
            if (words.Length == 0)
            {
                continue;
            }

            var type = Array.FindIndex(words, w => w.Equals("DNSKEY", StringComparison.OrdinalIgnoreCase));
            var where = $"{file}:{i + 1}";
            if (type < 1 || words.Length < type + 5)
            {
                error = $"{where}: expected the key as '{zoneName} IN DNSKEY <flags> 3 <algorithm> <base64 key>'";
                return false;
            }

            if (NormaliseZone(words[0]) != zoneName)
            {
                error = $"{where}: the key is for {Excerpt.Quote(words[0])}, not {zoneName}";
                return false;
            }

            var base64 = string.Concat(words.Skip(type + 4));
            var buffer = new byte[base64.Length];
            if (!ushort.TryParse(words[type + 1], NumberStyles.None, CultureInfo.InvariantCulture, out flags)
                || words[type + 2] != "3"
                || !int.TryParse(words[type + 3], NumberStyles.None, CultureInfo.InvariantCulture, out algorithm)
                || !Convert.TryFromBase64String(base64, buffer, out var length))
            {
                error = $"{where}: the DNSKEY must be '<flags> 3 <algorithm> <base64 key>'";
                return false;
            }

            if ((flags & SigningKey.ZoneKeyFlag) == 0)
            {
                error = $"{where}: the DNSKEY flags {flags} lack the zone key bit (256): not a zone key";
                return false;
            }

            publicKey = buffer[..length];
            error = null;
            return true;
        }

        error = $"{file}: no DNSKEY line";
        return false;
    }

    [GeneratedRegex(@"^\+(?<alg>[0-9]{3})\+(?<tag>[0-9]{5})\.private$")]
    private static partial Regex FileNamePattern();

    private static string MnemonicOf(DnssecAlgorithm algorithm) =>
        algorithm == DnssecAlgorithm.EcdsaP384Sha384 ? "ECDSAP384SHA384" : "ECDSAP256SHA256";
}

/// <summary>What a key does at a given time, from its BIND timing.</summary>
public enum KeyState
{
    /// <summary>Not yet published, or deleted: not in the zone at all.</summary>
    Unused,

    /// <summary>In the DNSKEY RRset but not signing: before Activate, after Inactive, or revoked (a rollover's other half).</summary>
    Published,

    /// <summary>In the DNSKEY RRset and signing.</summary>
    Signing,
}

/// <summary>BIND's key timing metadata (dnssec-settime); a missing time puts no limit.</summary>
public sealed record KeyTiming(DateTime? Created, DateTime? Publish, DateTime? Activate, DateTime? Inactive, DateTime? Delete, DateTime? Revoke)
{
    public static KeyTiming None { get; } = new(null, null, null, null, null, null);

    public KeyState StateAt(DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        if (Delete <= utc || Publish > utc)
        {
            return KeyState.Unused;
        }

        return Activate > utc || Inactive <= utc || Revoke <= utc ? KeyState.Published : KeyState.Signing;
    }
}

/// <summary>One key as read from its pair of files.</summary>
public sealed record KeyFile(SigningKey Key, KeyTiming Timing, string PublicFile, string PrivateFile)
{
    public KeyState StateAt(DateTimeOffset now) => Timing.StateAt(now);
}

/// <summary>A zone's keys in use: every key in <see cref="Published"/> goes in the DNSKEY RRset; those in <see cref="Signing"/> (a subset) sign.</summary>
public sealed record ZoneKeys(IReadOnlyList<SigningKey> Published, IReadOnlyList<SigningKey> Signing);
