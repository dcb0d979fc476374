namespace FailoverDns.Configuration.Tests;

public sealed class ServerOptionsTests
{
    private const string Zone = """
        zones:
          - { name: example.test, soa: {}, nameservers: [ns1.example.net.] }
        """;

    [Fact]
    public void LoadText_NoTcpKeys_DefaultsThatBoundEveryConnection()
    {
        var result = ConfigLoader.LoadText(Zone, "t.yaml");

        result.Errors.Should().BeEmpty();
        var server = result.Config!.Server;
        server.TcpMessageTimeout.Should().Be(TimeSpan.FromSeconds(2));
        server.TcpSendTimeout.Should().Be(TimeSpan.FromSeconds(5));
        server.TcpMaxConnectionsPerClient.Should().Be(20);
    }

    [Fact]
    public void LoadText_TcpDeadlinesAndPerClientLimit_Read()
    {
        var result = ConfigLoader.LoadText("""
            server:
              tcpMessageTimeout: 500ms
              tcpSendTimeout: 3s
              tcpMaxConnectionsPerClient: 4
            """ + "\n" + Zone, "t.yaml");

        result.Errors.Should().BeEmpty();
        var server = result.Config!.Server;
        server.TcpMessageTimeout.Should().Be(TimeSpan.FromMilliseconds(500));
        server.TcpSendTimeout.Should().Be(TimeSpan.FromSeconds(3));
        server.TcpMaxConnectionsPerClient.Should().Be(4);
    }

    [Fact]
    public void LoadText_TcpMessageTimeoutBelowMinimum_ReportedWithLocation()
    {
        var result = ConfigLoader.LoadText("""
            server:
              tcpMessageTimeout: 10ms
              tcpMaxConnectionsPerClient: 0
            """ + "\n" + Zone, "t.yaml");

        result.Errors.Select(e => e.Location.Line).Should().Equal(2, 3);
    }
}
