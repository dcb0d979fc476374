using System.Net;
using FailoverDns.Zones.Text;
using YamlDotNet.RepresentationModel;

namespace FailoverDns.Configuration.Yaml;

/// <summary>Reads the <c>server.rateLimit</c> section.</summary>
internal static class RateLimitReader
{
    /// <summary>The limits keep a bucket's balance (rate × window) inside the 24 bits it is packed into.</summary>
    public const int MaxResponsesPerSecond = 100_000;

    public const int MaxWindow = 60;

    public const int MaxTableSize = 1 << 24;

    public static RateLimitOptions Read(YamlMap server)
    {
        var defaults = new RateLimitOptions();
        var map = server.Map("rateLimit");
        if (map is null)
        {
            return defaults;
        }

        var options = new RateLimitOptions
        {
            ResponsesPerSecond = map.Int("responsesPerSecond", defaults.ResponsesPerSecond, 0, MaxResponsesPerSecond),
            Slip = map.Int("slip", defaults.Slip, 0, 100),
            Window = map.Int("window", defaults.Window, 1, MaxWindow),
            Ipv4PrefixLength = map.Int("ipv4PrefixLength", defaults.Ipv4PrefixLength, 0, 32),
            Ipv6PrefixLength = map.Int("ipv6PrefixLength", defaults.Ipv6PrefixLength, 0, 128),
            TableSize = map.Int("tableSize", defaults.TableSize, 1, MaxTableSize),
            Whitelist = map.Has("whitelist") ? ReadWhitelist(map) : defaults.Whitelist,
        };
        map.RejectUnknownKeys();
        return options;
    }

    private static List<IPNetwork> ReadWhitelist(YamlMap map)
    {
        var result = new List<IPNetwork>();
        foreach (var node in map.Sequence("whitelist"))
        {
            var text = (node as YamlScalarNode)?.Value;
            if (text is null)
            {
                map.Error(node, "each whitelist entry must be an address or prefix, such as 192.0.2.0/24 or 2001:db8::/32");
            }
            else if (AddressText.TryParseNetwork(text, out var network))
            {
                result.Add(network);
            }
            else
            {
                map.Error(node, $"{Excerpt.Quote(text)} is not an address or prefix (write 192.0.2.0/24 or 2001:db8::/32)");
            }
        }

        return result;
    }
}
