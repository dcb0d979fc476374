using System.Net.Sockets;
using FailoverDns.Health.Probes;

namespace FailoverDns.Health.Tests.Probes;

public sealed class ConnectFailureMappingTests
{
    [Theory]
    [InlineData(SocketError.ConnectionRefused, ProbeFailure.ConnectionRefused, "connection refused")]
    [InlineData(SocketError.TimedOut, ProbeFailure.ConnectTimeout, "connection timed out")]
    [InlineData(SocketError.NetworkUnreachable, ProbeFailure.ConnectionError, "network unreachable")]
    [InlineData(SocketError.HostUnreachable, ProbeFailure.ConnectionError, "host unreachable")]
    [InlineData(SocketError.AccessDenied, ProbeFailure.ConnectionError, "connect not permitted")]
    [InlineData(SocketError.ProtocolNotSupported, ProbeFailure.ConnectionError, "connect failed: ProtocolNotSupported")]
    public void ForConnect_SocketError_MapsToFailure(SocketError error, ProbeFailure failure, string detail)
    {
        var outcome = ConnectFailureMapping.ForConnect(error);

        outcome.Socket.Should().BeNull();
        outcome.Failure.Should().Be(failure);
        outcome.Detail.Should().Be(detail);
    }

    [Theory]
    [InlineData(SocketError.HostNotFound, "cannot resolve db.example: no such host")]
    [InlineData(SocketError.NoData, "cannot resolve db.example: no address records")]
    [InlineData(SocketError.TryAgain, "cannot resolve db.example: temporary resolver failure")]
    public void ForResolve_SocketError_IsDnsFailure(SocketError error, string detail)
    {
        var outcome = ConnectFailureMapping.ForResolve(error, "db.example");

        outcome.Failure.Should().Be(ProbeFailure.DnsFailure);
        outcome.Detail.Should().Be(detail);
    }
}
