using FailoverDns.Configuration;
using FailoverDns.Protocol;
using FailoverDns.Protocol.Dnssec;
using FailoverDns.Server.Metrics;
using FailoverDns.Server.Query;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing;
using FailoverDns.Zones;
using FailoverDns.Zones.Text;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Query;

public sealed class QueryProcessorAllocationTests
{
    public static TheoryData<string, RecordType> Questions => new()
    {
        { "www.example.test", RecordType.A },
        { "WWW.example.test", RecordType.AAAA },
        { "nothere.example.test", RecordType.A },
        { "www.example.test", RecordType.MX },
        { "chain.example.test", RecordType.A },
        { "loop1.example.test", RecordType.A },
        { "x.wild.example.test", RecordType.TXT },
        { "host.sub.example.test", RecordType.A },
        { "tosub.example.test", RecordType.A },
        { "example.test", RecordType.MX },
        { "example.test", RecordType.ANY },
        { "big.example.test", RecordType.TXT },
        { "www.example.org", RecordType.A },
    };

    [Theory]
    [MemberData(nameof(Questions))]
    public void Process_SteadyState_AllocatesNothing(string name, RecordType type) => AssertAllocatesNothing(new QueryProcessor(TestZone.Store()), name, type);

    [Theory]
    [MemberData(nameof(Questions))]
    public async Task Process_MetricsCollected_AllocatesNothingEither(string name, RecordType type)
    {
        await using var metrics = await MetricsHost.StartAsync();

        AssertAllocatesNothing(new QueryProcessor(TestZone.Store(), new QueryMetrics(metrics.Meters)), name, type);

        (await metrics.ScrapeTextAsync()).Should().Contain("failoverdns_dns_queries_total{", "the queries were counted")
            .And.Contain("failoverdns_dns_response_size_bytes_count{", "the sizes were recorded");
    }

    [Theory]
    [InlineData(100_000, "192.0.2.1")]
    [InlineData(1, "192.0.2.1")]
    [InlineData(1, "2001:db8::1")]
    [InlineData(1, "127.0.0.1")]
    public async Task Process_RateLimitingOn_AllocatesNothingEither(int rate, string client)
    {
        await using var metrics = await MetricsHost.StartAsync();

        // A rate of 1 sends nearly every reply down the limited path (dropped or slipped); 100,000 sends them; loopback is whitelisted.
        var limiter = new ResponseRateLimiter(new RateLimitOptions { ResponsesPerSecond = rate, TableSize = 1024 });
        var processor = new QueryProcessor(TestZone.Store(), new QueryMetrics(metrics.Meters), limiter);

        foreach (var (name, type) in new[] { ("www.example.test", RecordType.A), ("example.test", RecordType.MX), ("nothere.example.test", RecordType.A), ("www.example.org", RecordType.A) })
        {
            AssertAllocatesNothing(processor, name, type, QueryProcessorRateLimitTests.Peer(client));
        }
    }

    [Theory]
    [InlineData("www.example.test", RecordType.A)]
    [InlineData("nothere.example.test", RecordType.A)]
    [InlineData("www.example.test", RecordType.MX)]
    [InlineData("b.example.test", RecordType.A)]
    [InlineData("x.wild.example.test", RecordType.TXT)]
    [InlineData("x.wild.example.test", RecordType.A)]
    [InlineData("host.sub.example.test", RecordType.A)]
    [InlineData("example.test", RecordType.DNSKEY)]
    public void Process_SignedZoneAskedWithDo_AllocatesNothing(string name, RecordType type)
    {
        using var key = SigningKey.Generate(DnssecAlgorithm.EcdsaP256Sha256);
        var errors = new List<ConfigError>();
        var zone = ZoneText.Definitions(errors, ("example.test.", """
            @ 3600 IN SOA ns1.example.test. hostmaster.example.test. 1 7200 900 1209600 300
            @ IN NS ns1
            ns1 IN A 192.0.2.53
            www IN A 192.0.2.80
            *.wild IN TXT "any"
            a.b IN A 192.0.2.9
            sub IN NS ns.sub
            ns.sub IN A 192.0.2.99
            """))[0] with { Signing = new ZoneSigningOptions([key]) };
        var processor = new QueryProcessor(new ZoneStore(ZoneSnapshotBuilder.Build([zone], errors)!));
        var response = new byte[QueryProcessor.MaxUdpResponse];
        var length = processor.Process(Queries.Build(name, type, ednsPayload: 1232, dnssecOk: true), response, overTcp: false);

        DnsMessage.TryParse(response.AsSpan(0, length), out var reply).Should().BeTrue();
        reply!.Authorities.Concat(reply.Answers).Should().Contain(r => r.Type == RecordType.RRSIG, "a DO query gets signatures");
        AssertAllocatesNothing(processor, name, type, dnssecOk: true);
    }

    /// <summary>
    /// Five rounds of 10,000 queries, of which the cleanest must allocate nothing. A one-time cost of
    /// start-up (optimised code replacing the first, which may initialise static tables when it first
    /// runs; on a loaded machine that can come late) lands in one round; a cost per query in all.
    /// </summary>
    internal static void AssertAllocatesNothing(QueryProcessor processor, string name, RecordType type, byte[]? peer = null, bool dnssecOk = false)
    {
        var query = Queries.Build(name, type, ednsPayload: 1232, dnssecOk: dnssecOk);
        var response = new byte[QueryProcessor.MaxUdpResponse];
        var rounds = new List<long>();
        for (var round = 0; round < 5; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10_000; i++)
            {
                processor.Process(query, response, overTcp: false, peer);
            }

            rounds.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }

        rounds.Min().Should().Be(0, $"bytes allocated by each round: {string.Join(", ", rounds)}");
    }
}
