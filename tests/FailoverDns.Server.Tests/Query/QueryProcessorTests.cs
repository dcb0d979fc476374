using FailoverDns.Protocol;
using FailoverDns.Server.Query;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Query;

public sealed class QueryProcessorTests
{
    private readonly QueryProcessor _processor = new(TestZone.Store());

    private DnsMessage Ask(byte[] query, bool overTcp = false)
    {
        var buffer = new byte[QueryProcessor.MaxTcpResponse];
        var length = _processor.Process(query, buffer, overTcp);
        length.Should().BeGreaterThan(0, "a reply is expected");
        DnsMessage.TryParse(buffer.AsSpan(0, length), out var reply).Should().BeTrue("the reply must be a well-formed message");
        if (!overTcp)
        {
            length.Should().BeLessThanOrEqualTo(query.Length > 0 && reply!.Edns is not null ? QueryProcessor.MaxUdpResponse : QueryProcessor.ClassicUdpLimit);
        }

        return reply!;
    }

    private DnsMessage Ask(string name, RecordType type, ushort? edns = 1232) => Ask(Queries.Build(name, type, ednsPayload: edns));

    private static string[] Lines(IEnumerable<DnsRecord> records) => records.Select(r => r.ToString()).ToArray();

    [Fact]
    public void Process_ExactMatch_AnswersAuthoritativelyWithTtl()
    {
        var reply = Ask("www.example.test", RecordType.A);

        reply.ResponseCode.Should().Be((int)ResponseCode.NoError);
        reply.Header.IsAuthoritative.Should().BeTrue();
        reply.Header.RecursionAvailable.Should().BeFalse();
        reply.Header.IsResponse.Should().BeTrue();
        Lines(reply.Answers).Should().Equal("www.example.test. 60 IN A 192.0.2.1");
        reply.Authorities.Should().BeEmpty();
        reply.Edns!.PayloadSize.Should().Be(1232);
    }

    [Fact]
    public void Process_MixedCaseQuestion_EchoesCaseAndMatches()
    {
        var reply = Ask("WwW.ExAmPlE.TeSt", RecordType.A);

        DnsName.ToText(reply.Questions[0].Name).Should().Be("WwW.ExAmPlE.TeSt.");
        Lines(reply.Answers).Should().Equal("WwW.ExAmPlE.TeSt. 60 IN A 192.0.2.1");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Process_RecursionDesired_IsCopied(bool recursionDesired)
    {
        var reply = Ask(Queries.Build("www.example.test", RecordType.A, id: 0xBEEF, recursionDesired: recursionDesired));

        reply.Header.Id.Should().Be(0xBEEF);
        reply.Header.RecursionDesired.Should().Be(recursionDesired);
    }

    [Fact]
    public void Process_MultipleRecords_AllAnswered()
    {
        Lines(Ask("api.example.test", RecordType.A).Answers).Should().Equal(
            "api.example.test. 300 IN A 192.0.2.2",
            "api.example.test. 300 IN A 192.0.2.3");
    }

    [Fact]
    public void Process_NxDomain_HasSoaWithRfc2308Ttl()
    {
        var reply = Ask("nothere.example.test", RecordType.A, edns: null);

        reply.ResponseCode.Should().Be((int)ResponseCode.NxDomain);
        reply.Header.IsAuthoritative.Should().BeTrue();
        reply.Answers.Should().BeEmpty();
        // min(SOA TTL 300, MINIMUM 120)
        Lines(reply.Authorities).Should().Equal("example.test. 120 IN SOA ns1.example.test. hostmaster.example.test. 2026112101 3600 900 1209600 120");
        reply.Edns.Should().BeNull("the query had no OPT");
    }

    [Fact]
    public void Process_NoData_HasSoaAndNoError()
    {
        var reply = Ask("www.example.test", RecordType.MX);

        reply.ResponseCode.Should().Be((int)ResponseCode.NoError);
        reply.Answers.Should().BeEmpty();
        Lines(reply.Authorities).Should().ContainSingle().Which.Should().StartWith("example.test. 120 IN SOA");
    }

    [Fact]
    public void Process_EmptyNonTerminal_IsNoData()
    {
        var reply = Ask("b.ent.example.test", RecordType.A);

        reply.ResponseCode.Should().Be((int)ResponseCode.NoError);
        reply.Answers.Should().BeEmpty();
        reply.Authorities.Should().ContainSingle(r => r.Type == RecordType.SOA);
    }

    [Fact]
    public void Process_OutOfZone_IsRefusedWithoutAa()
    {
        var reply = Ask("www.elsewhere.invalid", RecordType.A);

        reply.ResponseCode.Should().Be((int)ResponseCode.Refused);
        reply.Header.IsAuthoritative.Should().BeFalse();
        reply.Answers.Should().BeEmpty();
    }

    [Theory]
    [InlineData("sub.example.test")]
    [InlineData("host.sub.example.test")]
    [InlineData("ns.sub.example.test")]
    public void Process_AtOrBelowDelegation_IsReferralWithGlue(string name)
    {
        var reply = Ask(name, RecordType.A);

        reply.ResponseCode.Should().Be((int)ResponseCode.NoError);
        reply.Header.IsAuthoritative.Should().BeFalse();
        reply.Answers.Should().BeEmpty();
        Lines(reply.Authorities).Should().Equal("sub.example.test. 300 IN NS ns.sub.example.test.");
        Lines(reply.Additionals).Should().Equal("ns.sub.example.test. 300 IN A 192.0.2.200");
    }

    [Fact]
    public void Process_DsAtDelegation_IsAnsweredByParent()
    {
        var reply = Ask("sub.example.test", RecordType.DS);

        reply.Header.IsAuthoritative.Should().BeTrue();
        reply.Answers.Should().BeEmpty();
        reply.Authorities.Should().ContainSingle(r => r.Type == RecordType.SOA);
    }

    [Fact]
    public void Process_CnameChain_IsFollowedInZone()
    {
        Lines(Ask("chain.example.test", RecordType.A).Answers).Should().Equal(
            "chain.example.test. 300 IN CNAME ftp.example.test.",
            "ftp.example.test. 300 IN CNAME www.example.test.",
            "www.example.test. 60 IN A 192.0.2.1");
    }

    [Fact]
    public void Process_CnameQuestion_ReturnsCnameOnly()
    {
        Lines(Ask("ftp.example.test", RecordType.CNAME).Answers).Should().Equal("ftp.example.test. 300 IN CNAME www.example.test.");
    }

    [Fact]
    public void Process_CnameToMissingName_IsNxDomainWithChain()
    {
        var reply = Ask("dangling.example.test", RecordType.A);

        reply.ResponseCode.Should().Be((int)ResponseCode.NxDomain);
        Lines(reply.Answers).Should().Equal("dangling.example.test. 300 IN CNAME nothere.example.test.");
        reply.Authorities.Should().ContainSingle(r => r.Type == RecordType.SOA);
    }

    [Fact]
    public void Process_CnameOutOfZone_AnswersCnameOnly()
    {
        var reply = Ask("ext.example.test", RecordType.A);

        reply.ResponseCode.Should().Be((int)ResponseCode.NoError);
        Lines(reply.Answers).Should().Equal("ext.example.test. 300 IN CNAME www.elsewhere.invalid.");
        reply.Authorities.Should().BeEmpty();
    }

    [Fact]
    public void Process_CnameLoop_StopsWhereItCloses()
    {
        var reply = Ask("loop1.example.test", RecordType.A);

        reply.ResponseCode.Should().Be((int)ResponseCode.NoError);
        Lines(reply.Answers).Should().Equal(
            "loop1.example.test. 300 IN CNAME loop2.example.test.",
            "loop2.example.test. 300 IN CNAME loop1.example.test.");
    }

    [Fact]
    public void Process_Wildcard_SynthesizesOwnerFromQuestion()
    {
        Lines(Ask("anything.wild.example.test", RecordType.A).Answers).Should().Equal("anything.wild.example.test. 300 IN A 192.0.2.99");
        Lines(Ask("deep.er.wild.example.test", RecordType.TXT).Answers).Should().Equal("deep.er.wild.example.test. 300 IN TXT \"wild\"");
    }

    [Fact]
    public void Process_WildcardWithoutType_IsNoData()
    {
        var reply = Ask("x.wild.example.test", RecordType.MX);

        reply.ResponseCode.Should().Be((int)ResponseCode.NoError);
        reply.Answers.Should().BeEmpty();
    }

    [Fact]
    public void Process_WildcardCname_IsFollowed()
    {
        Lines(Ask("x.cwild.example.test", RecordType.A).Answers).Should().Equal(
            "x.cwild.example.test. 300 IN CNAME www.example.test.",
            "www.example.test. 60 IN A 192.0.2.1");
    }

    [Fact]
    public void Process_Mx_AddsInZoneAddresses()
    {
        var reply = Ask("example.test", RecordType.MX);

        Lines(reply.Answers).Should().Equal(
            "example.test. 300 IN MX 10 mail.example.test.",
            "example.test. 300 IN MX 20 mail2.example.test.");
        Lines(reply.Additionals).Should().Equal(
            "mail.example.test. 300 IN A 192.0.2.25",
            "mail.example.test. 300 IN AAAA 2001:db8::25",
            "mail2.example.test. 300 IN A 192.0.2.26");
    }

    [Fact]
    public void Process_Srv_AddsTargetAddresses()
    {
        var reply = Ask("_sip._udp.example.test", RecordType.SRV);

        Lines(reply.Answers).Should().Equal("_sip._udp.example.test. 300 IN SRV 10 5 5060 mail.example.test.");
        reply.Additionals.Should().HaveCount(2);
    }

    [Fact]
    public void Process_Any_ReturnsOneRRset()
    {
        var reply = Ask("example.test", RecordType.ANY);

        // RFC 8482 §4.1: one RRset, here the first by type number, as Knot answers.
        Lines(reply.Answers).Should().Equal("example.test. 300 IN A 192.0.2.10");
    }

    [Fact]
    public void Process_TxtAndCaa_AreEncodedExactly()
    {
        Lines(Ask("txt.example.test", RecordType.TXT).Answers).Should().Equal("txt.example.test. 300 IN TXT \"hello world\" \"second\"");
        Lines(Ask("caa.example.test", RecordType.CAA).Answers).Should().Equal("caa.example.test. 300 IN CAA 0 issue \"letsencrypt.org\"");
    }

    [Fact]
    public void Process_EdnsVersion1_IsBadVers()
    {
        var reply = Ask(Queries.Build("www.example.test", RecordType.A, ednsPayload: 1232, ednsVersion: 1));

        reply.ResponseCode.Should().Be((int)ResponseCode.BadVers);
        reply.Header.ResponseCode.Should().Be(0, "BADVERS lives in the OPT's extended RCODE");
        reply.Edns!.Version.Should().Be(0);
        reply.Answers.Should().BeEmpty();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Process_DnssecOk_IsEchoed(bool dnssecOk)
    {
        var reply = Ask(Queries.Build("www.example.test", RecordType.A, ednsPayload: 4096, dnssecOk: dnssecOk));

        reply.Edns!.DnssecOk.Should().Be(dnssecOk);
        reply.Edns.PayloadSize.Should().Be(Edns.AdvertisedPayloadSize);
    }

    [Theory]
    [InlineData(null, 512)]
    [InlineData((ushort)512, 512)]
    [InlineData((ushort)100, 512)]
    [InlineData((ushort)1232, 1232)]
    [InlineData((ushort)4096, 1232)]
    public void Process_LargeAnswerOverUdp_IsTruncatedWholeRRsets(ushort? payload, int limit)
    {
        var buffer = new byte[QueryProcessor.MaxTcpResponse];
        var length = _processor.Process(Queries.Build("big.example.test", RecordType.TXT, ednsPayload: payload), buffer, overTcp: false);

        length.Should().BeLessThanOrEqualTo(limit);
        DnsMessage.TryParse(buffer.AsSpan(0, length), out var reply).Should().BeTrue();
        reply!.Header.IsTruncated.Should().BeTrue();
        reply.Answers.Should().BeEmpty("an RRset that does not fit is left out whole");
        (reply.Edns is not null).Should().Be(payload is not null);
    }

    [Fact]
    public void Process_LargeAnswerOverTcp_IsComplete()
    {
        var reply = Ask(Queries.Build("big.example.test", RecordType.TXT), overTcp: true);

        reply.Header.IsTruncated.Should().BeFalse();
        reply.Answers.Should().HaveCount(40);
    }

    [Fact]
    public void Process_ClassAny_IsAnsweredAsIn()
    {
        Lines(Ask(Queries.Build("www.example.test", RecordType.A, @class: (ushort)RecordClass.ANY)).Answers)
            .Should().Equal("www.example.test. 60 IN A 192.0.2.1");
    }

    [Fact]
    public void Process_ClassChaos_IsRefused()
    {
        Ask(Queries.Build("version.bind", RecordType.TXT, @class: (ushort)RecordClass.CH)).ResponseCode.Should().Be((int)ResponseCode.Refused);
    }

    [Theory]
    [InlineData(OpCode.Notify)]
    [InlineData(OpCode.Update)]
    [InlineData(OpCode.Status)]
    public void Process_OtherOpcode_IsNotImp(OpCode opCode)
    {
        var reply = Ask(Queries.Build("www.example.test", RecordType.A, opCode: opCode));

        reply.ResponseCode.Should().Be((int)ResponseCode.NotImp);
        reply.Header.OpCode.Should().Be(opCode);
        reply.Answers.Should().BeEmpty();
    }

    [Theory]
    [InlineData(false, ResponseCode.NotImp)]
    [InlineData(true, ResponseCode.Refused)]
    public void Process_ZoneTransfer_IsNotOffered(bool overTcp, ResponseCode expected)
    {
        Ask(Queries.Build("example.test", RecordType.AXFR), overTcp).ResponseCode.Should().Be((int)expected);
    }

    [Fact]
    public void Process_TrailingGarbage_IsFormErrWithIdAndQuestion()
    {
        var query = Queries.Build("www.example.test", RecordType.A, id: 0x4242);
        var reply = Ask([.. query, 0, 1]);

        reply.Header.Id.Should().Be(0x4242);
        reply.ResponseCode.Should().Be((int)ResponseCode.FormErr);
        reply.Questions.Should().ContainSingle();
        reply.Answers.Should().BeEmpty();
    }

    [Fact]
    public void Process_TwoQuestions_IsFormErr()
    {
        var query = Queries.Build("www.example.test", RecordType.A);
        query[5] = 2; // QDCOUNT

        Ask(query).ResponseCode.Should().Be((int)ResponseCode.FormErr);
    }

    [Fact]
    public void Process_ShorterThanHeader_IsSilent()
    {
        _processor.Process(new byte[11], new byte[512], overTcp: false).Should().Be(0);
    }

    [Fact]
    public void Process_ResponseBitSet_IsSilent()
    {
        var query = Queries.Build("www.example.test", RecordType.A);
        query[2] |= 0x80;

        _processor.Process(query, new byte[512], overTcp: false).Should().Be(0);
    }
}
