using System.Net;
using System.Net.Sockets;
using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;

namespace FailoverDns.Health.Tests.Probes;

/// <summary>Options and a bounded runner shared by the probe tests.</summary>
internal static class TestProbes
{
    /// <summary>No probe test may wait longer than this, whatever the probe does.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    public static EndpointCheckOptions Http(int port, string target = "127.0.0.1") => new()
    {
        Protocol = ProbeProtocol.Http,
        Target = target,
        Port = port,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        ResponseTimeout = TimeSpan.FromSeconds(2),
        Interval = TimeSpan.FromSeconds(10),
    };

    public static EndpointCheckOptions Https(int port, string target = "127.0.0.1") => Http(port, target) with { Protocol = ProbeProtocol.Https };

    public static EndpointCheckOptions Tcp(int port, string target = "127.0.0.1") => Http(port, target) with { Protocol = ProbeProtocol.Tcp };

    public static async Task<ProbeResult> RunAsync(EndpointCheckOptions options, CancellationToken cancellationToken = default)
    {
        using var probe = ProbeFactory.Create(options, TimeProvider.System);
        return await probe.ProbeAsync(cancellationToken).WaitAsync(Deadline, CancellationToken.None);
    }

    /// <summary>A loopback port nothing listens on (bound, read back, released).</summary>
    public static int ClosedPort(IPAddress? address = null)
    {
        var listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
