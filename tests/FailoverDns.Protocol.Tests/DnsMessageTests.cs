using System.Buffers.Binary;
using FailoverDns.Testing;
using FluentAssertions;

namespace FailoverDns.Protocol.Tests;

public class DnsMessageTests
{
    private static byte[] SimpleResponse() =>
    [
        // Header
        0xBE, 0xEF, // ID
        0x85, 0x00, // QR=1, OPCODE=0, AA=1, TC=0, RD=1, RA=0, RCODE=0
        0x00, 0x01, // QDCOUNT 1
        0x00, 0x01, // ANCOUNT 1
        0x00, 0x00, // NSCOUNT 0
        0x00, 0x01, // ARCOUNT 1 (OPT)

        // Question (offset 12)
        0x03, (byte)'w', (byte)'w', (byte)'w', // "www"
        0x07, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', // "example"
        0x04, (byte)'t', (byte)'e', (byte)'s', (byte)'t', // "test"
        0x00, // root
        0x00, 0x01, // QTYPE A
        0x00, 0x01, // QCLASS IN

        // Answer (offset 34)
        0xC0, 0x0C, // NAME: pointer to offset 12
        0x00, 0x01, // TYPE A
        0x00, 0x01, // CLASS IN
        0x00, 0x00, 0x01, 0x2C, // TTL 300
        0x00, 0x04, // RDLENGTH 4
        0xC0, 0x00, 0x02, 0x01, // 192.0.2.1

        // Additional: OPT (offset 50)
        0x00, // NAME: root
        0x00, 0x29, // TYPE OPT
        0x04, 0xD0, // CLASS: UDP payload size 1232
        0x00, // extended RCODE
        0x00, // version 0
        0x80, 0x00, // DO=1, Z=0
        0x00, 0x00, // RDLENGTH 0
    ];

    [Fact]
    public void TryParse_RealResponse_ReadsEveryPart()
    {
        DnsMessage.TryParse(SimpleResponse(), out var message).Should().BeTrue();

        message!.Header.Should().Be(new DnsHeader(0xBEEF, 0x8500, 1, 1, 0, 1));
        message.Questions.Should().ContainSingle();
        message.Questions[0].Name.Should().Equal(Wire.Name("www.example.test"));
        message.Questions[0].Type.Should().Be(RecordType.A);
        message.Questions[0].Class.Should().Be(1);

        message.Answers.Should().ContainSingle();
        var answer = message.Answers[0];
        answer.Name.Should().Equal(Wire.Name("www.example.test"), "the C00C pointer is expanded");
        answer.Type.Should().Be(RecordType.A);
        answer.Class.Should().Be(1);
        answer.Ttl.Should().Be(300);
        answer.Data.Should().Equal(192, 0, 2, 1);
        answer.ToString().Should().Be("www.example.test. 300 IN A 192.0.2.1");

        message.Authorities.Should().BeEmpty();
        message.Additionals.Should().BeEmpty("the OPT record becomes Edns, not an additional record");
        message.Edns.Should().NotBeNull();
        message.Edns!.PayloadSize.Should().Be(1232);
        message.Edns.Version.Should().Be(0);
        message.Edns.DnssecOk.Should().BeTrue();
        message.Edns.ExtendedRCode.Should().Be(0);
        message.Edns.Options.Should().BeEmpty();
        message.ResponseCode.Should().Be(0);
    }

    [Fact]
    public void TryParse_RichResponse_ExpandsOwnersAndRDataNames()
    {
        DnsMessage.TryParse(TestMessages.RichResponse(), out var message).Should().BeTrue();

        message!.Answers.Select(r => r.ToString()).Should().Equal(
            "www.example.test. 3600 IN CNAME web.example.test.",
            "web.example.test. 300 IN A 192.0.2.1");
        message.Authorities.Select(r => r.ToString()).Should().Equal(
            "example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. 2024010101 7200 3600 1209600 300");
        message.Additionals.Select(r => r.ToString()).Should().Equal(
            "ns1.example.test. 300 IN AAAA 2001:db8::53");
        message.Edns!.Options.Should().ContainSingle();
        message.Edns.Options[0].Code.Should().Be(10);
        message.Edns.Options[0].Data.Should().Equal(1, 2, 3, 4, 5, 6, 7, 8);
    }

    [Fact]
    public void TryParse_WithoutOpt_HasNoEdns()
    {
        var bytes = SimpleResponse()[..50];
        bytes[11] = 0x00; // ARCOUNT 0

        DnsMessage.TryParse(bytes, out var message).Should().BeTrue();

        message!.Edns.Should().BeNull();
        message.Answers.Should().ContainSingle();
    }

    [Fact]
    public void TryParse_ExtendedRCode_CombinesWithHeaderRCode()
    {
        var bytes = SimpleResponse();
        bytes[3] = 0x03; // header RCODE 3
        bytes[55] = 0x01; // OPT extended RCODE 1: full RCODE (1 << 4) | 3 = 19

        DnsMessage.TryParse(bytes, out var message).Should().BeTrue();

        message!.Header.ResponseCode.Should().Be(3);
        message.ResponseCode.Should().Be(19);
    }

    [Fact]
    public void TryParse_BadVers_IsSixteen()
    {
        var bytes = SimpleResponse();
        bytes[55] = 0x01; // extended RCODE 1, header RCODE 0

        DnsMessage.TryParse(bytes, out var message).Should().BeTrue();

        message!.ResponseCode.Should().Be((int)ResponseCode.BadVers);
    }

    [Fact]
    public void TryParse_TrailingByte_ReturnsFalse()
    {
        DnsMessage.TryParse([.. SimpleResponse(), 0x00], out var message).Should().BeFalse();

        message.Should().BeNull();
    }

    [Fact]
    public void TryParse_TwoOptRecords_ReturnsFalse()
    {
        var bytes = WithSecondOpt(SimpleResponse());

        DnsMessage.TryParse(bytes, out _).Should().BeFalse();
    }

    [Fact]
    public void TryParse_OptInAnswerSection_ReturnsFalse()
    {
        byte[] bytes =
        [
            0x00, 0x01, // ID
            0x84, 0x00, // QR=1, AA=1
            0x00, 0x00, // QDCOUNT 0
            0x00, 0x01, // ANCOUNT 1
            0x00, 0x00, // NSCOUNT 0
            0x00, 0x00, // ARCOUNT 0
            0x00, 0x00, 0x29, 0x04, 0xD0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // OPT in the answer section
        ];

        DnsMessage.TryParse(bytes, out _).Should().BeFalse();

        bytes[7] = 0x00; // ANCOUNT 0
        bytes[11] = 0x01; // ARCOUNT 1: the same OPT in the additional section is fine
        DnsMessage.TryParse(bytes, out _).Should().BeTrue();
    }

    [Fact]
    public void TryParse_OptInAuthoritySection_ReturnsFalse()
    {
        var bytes = SimpleResponse();
        bytes[9] = 0x01; // NSCOUNT 1
        bytes[11] = 0x00; // ARCOUNT 0: the OPT is now the authority record

        DnsMessage.TryParse(bytes, out _).Should().BeFalse();
    }

    [Fact]
    public void TryParse_OptWithNonRootOwner_ReturnsFalse()
    {
        byte[] bytes =
        [
            .. SimpleResponse()[..50],
            0xC0, 0x0C, // NAME: www.example.test, not the root
            0x00, 0x29, // TYPE OPT
            0x04, 0xD0, // payload size 1232
            0x00, 0x00, 0x00, 0x00, // TTL field
            0x00, 0x00, // RDLENGTH 0
        ];

        DnsMessage.TryParse(bytes, out _).Should().BeFalse();
    }

    [Fact]
    public void TryParse_OptWithOverrunningOption_ReturnsFalse()
    {
        byte[] bytes =
        [
            .. SimpleResponse()[..59],
            0x00, 0x06, // RDLENGTH 6
            0x00, 0x0A, // OPTION-CODE 10
            0x00, 0x08, // OPTION-LENGTH 8, but only 2 bytes follow
            0x01, 0x02,
        ];

        DnsMessage.TryParse(bytes, out _).Should().BeFalse();
    }

    [Fact]
    public void TryParse_OptWithPartialOptionHeader_ReturnsFalse()
    {
        byte[] bytes =
        [
            .. SimpleResponse()[..59],
            0x00, 0x03, // RDLENGTH 3
            0x00, 0x0A, 0x00, // 3 bytes: less than an option header
        ];

        DnsMessage.TryParse(bytes, out _).Should().BeFalse();
    }

    [Fact]
    public void TryParse_EdnsOptions_ArePreservedInOrder()
    {
        byte[] bytes =
        [
            .. SimpleResponse()[..59],
            0x00, 0x14, // RDLENGTH 20
            0x00, 0x0A, // OPTION-CODE 10 (COOKIE)
            0x00, 0x08, // OPTION-LENGTH 8
            0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, // client cookie
            0x00, 0x0C, // OPTION-CODE 12 (PADDING)
            0x00, 0x00, // OPTION-LENGTH 0
            0xFD, 0xE9, // OPTION-CODE 65001 (local use)
            0x00, 0x00, // OPTION-LENGTH 0
        ];

        DnsMessage.TryParse(bytes, out var message).Should().BeTrue();

        var options = message!.Edns!.Options;
        options.Select(o => o.Code).Should().Equal(10, 12, 65001);
        options[0].Data.Should().Equal(0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88);
        options[1].Data.Should().BeEmpty();

        message.ToArray().Should().Equal(bytes, "the options are written back unchanged");
    }

    [Fact]
    public void TryParse_MoreRecordsCountedThanPresent_ReturnsFalse()
    {
        var bytes = SimpleResponse();
        bytes[7] = 0x02; // ANCOUNT 2

        DnsMessage.TryParse(bytes, out _).Should().BeFalse();
    }

    [Fact]
    public void TryParse_MalformedRDataOfKnownType_ReturnsFalse()
    {
        var bytes = SimpleResponse();
        bytes[37] = 0x1C; // answer TYPE (offsets 36-37) becomes AAAA, but RDLENGTH stays 4

        DnsMessage.TryParse(bytes, out _).Should().BeFalse();
    }

    [Fact]
    public void TryParse_HeaderOnly_HasEmptySections()
    {
        byte[] bytes = [0x00, 0x07, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

        DnsMessage.TryParse(bytes, out var message).Should().BeTrue();

        message!.Header.Id.Should().Be(7);
        message.Questions.Should().BeEmpty();
        message.Edns.Should().BeNull();
    }

    [Fact]
    public void TryWrite_ThenTryParse_RoundTripsAndCompressesNames()
    {
        var original = new DnsMessage(
            new DnsHeader(0x4242, 0x8500, 0, 0, 0, 0),
            [new DnsQuestion(Wire.Name("www.example.test"), RecordType.A, 1)],
            [
                new DnsRecord(Wire.Name("www.example.test"), RecordType.A, 1, 300, [192, 0, 2, 1]),
                new DnsRecord(Wire.Name("www.example.test"), RecordType.A, 1, 300, [192, 0, 2, 2]),
            ],
            [new DnsRecord(Wire.Name("example.test"), RecordType.NS, 1, 3600, Wire.Name("ns1.example.test"))],
            [new DnsRecord(Wire.Name("ns1.example.test"), RecordType.A, 1, 3600, [192, 0, 2, 53])],
            new Edns(1232, 0, 0, true, [new EdnsOption(10, [1, 2, 3, 4, 5, 6, 7, 8])]));
        var buffer = new byte[512];

        original.TryWrite(buffer, out var written).Should().BeTrue();

        // 12 header + 22 question + 2 × (2 + 10 + 4) answers + (2 + 10 + 18) NS + (4 + 2 + 10 + 4) glue + (11 + 12) OPT
        written.Should().Be(12 + 22 + 32 + 30 + 20 + 23);
        var bytes = buffer[..written];
        bytes[34..36].Should().Equal([0xC0, 0x0C], "the first answer owner repeats the question name at offset 12");
        bytes[50..52].Should().Equal([0xC0, 0x0C], "so does the second");
        bytes[66..68].Should().Equal([0xC0, 0x10], "the NS owner example.test is the question name's suffix at offset 16");
        bytes[96..102].Should().Equal([0x03, (byte)'n', (byte)'s', (byte)'1', 0xC0, 0x10], "glue: a new label, then a pointer");

        DnsMessage.TryParse(bytes, out var parsed).Should().BeTrue();
        parsed!.Header.Should().Be(original.Header with { QuestionCount = 1, AnswerCount = 2, AuthorityCount = 1, AdditionalCount = 2 });
        parsed.Should().BeEquivalentTo(original, options => options.ComparingRecordsByMembers().Excluding(m => m.Header));
        parsed.ToArray().Should().Equal(bytes, "writing the parsed message again gives the same bytes");
    }

    [Fact]
    public void TryWrite_RichResponse_RoundTripsToEquivalentMessage()
    {
        DnsMessage.TryParse(TestMessages.RichResponse(), out var first).Should().BeTrue();

        var bytes = first!.ToArray();
        DnsMessage.TryParse(bytes, out var second).Should().BeTrue();

        second.Should().BeEquivalentTo(first, options => options.ComparingRecordsByMembers());
        second!.ToArray().Should().Equal(bytes);

        // Owners are compressed, but RDATA is written in its canonical, uncompressed form:
        // +12 (CNAME target), +4 (owner web.example.test), +24 (SOA names), +4 (owner ns1.example.test).
        bytes.Should().HaveCount(170 + 12 + 4 + 24 + 4);
    }

    [Fact]
    public void TryWrite_NamesDifferingOnlyInCase_AreCompressedToTheFirstSpelling()
    {
        var message = new DnsMessage(
            new DnsHeader(1, 0x8400, 0, 0, 0, 0),
            [new DnsQuestion(Wire.Name("wWw.ExAmPlE.test"), RecordType.A, 1)],
            [new DnsRecord(Wire.Name("www.example.test"), RecordType.A, 1, 60, [192, 0, 2, 1])],
            [],
            [],
            null);

        var bytes = message.ToArray();

        bytes[12..30].Should().Equal(Wire.Name("wWw.ExAmPlE.test"), "the question keeps its case (0x20)");
        bytes[34..36].Should().Equal([0xC0, 0x0C]);
    }

    [Fact]
    public void TryWrite_DestinationTooSmall_ReturnsFalseAtEveryLength()
    {
        DnsMessage.TryParse(TestMessages.RichResponse(), out var message).Should().BeTrue();
        var full = message!.ToArray();

        for (var length = 0; length < full.Length; length++)
        {
            message.TryWrite(new byte[length], out var written).Should().BeFalse($"{length} bytes cannot hold {full.Length}");
            written.Should().Be(0);
        }

        message.TryWrite(new byte[full.Length], out var exact).Should().BeTrue();
        exact.Should().Be(full.Length);
    }

    [Fact]
    public void TryWrite_RecountsHeaderCounts()
    {
        var message = new DnsMessage(
            new DnsHeader(9, 0x0100, 7, 7, 7, 7),
            [new DnsQuestion(Wire.Name("example.test"), RecordType.SOA, 1)],
            [],
            [],
            [],
            new Edns(4096, 0, 0, false, []));

        var bytes = message.ToArray();

        BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(4)).Should().Be(1); // QDCOUNT
        BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(6)).Should().Be(0); // ANCOUNT
        BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(8)).Should().Be(0); // NSCOUNT
        BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(10)).Should().Be(1); // ARCOUNT: the OPT
        DnsMessage.TryParse(bytes, out var parsed).Should().BeTrue();
        parsed!.Edns!.PayloadSize.Should().Be(4096);
    }

    /// <summary>Appends a second empty OPT record and bumps ARCOUNT.</summary>
    internal static byte[] WithSecondOpt(byte[] message)
    {
        byte[] bytes = [.. message, 0x00, 0x00, 0x29, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(10), (ushort)(BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(10)) + 1));
        return bytes;
    }
}
