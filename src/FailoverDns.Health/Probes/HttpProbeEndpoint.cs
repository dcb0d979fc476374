using System.Net;
using System.Net.Sockets;
using FailoverDns.Health.Checks;

namespace FailoverDns.Health.Probes;

/// <summary>
/// What an HTTP(S) probe puts on the wire, worked out once from its options.
/// </summary>
/// <param name="RequestUri">
/// Always <c>http://</c>: the probe's connect callback does TLS itself, so the handler must not
/// wrap the stream a second time.
/// </param>
/// <param name="HostHeader">The Host header sent.</param>
/// <param name="SniHostName">The TLS target host (sent as SNI unless it is an IP literal); null when SNI is off.</param>
/// <param name="CertificateHostName">The name the certificate must match when validation is on.</param>
internal sealed record HttpProbeEndpoint(Uri RequestUri, string HostHeader, string? SniHostName, string CertificateHostName)
{
    /// <exception cref="ArgumentException">The target, port, path or Host header cannot form a request.</exception>
    public static HttpProbeEndpoint FromOptions(EndpointCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var isLiteral = TcpConnector.TryParseAddress(options.Target, out var address);
        var uriHost = isLiteral && address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : options.Target;
        if (!Uri.TryCreate(FormattableString.Invariant($"http://{uriHost}:{options.Port}{options.Path}"), UriKind.Absolute, out var uri)
            || options.Path.Length == 0 || options.Path[0] != '/')
        {
            throw new ArgumentException($"Cannot form a request to {options}.", nameof(options));
        }

        var hostHeader = options.HostHeader ?? DefaultHostHeader(options, isLiteral ? address : null, uriHost);
        using (var trial = new HttpRequestMessage())
        {
            try
            {
                trial.Headers.Host = hostHeader;
            }
            catch (FormatException ex)
            {
                throw new ArgumentException($"Invalid Host header '{hostHeader}'.", nameof(options), ex);
            }
        }

        var certificateName = options.ServerName ?? HostOf(hostHeader);
        return new HttpProbeEndpoint(uri, hostHeader, options.Sni ? certificateName : null, certificateName);
    }

    /// <summary>The host part of a Host header: without the port, without IPv6 brackets.</summary>
    public static string HostOf(string hostHeader)
    {
        if (hostHeader.StartsWith('['))
        {
            var close = hostHeader.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? hostHeader[1..close] : hostHeader;
        }

        var colon = hostHeader.IndexOf(':', StringComparison.Ordinal);

        // More than one colon is a bare IPv6 literal, not host:port.
        return colon >= 0 && hostHeader.IndexOf(':', colon + 1) < 0 ? hostHeader[..colon] : hostHeader;
    }

    // EndpointCheckOptions.EffectiveHostHeader writes an IPv6 literal without brackets, which is
    // not a valid Host header (RFC 7230 section 5.4 uses the URI authority form).
    private static string DefaultHostHeader(EndpointCheckOptions options, IPAddress? literal, string uriHost)
    {
        if (literal?.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return options.EffectiveHostHeader;
        }

        var standardPort = options.Protocol == ProbeProtocol.Https ? 443 : 80;
        return options.Port == standardPort ? uriHost : FormattableString.Invariant($"{uriHost}:{options.Port}");
    }
}
