using System.Net;
using System.Net.Sockets;

namespace FailoverDns.Protocol.Tests.Tsig.Interop;

/// <summary>A loopback port free for both TCP and UDP at the time of asking, for servers that cannot take port 0.</summary>
internal static class LoopbackPort
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
