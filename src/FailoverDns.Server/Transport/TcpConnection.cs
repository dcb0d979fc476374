using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace FailoverDns.Server.Transport;

/// <summary>
/// One accepted TCP connection as the connection table sees it: whose it is, and whether it waits
/// for a client's next message (idle) or is in the middle of one (a message arriving, replies being
/// sent), since when. A new connection counts as in the middle of its first message from the moment
/// it is accepted: a client that has just connected has had no chance to send its query yet, and
/// must not be the first to make room for the next connection.
/// </summary>
internal sealed class TcpConnection
{
    private long _since;
    private volatile bool _idle;
    private volatile bool _evicted;

    public TcpConnection(Socket socket, long now)
    {
        Socket = socket;
        RemoteEndPoint = socket.RemoteEndPoint as IPEndPoint;
        Client = RemoteEndPoint is null ? 0 : ClientKey(RemoteEndPoint.Address);
        _since = now;
    }

    public Socket Socket { get; }

    /// <summary>Read once at accept: the socket's property allocates a new endpoint on every read.</summary>
    public IPEndPoint? RemoteEndPoint { get; }

    /// <summary>The address the per-client limit counts by.</summary>
    public UInt128 Client { get; }

    public bool IsIdle => _idle;

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) at which the current state began.</summary>
    public long Since => Volatile.Read(ref _since);

    /// <summary>Set when the table closed this connection to make room, so its end is not counted twice.</summary>
    public bool Evicted => _evicted;

    /// <summary>
    /// IPv4: the address. IPv6: its /64, the smallest block a site is given (RFC 7766 §6.2.2 speaks of
    /// an address "or subnet"), so one host cannot multiply its share by hopping addresses.
    /// </summary>
    public static UInt128 ClientKey(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            return 0;
        }

        return written == 4
            ? BinaryPrimitives.ReadUInt32BigEndian(bytes)
            : (UInt128)BinaryPrimitives.ReadUInt64BigEndian(bytes) << 64;
    }

    public void MarkIdle(long now)
    {
        Volatile.Write(ref _since, now);
        _idle = true;
    }

    public void MarkBusy(long now)
    {
        Volatile.Write(ref _since, now);
        _idle = false;
    }

    /// <summary>
    /// Closes the socket under the connection's own loop, which sees its pending receive or send
    /// fail and cleans up.
    /// </summary>
    public void Evict()
    {
        _evicted = true;
        Socket.Dispose();
    }
}
