using FailoverDns.Protocol;
using FailoverDns.Server.Query;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Query;

public sealed class QueryProcessorFuzzTests
{
    private const int Mutations = 100_000;

    [Fact]
    public void Process_100000MutatedQueries_NeverThrowsAndRepliesSanely()
    {
        var processor = new QueryProcessor(TestZone.Store());
        var random = new Random(20261121);
        byte[][] seeds =
        [
            Queries.Build("www.example.test", RecordType.A, ednsPayload: 1232),
            Queries.Build("chain.example.test", RecordType.A),
            Queries.Build("x.wild.example.test", RecordType.TXT, ednsPayload: 4096, dnssecOk: true),
            Queries.Build("host.sub.example.test", RecordType.AAAA, ednsPayload: 512),
            Queries.Build("example.test", RecordType.MX, ednsPayload: 1232),
            Queries.Build("big.example.test", RecordType.TXT),
        ];
        var response = new byte[QueryProcessor.MaxTcpResponse];
        var replies = 0;

        for (var i = 0; i < Mutations; i++)
        {
            var query = Mutate(seeds[random.Next(seeds.Length)], random);
            var overTcp = (i & 1) == 1;

            var length = processor.Process(query, response, overTcp);

            if (length == 0)
            {
                // Silence only for what cannot be answered: too short, or not a query.
                (query.Length < DnsHeader.Size || (query[2] & 0x80) != 0).Should().BeTrue();
                continue;
            }

            replies++;
            length.Should().BeLessThanOrEqualTo(overTcp ? QueryProcessor.MaxTcpResponse : QueryProcessor.MaxUdpResponse);
            DnsHeader.TryRead(response, out var header).Should().BeTrue();
            header.IsResponse.Should().BeTrue();
            header.Id.Should().Be((ushort)((query[0] << 8) | query[1]), "the ID is echoed");
            DnsMessage.TryParse(response.AsSpan(0, length), out _).Should().BeTrue("every reply must parse");
        }

        replies.Should().BeGreaterThan(Mutations / 2);
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        var edits = random.Next(1, 5);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 2:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 3:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                default:
                    var length = Math.Min(random.Next(1, 16), bytes.Count - at);
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                    break;
            }
        }

        return [.. bytes];
    }
}
