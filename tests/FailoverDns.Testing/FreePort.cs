using System.Net;
using System.Net.Sockets;

namespace FailoverDns.Testing;

/// <summary>
/// A loopback port free for both UDP and TCP at the moment of asking, for programs that cannot bind
/// port 0 and report what they got (Unbound, BIND, Knot, a TSIG peer). It is chosen below the
/// kernel's ephemeral range, so that no client socket (a dig, a NOTIFY, a probe) is given it before
/// the program binds it; another test choosing the same port shows as the program failing to start.
/// </summary>
public static class FreePort
{
    private const int Lowest = 10000;

    /// <summary>The first port the kernel hands out to sockets bound to port 0 (32768 unless configured).</summary>
    private static readonly int EphemeralStart = ReadEphemeralStart();

    public static int Next()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(Lowest, EphemeralStart);
            try
            {
                using var tcp = new TcpListener(IPAddress.Loopback, port);
                tcp.Start();
                using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken for TCP or UDP: try another.
            }
        }

        throw new InvalidOperationException("no free loopback port found in 200 attempts");
    }

    private static int ReadEphemeralStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture) is var start and > Lowest + 1000 ? start : 32768;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return 32768;
        }
    }
}
