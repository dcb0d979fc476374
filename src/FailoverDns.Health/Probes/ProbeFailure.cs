namespace FailoverDns.Health.Probes;

/// <summary>Why a probe failed; <see cref="None"/> when it succeeded.</summary>
public enum ProbeFailure
{
    None,

    /// <summary>The target's host name did not resolve.</summary>
    DnsFailure,

    /// <summary>The target actively refused the connection (RST).</summary>
    ConnectionRefused,

    /// <summary>No connection within the connect timeout.</summary>
    ConnectTimeout,

    /// <summary>Connected, but no (complete) response within the response timeout.</summary>
    ResponseTimeout,

    /// <summary>The TLS handshake failed (including an invalid certificate when validation is on).</summary>
    TlsError,

    /// <summary>A status code outside the healthy ranges.</summary>
    StatusCode,

    /// <summary>The body's first 5,120 bytes did not contain the match string.</summary>
    StringNotFound,

    /// <summary>Anything else: reset mid-response, a protocol violation, an unreachable network.</summary>
    ConnectionError,
}
