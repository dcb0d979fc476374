using System.Net;
using System.Net.Sockets;
using FailoverDns.Protocol;
using FailoverDns.Server.Hosting;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Server.Transport;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Transport;

public sealed class UdpDnsListenerTests
{
    private static async Task<byte[]?> ExchangeAsync(UdpClient client, IPEndPoint server, byte[] query, TimeSpan wait)
    {
        await client.SendAsync(query, server);
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            return (await client.ReceiveAsync(timeout.Token)).Buffer;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    [Fact]
    public async Task Serve_GarbageThenQuery_StillAnswers()
    {
        await using var server = await ServerFixture.StartAsync(TestZone.Text);
        using var client = new UdpClient(AddressFamily.InterNetwork);
        var random = new Random(7);

        for (var i = 0; i < 200; i++)
        {
            var garbage = new byte[random.Next(0, 600)];
            random.NextBytes(garbage);
            await client.SendAsync(garbage, server.UdpEndPoint);
        }

        byte[]? reply = null;
        for (var attempt = 0; attempt < 20 && reply is null; attempt++)
        {
            reply = await ExchangeAsync(client, server.UdpEndPoint, Queries.Build("www.example.test", RecordType.A, id: 77), TimeSpan.FromMilliseconds(500));
            while (reply is not null && (reply[0] << 8 | reply[1]) != 77)
            {
                // A FORMERR for one of the garbage datagrams: keep reading.
                using var more = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
                try
                {
                    reply = (await client.ReceiveAsync(more.Token)).Buffer;
                }
                catch (OperationCanceledException)
                {
                    reply = null;
                }
            }
        }

        reply.Should().NotBeNull();
        DnsMessage.TryParse(reply, out var message).Should().BeTrue();
        message!.Answers.Should().ContainSingle();
    }

    /// <summary>
    /// More senders than one recvmmsg batch holds, each with several queries in flight: every
    /// reply must go to the peer that asked, with its own ID and question, on both receive paths.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Serve_BurstFromManyPeers_AnswersEachPeerItsOwnQueries(bool batching)
    {
        const int Peers = 40;
        const int QueriesEach = 3;
        var yaml = TestZone.Text.Replace("listen: [127.0.0.1:0]", $"listen: [127.0.0.1:0]\nserver: {{ udpWorkers: 1, udpBatching: {batching.ToString().ToLowerInvariant()} }}", StringComparison.Ordinal);
        await using var server = await ServerFixture.StartAsync(yaml);
        var clients = Enumerable.Range(0, Peers).Select(_ => new UdpClient(new IPEndPoint(IPAddress.Loopback, 0))).ToArray();
        try
        {
            for (var round = 0; round < QueriesEach; round++)
            {
                for (var peer = 0; peer < Peers; peer++)
                {
                    var id = (ushort)((peer * QueriesEach) + round);
                    await clients[peer].SendAsync(Queries.Build($"host{id}.example.test", RecordType.A, id: id), server.UdpEndPoint);
                }
            }

            for (var peer = 0; peer < Peers; peer++)
            {
                var ids = new List<int>();
                for (var round = 0; round < QueriesEach; round++)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    var reply = (await clients[peer].ReceiveAsync(timeout.Token)).Buffer;
                    DnsMessage.TryParse(reply, out var message).Should().BeTrue();
                    DnsName.ToText(message!.Questions.Should().ContainSingle().Which.Name).Should().Be($"host{message.Header.Id}.example.test.");
                    ids.Add(message.Header.Id);
                }

                ids.Should().BeEquivalentTo(Enumerable.Range(peer * QueriesEach, QueriesEach), $"peer {peer} gets the replies to its own queries");
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task Start_PortAlreadyInUse_FailsWithClearMessage()
    {
        using var occupant = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        occupant.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)occupant.LocalEndPoint!).Port;
        var loaded = TestZone.Load(TestZone.Text.Replace("127.0.0.1:0", $"127.0.0.1:{port}", StringComparison.Ordinal));
        using var host = FailoverDnsHost.Build(loaded.Config!, loaded.Snapshot!);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var start = () => host.StartAsync(timeout.Token);

        (await start.Should().ThrowAsync<ListenerBindException>())
            .Which.Message.Should().Be($"cannot listen on UDP 127.0.0.1:{port}: the port is already in use by another process (is another DNS server running?)");
    }
}
