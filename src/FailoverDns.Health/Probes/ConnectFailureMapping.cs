using System.Net.Sockets;

namespace FailoverDns.Health.Probes;

/// <summary>Turns socket errors into the failure kinds an operator acts on differently.</summary>
internal static class ConnectFailureMapping
{
    public static ConnectOutcome ForConnect(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => ConnectOutcome.Failed(ProbeFailure.ConnectionRefused, "connection refused"),

        // The kernel gave up on the SYN before our own timer did: still a connect timeout.
        SocketError.TimedOut => ConnectOutcome.Failed(ProbeFailure.ConnectTimeout, "connection timed out"),
        SocketError.NetworkUnreachable or SocketError.NetworkDown => ConnectOutcome.Failed(ProbeFailure.ConnectionError, "network unreachable"),
        SocketError.HostUnreachable or SocketError.HostDown => ConnectOutcome.Failed(ProbeFailure.ConnectionError, "host unreachable"),
        SocketError.AddressNotAvailable => ConnectOutcome.Failed(ProbeFailure.ConnectionError, "address not available"),
        SocketError.ConnectionReset => ConnectOutcome.Failed(ProbeFailure.ConnectionError, "connection reset"),
        SocketError.AccessDenied => ConnectOutcome.Failed(ProbeFailure.ConnectionError, "connect not permitted"),
        _ => ConnectOutcome.Failed(ProbeFailure.ConnectionError, $"connect failed: {error}"),
    };

    public static ConnectOutcome ForResolve(SocketError error, string host) => error switch
    {
        SocketError.HostNotFound => ConnectOutcome.Failed(ProbeFailure.DnsFailure, $"cannot resolve {host}: no such host"),
        SocketError.NoData => ConnectOutcome.Failed(ProbeFailure.DnsFailure, $"cannot resolve {host}: no address records"),
        SocketError.TryAgain => ConnectOutcome.Failed(ProbeFailure.DnsFailure, $"cannot resolve {host}: temporary resolver failure"),
        _ => ConnectOutcome.Failed(ProbeFailure.DnsFailure, $"cannot resolve {host}: {error}"),
    };
}
