using FailoverDns.Testing;
using FluentAssertions;

namespace FailoverDns.Protocol.Tests;

public class QueryParserTests
{
    private static byte[] PlainQuery() =>
    [
        // Header
        0x12, 0x34, // ID
        0x01, 0x00, // QR=0, OPCODE=0, RD=1
        0x00, 0x01, // QDCOUNT 1
        0x00, 0x00, // ANCOUNT 0
        0x00, 0x00, // NSCOUNT 0
        0x00, 0x00, // ARCOUNT 0

        // Question (offset 12)
        0x03, (byte)'W', (byte)'w', (byte)'W', // "WwW" (0x20 mixed case)
        0x07, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', // "example"
        0x04, (byte)'t', (byte)'e', (byte)'s', (byte)'t', // "test"
        0x00, // root
        0x00, 0x1C, // QTYPE AAAA
        0x00, 0x01, // QCLASS IN
    ];

    private static byte[] Opt(ushort payload = 1232, byte version = 0, bool dnssecOk = false, params byte[] options) =>
    [
        0x00, // NAME: root
        0x00, 0x29, // TYPE OPT
        (byte)(payload >> 8), (byte)payload, // CLASS: UDP payload size
        0x00, // extended RCODE
        version, // EDNS version
        dnssecOk ? (byte)0x80 : (byte)0x00, 0x00, // DO, Z
        (byte)(options.Length >> 8), (byte)options.Length, // RDLENGTH
        .. options,
    ];

    private static byte[] WithCounts(byte[] message, int answers, int authorities, int additionals)
    {
        var copy = message.ToArray();
        copy[7] = (byte)answers;
        copy[9] = (byte)authorities;
        copy[11] = (byte)additionals;
        return copy;
    }

    [Fact]
    public void Parse_PlainQuery_ReturnsOkWithQuestion()
    {
        var name = new byte[DnsName.MaxLength];

        QueryParser.Parse(PlainQuery(), name, out var query).Should().Be(QueryParseStatus.Ok);

        query.Header.Should().Be(new DnsHeader(0x1234, 0x0100, 1, 0, 0, 0));
        query.HasQuestion.Should().BeTrue();
        name[..query.NameLength].Should().Equal(Wire.Name("WwW.example.test"), "the question name keeps its case");
        query.Type.Should().Be(RecordType.AAAA);
        query.Class.Should().Be(1);
        query.HasEdns.Should().BeFalse();
        query.PayloadSize.Should().Be(0);
    }

    [Fact]
    public void Parse_QueryWithEdns_ReadsPayloadVersionAndDo()
    {
        var message = WithCounts([.. PlainQuery(), .. Opt(4096, 0, dnssecOk: true)], 0, 0, 1);

        QueryParser.Parse(message, new byte[DnsName.MaxLength], out var query).Should().Be(QueryParseStatus.Ok);

        query.HasEdns.Should().BeTrue();
        query.PayloadSize.Should().Be(4096);
        query.EdnsVersion.Should().Be(0);
        query.DnssecOk.Should().BeTrue();
    }

    [Fact]
    public void Parse_EdnsVersionOne_IsOkAndReportsVersion()
    {
        // BADVERS is the query processor's decision (RFC 6891 §6.1.3); the parser only reports it.
        var message = WithCounts([.. PlainQuery(), .. Opt(512, version: 1)], 0, 0, 1);

        QueryParser.Parse(message, new byte[DnsName.MaxLength], out var query).Should().Be(QueryParseStatus.Ok);

        query.EdnsVersion.Should().Be(1);
        query.DnssecOk.Should().BeFalse();
        query.PayloadSize.Should().Be(512);
    }

    [Fact]
    public void Parse_EdnsQueryVector_IsOk()
    {
        QueryParser.Parse(TestMessages.EdnsQuery(), new byte[DnsName.MaxLength], out var query).Should().Be(QueryParseStatus.Ok);

        query.Header.Id.Should().Be(0xABCD);
        query.PayloadSize.Should().Be(1232);
        query.DnssecOk.Should().BeTrue();
        query.Type.Should().Be(RecordType.A);
    }

    [Fact]
    public void Parse_OptWithWellFormedOptions_IsOk()
    {
        byte[] options =
        [
            0x00, 0x0A, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, // COOKIE, 8 bytes
            0x00, 0x0C, 0x00, 0x00, // PADDING, empty
        ];
        var message = WithCounts([.. PlainQuery(), .. Opt(1232, 0, false, options)], 0, 0, 1);

        QueryParser.Parse(message, new byte[DnsName.MaxLength], out var query).Should().Be(QueryParseStatus.Ok);

        query.HasEdns.Should().BeTrue();
    }

    [Fact]
    public void Parse_RecordsInEverySection_AreSkipped()
    {
        QueryParser.Parse(TestMessages.RichQuery(), new byte[DnsName.MaxLength], out var query).Should().Be(QueryParseStatus.Ok);

        query.Type.Should().Be(RecordType.A);
        query.NameLength.Should().Be(18);
        query.HasEdns.Should().BeTrue();
        query.DnssecOk.Should().BeTrue();
    }

    [Fact]
    public void Parse_NonOptAdditionalRecord_IsSkipped()
    {
        byte[] record =
        [
            0xC0, 0x0C, // NAME: pointer to the question name
            0x00, 0xFA, // TYPE 250 (TSIG), not interpreted here
            0x00, 0xFF, // CLASS ANY
            0x00, 0x00, 0x00, 0x00, // TTL
            0x00, 0x02, // RDLENGTH
            0xAB, 0xCD,
        ];
        var message = WithCounts([.. PlainQuery(), .. record], 0, 0, 1);

        QueryParser.Parse(message, new byte[DnsName.MaxLength], out var query).Should().Be(QueryParseStatus.Ok);

        query.HasEdns.Should().BeFalse();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(11)]
    public void Parse_ShorterThanHeader_ReturnsIgnore(int length)
    {
        QueryParser.Parse(PlainQuery().AsSpan(0, length), new byte[DnsName.MaxLength], out _).Should().Be(QueryParseStatus.Ignore);
    }

    [Fact]
    public void Parse_ResponseBitSet_ReturnsIgnore()
    {
        var message = PlainQuery();
        message[2] |= 0x80; // QR=1

        QueryParser.Parse(message, new byte[DnsName.MaxLength], out _).Should().Be(QueryParseStatus.Ignore);
        QueryParser.Parse(TestMessages.RichResponse(), new byte[DnsName.MaxLength], out _).Should().Be(QueryParseStatus.Ignore);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(255)]
    public void Parse_QuestionCountNotOne_ReturnsMalformedWithHeader(int questionCount)
    {
        var message = PlainQuery();
        message[5] = (byte)questionCount;

        QueryParser.Parse(message, new byte[DnsName.MaxLength], out var query).Should().Be(QueryParseStatus.Malformed);

        query.Header.Id.Should().Be(0x1234, "FORMERR echoes the ID");
        query.HasQuestion.Should().BeFalse();
    }

    [Fact]
    public void Parse_QuestionCountTwoWithTwoQuestions_ReturnsMalformed()
    {
        var message = PlainQuery();
        message[5] = 2;

        QueryParser.Parse([.. message, .. message[12..]], new byte[DnsName.MaxLength], out _).Should().Be(QueryParseStatus.Malformed);
    }

    [Theory]
    [InlineData(12)] // header only
    [InlineData(16)] // name cut inside
    [InlineData(29)] // name without root label
    [InlineData(30)] // name, no type
    [InlineData(32)] // name and type, no class
    [InlineData(33)] // half the class
    public void Parse_TruncatedQuestion_ReturnsMalformedWithoutQuestion(int length)
    {
        QueryParser.Parse(PlainQuery().AsSpan(0, length), new byte[DnsName.MaxLength], out var query).Should().Be(QueryParseStatus.Malformed);

        query.HasQuestion.Should().BeFalse();
        query.Header.Id.Should().Be(0x1234);
    }

    [Fact]
    public void Parse_QuestionNameWithBadLabelType_ReturnsMalformed()
    {
        var message = PlainQuery();
        message[12] = 0x43; // label type 0x40

        QueryParser.Parse(message, new byte[DnsName.MaxLength], out var query).Should().Be(QueryParseStatus.Malformed);

        query.HasQuestion.Should().BeFalse();
    }

    [Fact]
    public void Parse_QuestionNameLargerThanDestination_ReturnsMalformed()
    {
        QueryParser.Parse(PlainQuery(), new byte[17], out _).Should().Be(QueryParseStatus.Malformed);
    }

    [Theory]
    [InlineData(new byte[] { 0x00 })]
    [InlineData(new byte[] { 0xDE, 0xAD, 0xBE, 0xEF })]
    public void Parse_TrailingGarbage_ReturnsMalformedButHasQuestion(byte[] garbage)
    {
        QueryParser.Parse([.. PlainQuery(), .. garbage], new byte[DnsName.MaxLength], out var query).Should().Be(QueryParseStatus.Malformed);

        query.HasQuestion.Should().BeTrue("the question parsed before the garbage");
        query.Type.Should().Be(RecordType.AAAA);
    }

    [Fact]
    public void Parse_TwoOptRecords_ReturnsMalformedButHasQuestion()
    {
        var message = WithCounts([.. PlainQuery(), .. Opt(), .. Opt()], 0, 0, 2);

        QueryParser.Parse(message, new byte[DnsName.MaxLength], out var query).Should().Be(QueryParseStatus.Malformed);

        query.HasQuestion.Should().BeTrue();
    }

    [Theory]
    [InlineData(1, 0)] // OPT in the answer section
    [InlineData(0, 1)] // OPT in the authority section
    public void Parse_OptOutsideAdditionalSection_ReturnsMalformed(int answers, int authorities)
    {
        var message = WithCounts([.. PlainQuery(), .. Opt()], answers, authorities, 0);

        QueryParser.Parse(message, new byte[DnsName.MaxLength], out var query).Should().Be(QueryParseStatus.Malformed);

        query.HasQuestion.Should().BeTrue();
    }

    [Fact]
    public void Parse_OptWithNonRootOwner_ReturnsMalformed()
    {
        var opt = Opt();
        byte[] message = WithCounts([.. PlainQuery(), 0xC0, 0x0C, .. opt[1..]], 0, 0, 1); // owner: pointer to the question

        QueryParser.Parse(message, new byte[DnsName.MaxLength], out _).Should().Be(QueryParseStatus.Malformed);
    }

    [Theory]
    [InlineData(new byte[] { 0x00 })] // 1 byte: less than an option header
    [InlineData(new byte[] { 0x00, 0x0A, 0x00 })] // 3 bytes
    [InlineData(new byte[] { 0x00, 0x0A, 0x00, 0x08, 0x01 })] // length 8, one byte of data
    [InlineData(new byte[] { 0x00, 0x0C, 0x00, 0x00, 0x00, 0x0A })] // second option header cut
    public void Parse_MalformedOptionList_ReturnsMalformedButHasQuestion(byte[] options)
    {
        var message = WithCounts([.. PlainQuery(), .. Opt(1232, 0, false, options)], 0, 0, 1);

        QueryParser.Parse(message, new byte[DnsName.MaxLength], out var query).Should().Be(QueryParseStatus.Malformed);

        query.HasQuestion.Should().BeTrue();
        query.HasEdns.Should().BeFalse();
    }

    [Fact]
    public void Parse_RecordLengthOverrunningMessage_ReturnsMalformed()
    {
        var opt = Opt();
        opt[^1] = 0x04; // RDLENGTH 4 with no RDATA

        QueryParser.Parse(WithCounts([.. PlainQuery(), .. opt], 0, 0, 1), new byte[DnsName.MaxLength], out var query)
            .Should().Be(QueryParseStatus.Malformed);

        query.HasQuestion.Should().BeTrue();
    }

    [Fact]
    public void Parse_RecordCountedButMissing_ReturnsMalformed()
    {
        QueryParser.Parse(WithCounts(PlainQuery(), 0, 0, 1), new byte[DnsName.MaxLength], out var query).Should().Be(QueryParseStatus.Malformed);

        query.HasQuestion.Should().BeTrue();
    }

    [Fact]
    public void Parse_OtherOpcode_IsStillParsed()
    {
        // NOTIMP is the query processor's answer to an unknown opcode; parsing does not judge it.
        var message = PlainQuery();
        message[2] = 0x78; // OPCODE 15

        QueryParser.Parse(message, new byte[DnsName.MaxLength], out var query).Should().Be(QueryParseStatus.Ok);

        query.Header.OpCode.Should().Be((OpCode)15);
    }
}
