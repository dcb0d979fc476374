using System.Net;
using System.Net.Sockets;
using FailoverDns.Protocol;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Transport;

/// <summary>
/// The same zone served by FailoverDns and by Knot DNS: every question must get the same rcode,
/// flags and sections. Where FailoverDns deliberately differs (README, What it answers), the case is not here.
/// </summary>
public sealed class KnotComparisonTests(ServerFixture ours, KnotFixture knot) : IClassFixture<ServerFixture>, IClassFixture<KnotFixture>
{
    public static TheoryData<string, RecordType, bool> Questions => new()
    {
        { "www.example.test", RecordType.A, true },
        { "www.example.test", RecordType.A, false },
        { "WwW.ExAmPlE.tEsT", RecordType.AAAA, true },
        { "api.example.test", RecordType.A, true },
        { "example.test", RecordType.SOA, true },
        { "example.test", RecordType.NS, true },
        { "example.test", RecordType.MX, true },
        { "example.test", RecordType.ANY, true },
        { "nothere.example.test", RecordType.A, true },
        { "nothere.example.test", RecordType.A, false },
        { "www.example.test", RecordType.MX, true },
        { "b.ent.example.test", RecordType.A, true },
        { "sub.example.test", RecordType.NS, true },
        { "host.sub.example.test", RecordType.A, true },
        { "ns.sub.example.test", RecordType.A, true },
        { "sub.example.test", RecordType.DS, true },
        { "ftp.example.test", RecordType.A, true },
        { "ftp.example.test", RecordType.CNAME, true },
        { "chain.example.test", RecordType.AAAA, true },
        { "dangling.example.test", RecordType.A, true },
        { "ext.example.test", RecordType.A, true },
        { "tosub.example.test", RecordType.A, true },
        { "tosub.example.test", RecordType.MX, false },
        { "loop1.example.test", RecordType.A, true },
        { "anything.wild.example.test", RecordType.A, true },
        { "a.b.wild.example.test", RecordType.TXT, true },
        { "x.wild.example.test", RecordType.MX, true },
        { "x.cwild.example.test", RecordType.A, true },
        { "_sip._udp.example.test", RecordType.SRV, true },
        { "txt.example.test", RecordType.TXT, true },
        { "caa.example.test", RecordType.CAA, true },
        { "big.example.test", RecordType.TXT, false },
        { "big.example.test", RecordType.TXT, true },
        { "www.example.org", RecordType.A, true },
    };

    [Theory]
    [MemberData(nameof(Questions))]
    public async Task Answer_SameQuestion_MatchesKnot(string name, RecordType type, bool edns)
    {
        var query = Queries.Build(name, type, recursionDesired: false, ednsPayload: edns ? (ushort)1232 : null);

        var expected = await AskAsync(knot.EndPoint, query);
        var actual = await AskAsync(ours.UdpEndPoint, query);

        actual.Should().BeEquivalentTo(expected, o => o.WithStrictOrderingFor(r => r.Answer));
    }

    /// <summary>Names in RDATA (a SOA's, an NS or MX target) compressed as Knot compresses them: not a byte more.</summary>
    [Theory]
    [InlineData("nothere.example.test", RecordType.A, true)]
    [InlineData("a.b.c.nothere.example.test", RecordType.A, false)]
    [InlineData("www.example.test", RecordType.MX, true)]
    [InlineData("example.test", RecordType.SOA, true)]
    [InlineData("example.test", RecordType.MX, true)]
    [InlineData("example.test", RecordType.NS, true)]
    [InlineData("host.sub.example.test", RecordType.A, true)]
    [InlineData("x.wild.example.test", RecordType.MX, true)]
    public async Task Answer_SameQuestion_AsSmallAsKnots(string name, RecordType type, bool edns)
    {
        var query = Queries.Build(name, type, recursionDesired: false, ednsPayload: edns ? (ushort)1232 : null);

        var expected = await AskRawAsync(knot.EndPoint, query);
        var actual = await AskRawAsync(ours.UdpEndPoint, query);

        actual.Length.Should().Be(expected.Length);
    }

    private static async Task<byte[]> AskRawAsync(IPEndPoint server, byte[] query)
    {
        using var client = new UdpClient(AddressFamily.InterNetwork);
        var reply = await UdpExchange.TryAsync(client, server, query, TimeSpan.FromSeconds(3));
        reply.Should().NotBeNull($"{server} must answer");
        return reply!;
    }

    private static async Task<Comparable> AskAsync(IPEndPoint server, byte[] query)
    {
        var reply = await AskRawAsync(server, query);
        DnsMessage.TryParse(reply, out var message).Should().BeTrue();
        return new Comparable(
            message!.ResponseCode,
            message.Header.IsAuthoritative,
            message.Header.IsTruncated,
            message.Header.RecursionAvailable,
            DnsName.ToText(message.Questions.Single().Name),
            message.Answers.Select(r => r.ToString()).ToArray(),
            message.Authorities.Select(r => r.ToString()).Order(StringComparer.Ordinal).ToArray(),
            message.Additionals.Select(r => r.ToString()).Order(StringComparer.Ordinal).ToArray(),
            message.Edns?.PayloadSize);
    }

    private sealed record Comparable(int Rcode, bool Aa, bool Tc, bool Ra, string Question, string[] Answer, string[] Authority, string[] Additional, ushort? EdnsPayload);
}
