using System.Net;
using FailoverDns.Configuration;

namespace FailoverDns.Server.Admin;

/// <summary>
/// Which <c>Host</c> headers the admin API answers. A web page can reach a loopback or internal API
/// through DNS rebinding: its own name, made to resolve to the API's address, arrives as the
/// <c>Host</c>. So a name is accepted only when the config lists it (or it is <c>localhost</c>, which
/// no one outside can point elsewhere), and an address only when the API listens on it.
/// </summary>
/// <remarks>
/// The port is not compared: rebinding is decided by the name, and with port forwarding (a
/// container's <c>-p 18053:8053</c>) clients rightly send a port the server does not listen on.
/// </remarks>
internal sealed class AdminHostPolicy
{
    private readonly IPAddress _listen;
    private readonly HashSet<string> _allowed;

    public AdminHostPolicy(IPEndPoint listen, IReadOnlyList<string> allowedHosts)
    {
        _listen = listen.Address.IsIPv4MappedToIPv6 ? listen.Address.MapToIPv4() : listen.Address;
        _allowed = new HashSet<string>(allowedHosts, StringComparer.Ordinal);
    }

    private bool ListensOnAny => _listen.Equals(IPAddress.Any) || _listen.Equals(IPAddress.IPv6Any);

    private bool ListensOnLoopback => IPAddress.IsLoopback(_listen);

    /// <param name="host">The <c>Host</c> header's host, without its port (IPv6 in brackets).</param>
    public bool Allows(string host)
    {
        // A request without a Host (HTTP/1.0) does not come from a browser, which always sends one.
        if (host.Length == 0)
        {
            return true;
        }

        if (AdminOptions.NormalizeHost(host) is not { } normalized)
        {
            return false;
        }

        if (_allowed.Contains(normalized))
        {
            return true;
        }

        if (IPAddress.TryParse(normalized, out var address))
        {
            // No name was resolved, so nothing was rebound; still only the address listened on is
            // accepted (any on 0.0.0.0 or [::], where the machine's addresses are not known here).
            address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            return ListensOnAny || address.Equals(_listen) || (ListensOnLoopback && IPAddress.IsLoopback(address));
        }

        return normalized == "localhost" && (ListensOnLoopback || ListensOnAny);
    }
}
