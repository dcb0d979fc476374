using System.Net;
using FailoverDns.Configuration;
using FailoverDns.Protocol;
using FailoverDns.Server.Metrics;
using FailoverDns.Server.Query;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;
using Microsoft.Extensions.Time.Testing;

namespace FailoverDns.Server.Tests.Query;

public sealed class QueryProcessorRateLimitTests
{
    private static readonly RateLimitOptions TwoPerSecond = new() { ResponsesPerSecond = 2, Slip = 2, Window = 1, Whitelist = [] };

    private readonly FakeTimeProvider _clock = new();

    internal static byte[] Peer(string address)
    {
        var sockaddr = new IPEndPoint(IPAddress.Parse(address), 4242).Serialize();
        return sockaddr.Buffer[..sockaddr.Size].ToArray();
    }

    [Fact]
    public void Process_OverTheRate_DropsAndSlipsAnEmptyTruncatedReply()
    {
        var processor = new QueryProcessor(TestZone.Store(), rateLimiter: new ResponseRateLimiter(TwoPerSecond, _clock));
        var query = Queries.Build("example.test", RecordType.MX, id: 99, ednsPayload: 1232);
        var response = new byte[QueryProcessor.MaxUdpResponse];
        var peer = Peer("192.0.2.1");

        var lengths = Enumerable.Range(0, 6).Select(_ => processor.Process(query, response, overTcp: false, peer)).ToList();

        lengths.Take(2).Should().AllSatisfy(l => l.Should().BeGreaterThan(100), "the rate's two full answers");
        lengths.Skip(2).Count(l => l == 0).Should().Be(2, "every other limited reply is dropped");
        var slipped = lengths.Skip(2).Where(l => l > 0).ToList();
        slipped.Should().HaveCount(2);

        // Still over the rate: the next reply written is a slip.
        var length = 0;
        for (var i = 0; i < 2 && length == 0; i++)
        {
            length = processor.Process(query, response, overTcp: false, peer);
        }

        length.Should().Be(slipped[0]);
        DnsMessage.TryParse(response.AsSpan(0, length), out var message).Should().BeTrue();
        message!.Header.Id.Should().Be(99);
        (message.Header.Flags & DnsHeader.TruncatedFlag).Should().NotBe(0);
        message.Questions.Should().ContainSingle().Which.Type.Should().Be(RecordType.MX);
        message.Answers.Should().BeEmpty();
        message.Authorities.Should().BeEmpty();
        message.Additionals.Should().BeEmpty();
        message.Edns.Should().NotBeNull("the OPT record still goes back");
    }

    [Fact]
    public void Process_OverTcp_IsNeverLimited()
    {
        var processor = new QueryProcessor(TestZone.Store(), rateLimiter: new ResponseRateLimiter(TwoPerSecond, _clock));
        var query = Queries.Build("www.example.test", RecordType.A);
        var response = new byte[QueryProcessor.MaxTcpResponse];

        Enumerable.Range(0, 50).Select(_ => processor.Process(query, response, overTcp: true, Peer("192.0.2.1"))).Should().AllSatisfy(l => l.Should().BeGreaterThan(0));
    }

    [Fact]
    public async Task Process_Limited_IsCountedByActionInTheMetric()
    {
        await using var metrics = await MetricsHost.StartAsync();
        var processor = new QueryProcessor(TestZone.Store(), new QueryMetrics(metrics.Meters), new ResponseRateLimiter(TwoPerSecond, _clock));
        var query = Queries.Build("www.example.test", RecordType.A);
        var response = new byte[QueryProcessor.MaxUdpResponse];

        for (var i = 0; i < 12; i++)
        {
            processor.Process(query, response, overTcp: false, Peer("192.0.2.1"));
        }

        var text = await metrics.ScrapeTextAsync();
        text.Should().Contain("failoverdns_dns_responses_rate_limited_total{action=\"dropped\"", "5 of the 10 limited replies were dropped")
            .And.Contain("failoverdns_dns_responses_rate_limited_total{action=\"slipped\"");
    }
}
