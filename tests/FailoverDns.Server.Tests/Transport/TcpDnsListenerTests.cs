using System.Buffers.Binary;
using System.Net.Sockets;
using FailoverDns.Protocol;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Transport;

public sealed class TcpDnsListenerTests
{
    private static string Config(string server) => TestZone.Text.Replace("listen: [127.0.0.1:0]", $"listen: [127.0.0.1:0]\nserver: {server}", StringComparison.Ordinal);

    private static byte[] Frame(byte[] message)
    {
        var framed = new byte[2 + message.Length];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
        message.CopyTo(framed, 2);
        return framed;
    }

    private static async Task<DnsMessage> ReadReplyAsync(Socket socket, CancellationToken token)
    {
        var prefix = new byte[2];
        await ReadExactlyAsync(socket, prefix, token);
        var body = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
        await ReadExactlyAsync(socket, body, token);
        DnsMessage.TryParse(body, out var reply).Should().BeTrue();
        return reply!;
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

    [Fact]
    public async Task Serve_PipelinedQueriesInOneWrite_AnswersEachInOrder()
    {
        await using var server = await ServerFixture.StartAsync(TestZone.Text);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(server.TcpEndPoint, deadline.Token);
        byte[] batch =
        [
            .. Frame(Queries.Build("www.example.test", RecordType.A, id: 1)),
            .. Frame(Queries.Build("api.example.test", RecordType.A, id: 2)),
            .. Frame(Queries.Build("nothere.example.test", RecordType.A, id: 3)),
        ];

        // Split the batch mid-frame to prove framing survives partial reads.
        await socket.SendAsync(batch.AsMemory(0, 40), SocketFlags.None, deadline.Token);
        await Task.Delay(50, deadline.Token);
        await socket.SendAsync(batch.AsMemory(40), SocketFlags.None, deadline.Token);

        var replies = new[] { await ReadReplyAsync(socket, deadline.Token), await ReadReplyAsync(socket, deadline.Token), await ReadReplyAsync(socket, deadline.Token) };
        replies.Select(r => r.Header.Id).Should().Equal(1, 2, 3);
        replies[1].Answers.Should().HaveCount(2);
        replies[2].ResponseCode.Should().Be((int)ResponseCode.NxDomain);
    }

    [Fact]
    public async Task Serve_IdleConnection_IsClosedAfterTimeout()
    {
        await using var server = await ServerFixture.StartAsync(Config("{ tcpIdleTimeout: 300ms }"));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(server.TcpEndPoint, deadline.Token);

        var read = await socket.ReceiveAsync(new byte[16], SocketFlags.None, deadline.Token);

        read.Should().Be(0, "the server closes an idle connection");
    }

    [Fact]
    public async Task Serve_BeyondConnectionCap_ClosesNewConnection()
    {
        await using var server = await ServerFixture.StartAsync(Config("{ tcpMaxConnections: 2 }"));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var open = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(open);
                await open.ConnectAsync(server.TcpEndPoint, deadline.Token);
                await open.SendAsync(Frame(Queries.Build("www.example.test", RecordType.A)), SocketFlags.None, deadline.Token);
                (await ReadReplyAsync(open, deadline.Token)).Answers.Should().ContainSingle();
            }

            using var third = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await third.ConnectAsync(server.TcpEndPoint, deadline.Token);
            var read = 0;
            try
            {
                read = await third.ReceiveAsync(new byte[16], SocketFlags.None, deadline.Token);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                // Closed with a reset: refused all the same.
            }

            read.Should().Be(0);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }
}
