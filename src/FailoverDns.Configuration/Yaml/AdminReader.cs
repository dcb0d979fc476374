using FailoverDns.Zones.Text;
using YamlDotNet.RepresentationModel;

namespace FailoverDns.Configuration.Yaml;

/// <summary>Reads the <c>admin</c> section.</summary>
internal static class AdminReader
{
    public static AdminOptions Read(YamlMap root, string configPath)
    {
        var defaults = new AdminOptions { StateFile = DefaultStateFile(configPath) };
        var map = root.Map("admin");
        if (map is null)
        {
            return defaults;
        }

        var enabled = map.Bool("enabled", true);
        var listenText = map.Scalar("listen");
        var token = map.Scalar("token");
        var stateFile = map.Scalar("stateFile");
        var allowedHosts = AllowedHosts(map);
        var maxOverride = map.Duration("maxOverride", AdminOptions.DefaultMaxOverride, TimeSpan.FromMinutes(1), AdminOptions.MaxOverrideLimit);
        map.RejectUnknownKeys();
        var listen = AdminOptions.DefaultListen;
        if (listenText is not null && !AddressText.TryParseEndpoint(listenText, AdminOptions.DefaultListen.Port, out listen))
        {
            map.Error("listen", $"'listen' must be an address and port such as 127.0.0.1:8053, not {Excerpt.Quote(listenText)}");
        }

        if (token is { Length: < 16 })
        {
            map.Error("token", "'token' must be at least 16 characters (it guards overrides)");
        }

        return new AdminOptions
        {
            Listen = enabled ? listen : null,
            Token = token,
            StateFile = stateFile is null ? defaults.StateFile : Path.Combine(ConfigLoader.DirectoryOf(configPath), stateFile),
            AllowedHosts = allowedHosts,
            MaxOverride = maxOverride,
        };
    }

    private static List<string> AllowedHosts(YamlMap map)
    {
        var hosts = new List<string>();
        foreach (var node in map.Sequence("allowedHosts"))
        {
            var text = (node as YamlScalarNode)?.Value ?? "";
            if (AdminOptions.NormalizeHost(text) is { } host)
            {
                hosts.Add(host);
            }
            else
            {
                map.Error(node, $"'allowedHosts' entries must be host names or addresses without a port, such as admin.example.com or 192.0.2.10, not {Excerpt.Quote(text)}");
            }
        }

        return hosts;
    }

    private static string DefaultStateFile(string configPath) =>
        Path.Combine(ConfigLoader.DirectoryOf(configPath), "failoverdns.state.json");
}
