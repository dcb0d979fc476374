using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using FailoverDns.Protocol;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Support;

/// <summary>DNS over TCP from the test's side: framing, reading a framed reply, connecting from a chosen loopback address.</summary>
internal static class TcpExchange
{
    public static byte[] Frame(byte[] message)
    {
        var framed = new byte[2 + message.Length];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
        message.CopyTo(framed, 2);
        return framed;
    }

    /// <summary>
    /// A connected socket. <paramref name="source"/> picks the client's address: on Linux the whole
    /// of 127.0.0.0/8 is loopback, so one machine can be many clients.
    /// </summary>
    public static async Task<Socket> ConnectAsync(IPEndPoint server, CancellationToken token, IPAddress? source = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (source is not null)
            {
                socket.Bind(new IPEndPoint(source, 0));
            }

            await socket.ConnectAsync(server, token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static async Task<DnsMessage> ReadReplyAsync(Socket socket, CancellationToken token)
    {
        var prefix = new byte[2];
        await ReadExactlyAsync(socket, prefix, token);
        var body = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
        await ReadExactlyAsync(socket, body, token);
        DnsMessage.TryParse(body, out var reply).Should().BeTrue();
        return reply!;
    }

    /// <summary>One query on a connection of its own, as <c>dig +tcp</c> asks.</summary>
    public static async Task<DnsMessage> QueryAsync(IPEndPoint server, string name, RecordType type, CancellationToken token, IPAddress? source = null)
    {
        using var socket = await ConnectAsync(server, token, source);
        await socket.SendAsync(Frame(Queries.Build(name, type)), SocketFlags.None, token);
        return await ReadReplyAsync(socket, token);
    }

    /// <summary>True once the server has closed the connection (end of stream or reset), false if it is still open after <paramref name="wait"/>.</summary>
    public static async Task<bool> ClosedByServerAsync(Socket socket, TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                if (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task ReadExactlyAsync(Socket socket, byte[] buffer, CancellationToken token)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, token);
            if (read == 0)
            {
                throw new EndOfStreamException("the server closed the connection");
            }

            filled += read;
        }
    }
}
