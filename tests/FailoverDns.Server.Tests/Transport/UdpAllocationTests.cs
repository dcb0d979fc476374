using System.Net.Sockets;
using FailoverDns.Protocol;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Transport;

/// <summary>The UDP query path allocates nothing in steady state, on both receive paths.</summary>
[Collection(WholeProcessTests.Name)]
public sealed class UdpAllocationTests
{
    // The first ~100,000 queries after start-up allocate about 800 kB in all while optimised code
    // replaces the first (tiered compilation); measured afterwards it is a few kB per 100,000.
    private const int WarmUp = 100_000;
    private const int Measured = 100_000;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Serve_100000Queries_AllocatesLessThanOneBytePerQuery(bool batching)
    {
        var yaml = TestZone.Text.Replace("listen: [127.0.0.1:0]", $"listen: [127.0.0.1:0]\nserver: {{ udpWorkers: 2, udpBatching: {batching.ToString().ToLowerInvariant()} }}", StringComparison.Ordinal);
        await using var server = await ServerFixture.StartAsync(yaml);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 2000 };
        client.Connect(server.UdpEndPoint);
        byte[][] queries =
        [
            Queries.Build("www.example.test", RecordType.A, ednsPayload: 1232),
            Queries.Build("nothere.example.test", RecordType.AAAA),
            Queries.Build("chain.example.test", RecordType.A, ednsPayload: 1232),
            Queries.Build("x.wild.example.test", RecordType.TXT),
            Queries.Build("example.test", RecordType.MX, ednsPayload: 1232),
        ];
        var reply = new byte[2048];

        var warmUpAnswered = await Task.Run(() => Exchange(client, queries, reply, WarmUp));
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var answered = await Task.Run(() => Exchange(client, queries, reply, Measured));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        warmUpAnswered.Should().BeGreaterThan(WarmUp * 9 / 10);
        answered.Should().BeGreaterThan(Measured * 9 / 10, "nearly every query over loopback is answered");
        ((double)allocated / Measured).Should().BeLessThan(1.0, $"{allocated} bytes were allocated for {Measured} queries");
    }

    /// <summary>Sends and receives with preallocated buffers: the client allocates nothing either.</summary>
    private static int Exchange(Socket client, byte[][] queries, byte[] reply, int count)
    {
        var answered = 0;
        for (var i = 0; i < count; i++)
        {
            var query = queries[i % queries.Length];
            client.Send(query);
            try
            {
                if (client.Receive(reply) > 0)
                {
                    answered++;
                }
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
            {
                // A lost datagram: counted by the caller's bound on answered queries.
            }
        }

        return answered;
    }
}
