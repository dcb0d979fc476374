using System.Net;
using System.Net.Sockets;
using FailoverDns.Protocol;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;
using Xunit.Abstractions;

namespace FailoverDns.Server.Tests.Transport;

public sealed class UdpRateLimitTests(ITestOutputHelper output)
{
    private const int Rate = 20;
    private const int Flood = 2000;

    // Each client address its own prefix, and loopback not exempt, so the two loopback clients are limited apart.
    private static string Yaml(bool batching) => TestZone.Text.Replace(
        "listen: [127.0.0.1:0]",
        $$"""
        listen: [127.0.0.1:0]
        server:
          udpWorkers: 2
          udpBatching: {{(batching ? "true" : "false")}}
          rateLimit: { responsesPerSecond: {{Rate}}, slip: 2, window: 60, ipv4PrefixLength: 32, whitelist: [] }
        """,
        StringComparison.Ordinal);

    /// <summary>
    /// The amplification the issue reports: identical MX queries as fast as one socket sends them.
    /// With a window of 60 s the flood's debt outlasts the test, so at most two seconds' rate is
    /// answered however slowly the machine runs; the counts, not the timings, are asserted.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Serve_FloodFromOneAddress_IsHeldToTheRateWhileAnotherIsAnswered(bool batching)
    {
        await using var server = await ServerFixture.StartAsync(Yaml(batching));
        using var flooder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        flooder.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        flooder.ReceiveBufferSize = 4 << 20;
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var flood = Queries.Build("example.test", RecordType.MX, id: 1, ednsPayload: 1232);
        var (answered, slipped, normal) = (0, 0, 0);
        var buffer = new byte[2048];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        void DrainFlood()
        {
            while (flooder.Available > 0)
            {
                var length = flooder.Receive(buffer);
                DnsMessage.TryParse(buffer.AsSpan(0, length), out var reply).Should().BeTrue();
                if ((reply!.Header.Flags & DnsHeader.TruncatedFlag) != 0)
                {
                    reply.Answers.Should().BeEmpty();
                    slipped++;
                }
                else
                {
                    reply.Answers.Should().HaveCount(2);
                    answered++;
                }
            }
        }

        for (var chunk = 0; chunk < 10; chunk++)
        {
            for (var i = 0; i < Flood / 10; i++)
            {
                flooder.SendTo(flood, server.UdpEndPoint);
            }

            DrainFlood();

            // Meanwhile 127.0.0.1 asks the same question and gets the whole answer.
            var id = (ushort)(100 + chunk);
            await client.SendAsync(Queries.Build("example.test", RecordType.MX, id: id, ednsPayload: 1232), server.UdpEndPoint, deadline.Token);
            var received = await client.ReceiveAsync(deadline.Token);
            DnsMessage.TryParse(received.Buffer, out var message).Should().BeTrue();
            message!.Header.Id.Should().Be(id);
            (message.Header.Flags & DnsHeader.TruncatedFlag).Should().Be(0);
            message.Answers.Should().HaveCount(2);
            normal++;
        }

        // The last replies in flight: until half a second passes without one.
        for (var quiet = 0; quiet < 5 && !deadline.IsCancellationRequested; quiet = flooder.Available > 0 ? 0 : quiet + 1)
        {
            DrainFlood();
            await Task.Delay(100, deadline.Token);
        }

        output.WriteLine($"flood of {Flood} from 127.0.0.2: {answered} answered, {slipped} slipped (TC), {Flood - answered - slipped} dropped or lost; 127.0.0.1: {normal} of 10 answered");
        normal.Should().Be(10);
        answered.Should().BeInRange(1, 2 * Rate, "the rate is held: one second's tokens, and one refill if the flood crosses a second");
        slipped.Should().BeGreaterThan(0, "every other limited reply slips out truncated")
            .And.BeLessThanOrEqualTo(((Flood - answered) / 2) + 1);
    }
}
