using System.Security.Cryptography.X509Certificates;

namespace FailoverDns.Health.Checks;

/// <summary>
/// What one probe sends and when. Two checks with equal options share one probe. Defaults follow
/// Route 53 (README, Failover records and health checks).
/// </summary>
public sealed record EndpointCheckOptions
{
    /// <summary>The body is searched for <see cref="Match"/> within this many bytes (Route 53).</summary>
    public const int MatchWindow = 5120;

    /// <summary>The User-Agent sent unless a check sets its own.</summary>
    public const string DefaultUserAgent = "FailoverDns-HealthCheck/1.0";

    public required ProbeProtocol Protocol { get; init; }

    /// <summary>An IP address or a host name (resolved at every probe).</summary>
    public required string Target { get; init; }

    public required int Port { get; init; }

    /// <summary>Path and query of the HTTP request, starting with '/'.</summary>
    public string Path { get; init; } = "/";

    /// <summary>The Host header; default: the target, with <c>:port</c> on non-standard ports.</summary>
    public string? HostHeader { get; init; }

    /// <summary>HTTPS: send SNI (the Host header's name, or <see cref="ServerName"/>).</summary>
    public bool Sni { get; init; } = true;

    /// <summary>HTTPS: the name sent as SNI and validated against, when it differs from the Host header.</summary>
    public string? ServerName { get; init; }

    /// <summary>HTTPS: Route 53 does not validate certificates; opt in per check.</summary>
    public bool ValidateCertificate { get; init; }

    /// <summary>
    /// HTTPS: the CA certificates a valid certificate must chain to, instead of the system's (an
    /// internal CA); empty for the system's. Given, they imply <see cref="ValidateCertificate"/>.
    /// </summary>
    public IReadOnlyList<X509Certificate2> TrustedCertificates { get; init; } = [];

    /// <summary>HTTP: GET, or HEAD for an endpoint that should not send a body (a HEAD check cannot <see cref="Match"/>).</summary>
    public string Method { get; init; } = "GET";

    public string UserAgent { get; init; } = DefaultUserAgent;

    /// <summary>HTTP: further request headers, in the order written (never Host, User-Agent or hop-by-hop ones).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public IReadOnlyList<StatusRange> HealthyStatuses { get; init; } = StatusRange.Default;

    /// <summary>A case-sensitive string that must appear in the first 5,120 bytes of the body.</summary>
    public string? Match { get; init; }

    /// <summary>
    /// The local address probes connect from; any when null. A multi-homed host needs it to probe over
    /// the right path, and it is what tells probe locations on one machine apart.
    /// </summary>
    public System.Net.IPAddress? SourceAddress { get; init; }

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed to connect (HTTP 4 s, TCP 10 s in Route 53).</summary>
    public required TimeSpan ConnectTimeout { get; init; }

    /// <summary>HTTP: time allowed, once connected, for the status line (and the matched body).</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The Host header actually sent: the target (IPv6 in brackets), with <c>:port</c> on non-standard ports.</summary>
    public string EffectiveHostHeader
    {
        get
        {
            if (HostHeader is not null)
            {
                return HostHeader;
            }

            var host = Target.Contains(':', StringComparison.Ordinal) ? $"[{Target}]" : Target;
            return Port == (Protocol == ProbeProtocol.Https ? 443 : 80) ? host : FormattableString.Invariant($"{host}:{Port}");
        }
    }

    public bool Equals(EndpointCheckOptions? other) =>
        other is not null && Protocol == other.Protocol && Target == other.Target && Port == other.Port && Path == other.Path
        && HostHeader == other.HostHeader && Sni == other.Sni && ServerName == other.ServerName && ValidateCertificate == other.ValidateCertificate
        && HealthyStatuses.SequenceEqual(other.HealthyStatuses) && Match == other.Match && Equals(SourceAddress, other.SourceAddress) && Interval == other.Interval
        && ConnectTimeout == other.ConnectTimeout && ResponseTimeout == other.ResponseTimeout
        && Method == other.Method && UserAgent == other.UserAgent && Headers.SequenceEqual(other.Headers)
        && TrustedCertificates.Select(c => c.Thumbprint).SequenceEqual(other.TrustedCertificates.Select(c => c.Thumbprint));

    public override int GetHashCode() => HashCode.Combine(HashCode.Combine(Protocol, Target, Port, Path, HostHeader, Match), HashCode.Combine(Sni, ServerName, ValidateCertificate, SourceAddress, Interval, ConnectTimeout, ResponseTimeout), HashCode.Combine(Method, UserAgent, Headers.Count, TrustedCertificates.Count));

    public override string ToString() => Protocol switch
    {
        ProbeProtocol.Tcp => FormattableString.Invariant($"tcp://{Target}:{Port}"),
        _ => FormattableString.Invariant($"{Protocol.ToString().ToLowerInvariant()}://{Target}:{Port}{Path}"),
    };
}
