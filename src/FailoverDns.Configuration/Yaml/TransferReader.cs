using System.Net;
using FailoverDns.Zones;
using FailoverDns.Zones.Text;
using YamlDotNet.RepresentationModel;

namespace FailoverDns.Configuration.Yaml;

/// <summary>Reads a zone's <c>transfer</c> section; null when there is none.</summary>
internal static class TransferReader
{
    /// <summary>NOTIFY goes to the DNS port unless a secondary listens elsewhere.</summary>
    private const int DnsPort = 53;

    public static ZoneTransferOptions? Read(YamlMap zone)
    {
        if (zone.Map("transfer") is not { } map)
        {
            return null;
        }

        var allow = new List<IPNetwork>();
        foreach (var node in map.Sequence("allow"))
        {
            var text = (node as YamlScalarNode)?.Value ?? "";
            if (AddressText.TryParseNetwork(text, out var network))
            {
                allow.Add(network);
            }
            else
            {
                map.Error(node, $"transfer 'allow' entries are addresses or prefixes of the secondaries, such as 192.0.2.53 or 2001:db8::/64, not {Excerpt.Quote(text)}");
            }
        }

        var notify = new List<IPEndPoint>();
        var nameservers = false;
        foreach (var node in map.Sequence("notify"))
        {
            var text = (node as YamlScalarNode)?.Value ?? "";
            if (text == "nameservers")
            {
                nameservers = true;
            }
            else if (AddressText.TryParseEndpoint(text, DnsPort, out var endpoint))
            {
                notify.Add(endpoint);
            }
            else
            {
                map.Error(node, $"transfer 'notify' entries are addresses of secondaries, with a port when not 53 (192.0.2.53, 192.0.2.53:5353 or [2001:db8::53]:5353), or 'nameservers', not {Excerpt.Quote(text)}");
            }
        }

        var keys = new List<string>();
        foreach (var node in map.Sequence("keys"))
        {
            var text = (node as YamlScalarNode)?.Value ?? "";
            keys.Add((text.EndsWith('.') ? text : text + ".").ToLowerInvariant());
        }

        map.RejectUnknownKeys();
        if (allow.Count == 0 && keys.Count == 0 && !map.Has("allow"))
        {
            map.Error(null, "transfer needs 'allow' (the secondaries' addresses) or 'keys' (the TSIG keys they sign with), or both");
        }

        return new ZoneTransferOptions { Allow = allow, Notify = notify, Keys = keys, NotifyNameservers = nameservers };
    }
}
