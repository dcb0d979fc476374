using System.Text.RegularExpressions;
using FailoverDns.Health.Policy;
using FailoverDns.Zones.Text;
using YamlDotNet.RepresentationModel;

namespace FailoverDns.Configuration.Yaml;

/// <summary>Reads the <c>cluster</c> section; null when there is none.</summary>
internal static partial class ClusterReader
{
    public static ClusterOptions? Read(YamlMap root, string configPath, Func<string, string?> environment)
    {
        var map = root.Map("cluster");
        if (map is null)
        {
            return null;
        }

        var location = map.Scalar("location");
        var label = map.Scalar("label");
        var quorum = ReadQuorum(map);
        var ownVerdictsAfter = map.Scalar("ownVerdictsAfter") is null or "never" ? null : (TimeSpan?)map.Duration("ownVerdictsAfter", TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7));
        var leaseTtl = map.Duration("leaseTtl", ClusterOptions.DefaultLeaseTtl, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(10));
        var etcd = map.Map("etcd");
        map.RejectUnknownKeys();
        if (location is null || !LocationName().IsMatch(location))
        {
            map.Error(location is null ? null : "location", location is null
                ? "cluster needs 'location', this instance's name among the probe locations (such as fra1)"
                : $"'location' must be 1 to 63 letters, digits, '.', '-' or '_', not {Excerpt.Quote(location)}");
        }

        if (etcd is null)
        {
            map.Error(null, "cluster needs 'etcd', with at least 'endpoints'");
            return null;
        }

        var endpoints = ReadEndpoints(etcd);
        var prefix = etcd.Scalar("prefix") ?? ClusterOptions.DefaultPrefix;
        var username = etcd.Scalar("username");
        var password = ReadPassword(etcd, environment);
        var timeout = etcd.Duration("timeout", ClusterOptions.DefaultTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        var tls = etcd.Map("tls");
        string? File(string key) => tls?.Scalar(key) is { } file ? Path.Combine(ConfigLoader.DirectoryOf(configPath), file) : null;
        var (ca, cert, key) = (File("caFile"), File("certFile"), File("keyFile"));
        tls?.RejectUnknownKeys();
        etcd.RejectUnknownKeys();
        if (!prefix.StartsWith('/') || !prefix.EndsWith('/') || prefix.Length > 200)
        {
            etcd.Error("prefix", $"'prefix' must start and end with '/' (such as /failoverdns/prod/), not {Excerpt.Quote(prefix)}");
        }

        if ((username is null) != (password is null))
        {
            etcd.Error(username is null ? "password" : "username", "give 'username' and 'password' (or FAILOVERDNS_ETCD_PASSWORD) together");
        }

        if ((cert is null) != (key is null))
        {
            tls!.Error(cert is null ? "keyFile" : "certFile", "give 'certFile' and 'keyFile' together");
        }

        if (tls is not null && endpoints.Any(e => e.Scheme != Uri.UriSchemeHttps))
        {
            tls.Error(null, "'tls' needs every endpoint to be an https URL");
        }

        return location is null || endpoints.Count == 0 ? null : new ClusterOptions
        {
            Location = location,
            Label = label,
            Endpoints = endpoints,
            Prefix = prefix,
            Username = username,
            Password = password,
            CaFile = ca,
            CertFile = cert,
            KeyFile = key,
            Timeout = timeout,
            LeaseTtl = leaseTtl,
            Quorum = quorum,
            OwnVerdictsAfter = ownVerdictsAfter,
        };
    }

    private static List<Uri> ReadEndpoints(YamlMap etcd)
    {
        var endpoints = new List<Uri>();
        foreach (var node in etcd.Sequence("endpoints"))
        {
            var text = (node as YamlScalarNode)?.Value ?? "";
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/" && uri.UserInfo.Length == 0)
            {
                endpoints.Add(uri);
            }
            else
            {
                etcd.Error(node, $"etcd endpoints are URLs such as http://10.0.0.5:2379 or https://etcd1.example.net:2379, not {Excerpt.Quote(text)}");
            }
        }

        if (endpoints.Count == 0 && !etcd.Has("endpoints"))
        {
            etcd.Error(null, "etcd needs 'endpoints', a list of its client URLs");
        }

        return endpoints;
    }

    private static string? ReadPassword(YamlMap etcd, Func<string, string?> environment)
    {
        var password = etcd.Scalar("password");
        if (password is "")
        {
            etcd.Error("password", "'password' is empty");
        }

        // The environment wins, so a config file in version control can leave the secret out.
        return environment(ClusterOptions.PasswordVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : password;
    }

    private static QuorumRule ReadQuorum(YamlMap map)
    {
        var text = map.Scalar("quorum");
        var minLocations = map.Int("minLocations", 1, 1, 1000);
        QuorumRule? rule = text switch
        {
            null or "route53" => QuorumRule.Route53,
            "majority" => new QuorumRule(QuorumKind.Majority),
            "all" => new QuorumRule(QuorumKind.All),
            _ when int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 1000 => new QuorumRule(QuorumKind.AtLeast, n),
            _ => null,
        };
        if (rule is null)
        {
            map.Error("quorum", $"'quorum' must be route53, majority, all or a number of locations (1 to 1000), not {Excerpt.Quote(text)}");
            return QuorumRule.Route53;
        }

        return rule with { MinLocations = minLocations };
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,63}$")]
    private static partial Regex LocationName();
}
