using System.Net;
using System.Net.Sockets;

namespace FailoverDns.Testing;

/// <summary>
/// A loopback port free for both UDP and TCP at the moment of asking, for programs that cannot bind
/// port 0 and report what they got (Unbound, BIND, Knot, a TSIG peer). Another process may take it before the
/// program binds it; that shows as the program failing to start.
/// </summary>
public static class FreePort
{
    public static int Next()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var tcp = new TcpListener(IPAddress.Loopback, 0);
            tcp.Start();
            var port = ((IPEndPoint)tcp.LocalEndpoint).Port;
            try
            {
                using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken for UDP: try another.
            }
        }

        throw new InvalidOperationException("no free loopback port found in 20 attempts");
    }
}
