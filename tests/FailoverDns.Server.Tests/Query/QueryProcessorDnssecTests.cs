using FailoverDns.Protocol;
using FailoverDns.Protocol.Dnssec;
using FailoverDns.Server.Query;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing;
using FailoverDns.Zones;
using FailoverDns.Zones.Text;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Query;

/// <summary>How a signed zone's replies are written: RRSIGs only for DO, each with its RRset or neither, within the client's size.</summary>
public sealed class QueryProcessorDnssecTests : IDisposable
{
    private readonly SigningKey _key = SigningKey.Generate(DnssecAlgorithm.EcdsaP256Sha256);
    private readonly QueryProcessor _processor;

    public QueryProcessorDnssecTests()
    {
        var errors = new List<ConfigError>();
        var big = string.Join('\n', Enumerable.Range(0, 12).Select(i => $"big IN TXT \"{new string((char)('a' + i), 40)}\""));
        var zone = ZoneText.Definitions(errors, ("example.test.", $"""
            @ 3600 IN SOA ns1.example.test. hostmaster.example.test. 1 7200 900 1209600 300
            @ IN NS ns1
            ns1 IN A 192.0.2.53
            www IN A 192.0.2.80
            {big}
            """))[0] with { Signing = new ZoneSigningOptions([_key]) };
        _processor = new QueryProcessor(new ZoneStore(ZoneSnapshotBuilder.Build([zone], errors)!));
    }

    public void Dispose() => _key.Dispose();

    [Fact]
    public void Process_WithoutDo_NoDnssecRecords_WithDo_TheRRsetAndItsSignature()
    {
        Ask("www.example.test", RecordType.A, dnssecOk: false).Answers.Select(r => r.Type).Should().Equal(RecordType.A);
        Ask("www.example.test", RecordType.A, dnssecOk: true).Answers.Select(r => r.Type).Should().Equal(RecordType.A, RecordType.RRSIG);
        Ask("nothere.example.test", RecordType.A, dnssecOk: false).Authorities.Select(r => r.Type).Should().Equal(RecordType.SOA);
        Ask("nothere.example.test", RecordType.A, dnssecOk: true).Authorities.Select(r => r.Type).Should().Contain([RecordType.SOA, RecordType.RRSIG, RecordType.NSEC]);
    }

    [Fact]
    public void Process_SignedAnswerTooBigForTheClient_TruncatedWithWholeRRsetsOnly()
    {
        var small = Ask("big.example.test", RecordType.TXT, dnssecOk: true, payload: 512);
        var large = Ask("big.example.test", RecordType.TXT, dnssecOk: true, payload: 4096);

        small.Header.IsTruncated.Should().BeTrue("the TXT RRset and its RRSIG do not fit in 512 bytes");
        small.Answers.Should().BeEmpty("an RRset goes whole with its signature or not at all");
        large.Header.IsTruncated.Should().BeFalse();
        large.Answers.Count(r => r.Type == RecordType.TXT).Should().Be(12);
        large.Answers.Should().ContainSingle(r => r.Type == RecordType.RRSIG);
    }

    [Fact]
    public void Process_CheckingDisabled_CopiedToTheReply()
    {
        var query = Queries.Build("www.example.test", RecordType.A, ednsPayload: 1232, dnssecOk: true);
        query[3] |= (byte)DnsHeader.CheckingDisabledFlag;
        var response = new byte[QueryProcessor.MaxUdpResponse];

        var length = _processor.Process(query, response, overTcp: false);

        (response[3] & DnsHeader.CheckingDisabledFlag).Should().NotBe(0, "RFC 4035 §3.1.6");
        length.Should().BeGreaterThan(0);
    }

    private DnsMessage Ask(string name, RecordType type, bool dnssecOk, ushort payload = 1232)
    {
        var response = new byte[QueryProcessor.MaxUdpResponse];
        var length = _processor.Process(Queries.Build(name, type, ednsPayload: payload, dnssecOk: dnssecOk), response, overTcp: false);
        DnsMessage.TryParse(response.AsSpan(0, length), out var reply).Should().BeTrue();
        return reply!;
    }
}
