using System.Net;
using System.Net.Sockets;

namespace FailoverDns.Server.Transport;

/// <summary>Creates bound sockets with the options a DNS server needs, and clear errors when it cannot.</summary>
internal static class SocketBinder
{
    private const int SolSocket = 1; // SOL_SOCKET on Linux
    private const int SoReusePort = 15; // SO_REUSEPORT on Linux

    public static bool ReusePortSupported => OperatingSystem.IsLinux();

    /// <summary>
    /// Binds a plain UDP socket (no SO_REUSEPORT) to learn whether the port is free and which port 0
    /// becomes. SO_REUSEPORT would otherwise let a stale server silently share the port.
    /// </summary>
    public static int ProbeFreeUdpPort(IPEndPoint endpoint)
    {
        using var probe = Create(endpoint, SocketType.Dgram, ProtocolType.Udp, reusePort: false);
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    public static Socket BindUdp(IPEndPoint endpoint, bool reusePort)
    {
        var socket = Create(endpoint, SocketType.Dgram, ProtocolType.Udp, reusePort);
        try
        {
            // Room for bursts while a worker is busy; the kernel caps it at net.core.rmem_max.
            socket.ReceiveBufferSize = 4 * 1024 * 1024;
        }
        catch (SocketException)
        {
            // Keeping the default buffer is fine.
        }

        return socket;
    }

    public static Socket BindTcp(IPEndPoint endpoint, int backlog)
    {
        var socket = Create(endpoint, SocketType.Stream, ProtocolType.Tcp, reusePort: false, reuseAddress: true);
        socket.Listen(backlog);
        return socket;
    }

    private static Socket Create(IPEndPoint endpoint, SocketType type, ProtocolType protocol, bool reusePort, bool reuseAddress = false)
    {
        var socket = new Socket(endpoint.AddressFamily, type, protocol);
        try
        {
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                // [::] and 0.0.0.0 are configured separately; do not let IPv6 claim both.
                socket.DualMode = false;
            }

            if (reuseAddress)
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }

            if (reusePort)
            {
                socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
            }

            socket.Bind(endpoint);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            var proto = type == SocketType.Dgram ? "UDP" : "TCP";
            var hint = e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => "the port is already in use by another process (is another DNS server running?)",
                SocketError.AccessDenied => "permission denied: ports below 1024 need root or CAP_NET_BIND_SERVICE",
                SocketError.AddressNotAvailable => "this machine has no such address",
                _ => e.Message,
            };
            throw new ListenerBindException($"cannot listen on {proto} {endpoint}: {hint}", e);
        }
    }
}
