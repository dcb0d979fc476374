using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FailoverDns.Zones.Text;

/// <summary>
/// IP addresses as people write them, strictly: <see cref="IPAddress.TryParse(string, out IPAddress)"/>
/// alone takes "127.1", octal "010.0.0.1", "[::1]:53" and "fe80::1%eth0", none of which belong here.
/// </summary>
public static class AddressText
{
    public static bool TryParse(string text, out IPAddress address)
    {
        address = IPAddress.None;
        var valid = text.Contains(':', StringComparison.Ordinal) ? IsIPv6Text(text) : IsDottedQuad(text);
        if (!valid || !IPAddress.TryParse(text, out var parsed))
        {
            return false;
        }

        address = parsed;
        return true;
    }

    public static bool TryParse(string text, AddressFamily family, out IPAddress address) =>
        TryParse(text, out address) && address.AddressFamily == family;

    /// <summary>A prefix (<c>192.0.2.0/24</c>, <c>2001:db8::/32</c>) or one address, as a network of that address alone.</summary>
    public static bool TryParseNetwork(string text, out IPNetwork network)
    {
        if (IPNetwork.TryParse(text, out network))
        {
            return true;
        }

        if (IPAddress.TryParse(text, out var address))
        {
            network = new IPNetwork(address, address.GetAddressBytes().Length * 8);
            return true;
        }

        return false;
    }

    /// <summary><c>192.0.2.1:53</c>, <c>[2001:db8::1]:53</c>, or a bare address with <paramref name="defaultPort"/>.</summary>
    public static bool TryParseEndpoint(string text, int defaultPort, out IPEndPoint endpoint) =>
        TryParseEndpoint(text, (int?)defaultPort, out endpoint);

    /// <summary><c>192.0.2.1:53</c> or <c>[2001:db8::1]:53</c>: the port is required.</summary>
    public static bool TryParseEndpointWithPort(string text, out IPEndPoint endpoint) =>
        TryParseEndpoint(text, null, out endpoint);

    private static bool TryParseEndpoint(string text, int? defaultPort, out IPEndPoint endpoint)
    {
        endpoint = null!;
        string host;
        int port;
        if (text.StartsWith('[') && text.EndsWith(']'))
        {
            if (defaultPort is not { } bracketDefault)
            {
                return false;
            }

            port = bracketDefault;
            host = text[1..^1];
        }
        else if (text.StartsWith('['))
        {
            var close = text.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0 || !int.TryParse(text.AsSpan(close + 2), NumberStyles.None, CultureInfo.InvariantCulture, out port))
            {
                return false;
            }

            host = text[1..close];
        }
        else if (text.Count(c => c == ':') == 1)
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port))
            {
                return false;
            }

            host = text[..colon];
        }
        else if (defaultPort is { } bareDefault)
        {
            host = text;
            port = bareDefault;
        }
        else
        {
            return false;
        }

        if (port > IPEndPoint.MaxPort || !TryParse(host, out var address))
        {
            return false;
        }

        endpoint = new IPEndPoint(address, port);
        return true;
    }

    private static bool IsDottedQuad(string text)
    {
        var parts = text.Split('.');
        // No leading zeros: IPAddress.TryParse reads "010" as octal 8; inet_pton rejects it.
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit) && (p.Length == 1 || p[0] != '0'));
    }

    private static bool IsIPv6Text(string text) => text.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.');
}
