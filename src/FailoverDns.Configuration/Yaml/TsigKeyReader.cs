using FailoverDns.Protocol;
using FailoverDns.Protocol.Tsig;
using FailoverDns.Zones.Text;
using YamlDotNet.RepresentationModel;

namespace FailoverDns.Configuration.Yaml;

/// <summary>
/// Reads <c>tsigKeys</c>: each a name, an algorithm and a base64 secret given in the file, in a file of
/// its own, or in an environment variable. Errors never quote a secret.
/// </summary>
internal static class TsigKeyReader
{
    private static readonly string[] SecretKeys = ["secret", "secretFile", "secretEnv"];

    public static List<TsigKey> Read(YamlMap root, string configPath, Func<string, string?> environment)
    {
        var keys = new List<TsigKey>();
        foreach (var node in root.Sequence("tsigKeys"))
        {
            if (node is not YamlMappingNode mapping)
            {
                root.Error(node, "each TSIG key is a mapping with name, algorithm and secret (or secretFile, or secretEnv)");
                continue;
            }

            var map = root.Child(mapping);
            var name = map.Scalar("name");
            var algorithm = map.Scalar("algorithm") ?? "hmac-sha256";
            var secret = ReadSecret(map, configPath, environment);
            map.RejectUnknownKeys();
            if (name is null || DnsName.Parse(name.EndsWith('.') ? name : name + ".") is null)
            {
                map.Error(name is null ? null : "name", name is null ? "a TSIG key needs 'name', as the secondaries know it (such as xfr-key)" : $"'name' must be a domain name such as xfr-key, not {Excerpt.Quote(name)}");
                continue;
            }

            if (!TsigAlgorithms.TryParse(algorithm, out _))
            {
                map.Error("algorithm", $"'algorithm' must be hmac-sha256, hmac-sha512, hmac-sha384 or hmac-sha1, not {Excerpt.Quote(algorithm)}");
                continue;
            }

            if (secret is null)
            {
                continue;
            }

            var key = TsigKey.FromText(name, algorithm, secret);
            if (keys.Any(k => DnsName.EqualsIgnoreCase(k.Name, key.Name)))
            {
                map.Error("name", $"TSIG key {Excerpt.Quote(name)} is defined twice");
                continue;
            }

            keys.Add(key);
        }

        return keys;
    }

    private static string? ReadSecret(YamlMap map, string configPath, Func<string, string?> environment)
    {
        var given = SecretKeys.Where(map.Has).ToList();
        if (given.Count != 1)
        {
            map.Error(given.Count == 0 ? null : given[1], "a TSIG key needs exactly one of 'secret' (base64), 'secretFile' or 'secretEnv'");
            return null;
        }

        string? secret;
        switch (given[0])
        {
            case "secretFile":
                var path = Path.Combine(ConfigLoader.DirectoryOf(configPath), map.Scalar("secretFile")!);
                if (!BoundedFileReader.TryReadText(path, FileReadOptions.Default with { ConfinedTo = null }, out var text, out var problem))
                {
                    map.Error("secretFile", $"the secret file cannot be read: {problem}");
                    return null;
                }

                secret = text.Trim();
                break;
            case "secretEnv":
                secret = environment(map.Scalar("secretEnv")!);
                if (string.IsNullOrEmpty(secret))
                {
                    map.Error("secretEnv", $"environment variable {map.Scalar("secretEnv")} (secretEnv) is not set");
                    return null;
                }

                break;
            default:
                secret = map.Scalar("secret");
                break;
        }

        var buffer = new byte[((secret?.Length ?? 0) * 3 / 4) + 3];
        if (string.IsNullOrEmpty(secret) || !Convert.TryFromBase64String(secret, buffer, out var length) || length < 16)
        {
            // Never quoted: it is the secret.
            map.Error(given[0], "the TSIG secret must be base64 of at least 16 bytes (as `tsig-keygen` or `keymgr -t` print it)");
            return null;
        }

        return secret;
    }
}
