using System.Net;
using System.Net.Sockets;
using FailoverDns.Protocol;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Transport;

public sealed class TcpDnsListenerTests
{
    private static string Config(string server) => TestZone.Text.Replace("listen: [127.0.0.1:0]", $"listen: [127.0.0.1:0]\nserver: {server}", StringComparison.Ordinal);

    [Fact]
    public async Task Serve_PipelinedQueriesInOneWrite_AnswersEachInOrder()
    {
        await using var server = await ServerFixture.StartAsync(TestZone.Text);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(server.TcpEndPoint, deadline.Token);
        byte[] batch =
        [
            .. TcpExchange.Frame(Queries.Build("www.example.test", RecordType.A, id: 1)),
            .. TcpExchange.Frame(Queries.Build("api.example.test", RecordType.A, id: 2)),
            .. TcpExchange.Frame(Queries.Build("nothere.example.test", RecordType.A, id: 3)),
        ];

        // Split the batch mid-frame to prove framing survives partial reads.
        await socket.SendAsync(batch.AsMemory(0, 40), SocketFlags.None, deadline.Token);
        await Task.Delay(50, deadline.Token);
        await socket.SendAsync(batch.AsMemory(40), SocketFlags.None, deadline.Token);

        var replies = new[] { await TcpExchange.ReadReplyAsync(socket, deadline.Token), await TcpExchange.ReadReplyAsync(socket, deadline.Token), await TcpExchange.ReadReplyAsync(socket, deadline.Token) };
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
    public async Task Serve_TableFull_ClosesConnectionIdleLongestForNewOne()
    {
        await using var server = await ServerFixture.StartAsync(Config("{ tcpMaxConnections: 2 }"));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var sockets = new List<Socket>();
        try
        {
            // Two connections that have each been answered once and now sit idle, the first longest.
            for (var i = 0; i < 2; i++)
            {
                var open = await TcpExchange.ConnectAsync(server.TcpEndPoint, deadline.Token);
                sockets.Add(open);
                await open.SendAsync(TcpExchange.Frame(Queries.Build("www.example.test", RecordType.A)), SocketFlags.None, deadline.Token);
                (await TcpExchange.ReadReplyAsync(open, deadline.Token)).Answers.Should().ContainSingle();
                await Task.Delay(20, deadline.Token);
            }

            var reply = await TcpExchange.QueryAsync(server.TcpEndPoint, "www.example.test", RecordType.A, deadline.Token);

            reply.Answers.Should().ContainSingle("a full table makes room instead of refusing (RFC 7766 §6.2.3)");
            (await TcpExchange.ClosedByServerAsync(sockets[0], TimeSpan.FromSeconds(5))).Should().BeTrue("the connection idle longest made room");
            await sockets[1].SendAsync(TcpExchange.Frame(Queries.Build("www.example.test", RecordType.A)), SocketFlags.None, deadline.Token);
            (await TcpExchange.ReadReplyAsync(sockets[1], deadline.Token)).Answers.Should().ContainSingle("only one connection had to go");
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task Serve_BeyondPerClientLimit_RefusesThatClientOnly()
    {
        await using var server = await ServerFixture.StartAsync(Config("{ tcpMaxConnectionsPerClient: 2 }"));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var greedy = IPAddress.Parse("127.0.0.2");
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                sockets.Add(await TcpExchange.ConnectAsync(server.TcpEndPoint, deadline.Token, greedy));
            }

            using var third = await TcpExchange.ConnectAsync(server.TcpEndPoint, deadline.Token, greedy);

            (await TcpExchange.ClosedByServerAsync(third, TimeSpan.FromSeconds(5))).Should().BeTrue("its address already has two connections");
            var reply = await TcpExchange.QueryAsync(server.TcpEndPoint, "www.example.test", RecordType.A, deadline.Token);
            reply.Answers.Should().ContainSingle("another address has its own share");
            await sockets[0].SendAsync(TcpExchange.Frame(Queries.Build("www.example.test", RecordType.A)), SocketFlags.None, deadline.Token);
            (await TcpExchange.ReadReplyAsync(sockets[0], deadline.Token)).Answers.Should().ContainSingle("the first two stay open");
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }
}
