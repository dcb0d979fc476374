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
