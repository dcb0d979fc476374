using FailoverDns.Testing;
using FluentAssertions;

namespace FailoverDns.Protocol.Tests;

public class ResponseWriterTests
{
    // Two pre-encoded A records (owner = pointer to the question at offset 12), as a snapshot holds them.
    private static readonly byte[] TwoAddresses =
    [
        0xC0, 0x0C, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2C, 0x00, 0x04, 192, 0, 2, 1, // owner ptr 12, A, IN, TTL 300, RDLENGTH 4, 192.0.2.1
        0xC0, 0x0C, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2C, 0x00, 0x04, 192, 0, 2, 2, // the same for 192.0.2.2
    ];

    private static readonly int[] TwoAddressOffsets = [0, 16];

    [Fact]
    public void TryWriteQuestion_NameAsWritten_EchoedWithTypeAndClass()
    {
        var buffer = new byte[64];
        var writer = new ResponseWriter(buffer, 512);

        writer.TryWriteQuestion(Wire.Name("WwW.test"), (ushort)RecordType.A, (ushort)RecordClass.IN).Should().BeTrue();

        buffer[12..writer.Position].Should().Equal(
        [
            0x03, (byte)'W', (byte)'w', (byte)'W', // "WwW", case kept (0x20)
            0x04, (byte)'t', (byte)'e', (byte)'s', (byte)'t', // "test"
            0x00, // root
            0x00, 0x01, // type A
            0x00, 0x01, // class IN
        ]);
        writer.QuestionCount.Should().Be(1);
    }

    [Fact]
    public void TryWriteRRset_OwnerIsTheQuestion_CopiedAsEncoded()
    {
        var buffer = new byte[128];
        var writer = new ResponseWriter(buffer, 512);

        var start = writer.TryWriteRRset(DnsSection.Answer, TwoAddresses, TwoAddressOffsets, DnsHeader.Size);

        start.Should().Be(DnsHeader.Size, "records follow the header when nothing else was written");
        buffer[start..writer.Position].Should().Equal(TwoAddresses);
        (writer.AnswerCount, writer.AuthorityCount, writer.AdditionalCount).Should().Be(((ushort)2, (ushort)0, (ushort)0));
    }

    [Fact]
    public void TryWriteRRset_OwnerElsewhere_EveryRecordPointsThere()
    {
        var buffer = new byte[128];
        var writer = new ResponseWriter(buffer, 512);

        var start = writer.TryWriteRRset(DnsSection.Additional, TwoAddresses, TwoAddressOffsets, 0x3FFF);

        buffer[start..(start + 2)].Should().Equal([0xFF, 0xFF], "pointer flag 0xC000 | offset 0x3FFF");
        buffer[(start + 16)..(start + 18)].Should().Equal([0xFF, 0xFF], "the second record's owner too");
        buffer[(start + 2)..(start + 16)].Should().Equal(TwoAddresses[2..16], "only the owner changes");
        TwoAddresses[..2].Should().Equal([0xC0, 0x0C], "the snapshot's encoding is never written to");
        writer.AdditionalCount.Should().Be(2);
    }

    [Fact]
    public void TryWriteShortenedSignedRRset_OwnerSpelledOut_SharedLabelsBecomeAPointer()
    {
        // An NSEC-like record and one signature, each spelling out a.example.test (16 bytes), after a
        // question example.test at offset 12.
        var owner = Wire.Name("a.example.test");
        byte[] Record(byte type, byte data) => [.. owner, 0x00, type, 0x00, 0x01, 0x00, 0x00, 0x0E, 0x10, 0x00, 0x01, data];
        var buffer = new byte[128];
        var writer = new ResponseWriter(buffer, 512);
        writer.TryWriteQuestion(Wire.Name("example.test"), (ushort)RecordType.A, (ushort)RecordClass.IN);
        var end = writer.Position;

        var start = writer.TryWriteShortenedSignedRRset(DnsSection.Authority, Record(47, 1), [0], Record(46, 2), [0], owner.Length, keptLength: 2, suffixOffset: DnsHeader.Size);

        start.Should().Be(end);
        byte[] rest(byte type, byte data) => [0x00, type, 0x00, 0x01, 0x00, 0x00, 0x0E, 0x10, 0x00, 0x01, data];
        buffer[start..writer.Position].Should().Equal(
            [0x01, (byte)'a', 0xC0, 0x0C, .. rest(47, 1), 0xC0, (byte)start, .. rest(46, 2)],
            "\001a then a pointer to example.test in the question; the signature's owner a pointer to the record's");
        writer.AuthorityCount.Should().Be(2);

        var full = new ResponseWriter(new byte[128], DnsHeader.Size + 27);
        full.TryWriteShortenedSignedRRset(DnsSection.Authority, Record(47, 1), [0], Record(46, 2), [0], owner.Length, 2, DnsHeader.Size).Should().Be(-1, "28 bytes do not fit in 27");
        full.Position.Should().Be(DnsHeader.Size);
    }

    [Fact]
    public void TryWriteRRset_OwnerBeyondPointerRange_RefusedAndNothingWritten()
    {
        var buffer = new byte[128];
        var writer = new ResponseWriter(buffer, 512);

        writer.TryWriteRRset(DnsSection.Answer, TwoAddresses, TwoAddressOffsets, DnsName.MaxPointerTarget + 1).Should().Be(-1);

        writer.Position.Should().Be(DnsHeader.Size);
        writer.AnswerCount.Should().Be(0);
    }

    [Theory]
    [InlineData(DnsHeader.Size + 32, true)]
    [InlineData(DnsHeader.Size + 31, false)]
    public void TryWriteRRset_AtTheLimit_WholeOrNothing(int limit, bool fits)
    {
        var buffer = new byte[128];
        var writer = new ResponseWriter(buffer, limit);

        var start = writer.TryWriteRRset(DnsSection.Authority, TwoAddresses, TwoAddressOffsets, DnsHeader.Size);

        (start >= 0).Should().Be(fits);
        writer.Position.Should().Be(fits ? DnsHeader.Size + 32 : DnsHeader.Size, "an RRset is never written in part (RFC 2181 §9)");
        writer.AuthorityCount.Should().Be((ushort)(fits ? 2 : 0));
        buffer[DnsHeader.Size..].Should().OnlyContain(b => fits || b == 0);
    }

    [Fact]
    public void TryWriteRRset_LimitAboveBuffer_BufferIsTheLimit()
    {
        var buffer = new byte[DnsHeader.Size + 31];
        var writer = new ResponseWriter(buffer, 4096);

        writer.TryWriteRRset(DnsSection.Answer, TwoAddresses, TwoAddressOffsets, DnsHeader.Size).Should().Be(-1);
    }

    [Fact]
    public void WriteOptAndHeader_CountsEverySection()
    {
        var buffer = new byte[128];
        var writer = new ResponseWriter(buffer, 512);
        writer.TryWriteQuestion(Wire.Name("a.test"), (ushort)RecordType.A, (ushort)RecordClass.IN);
        writer.TryWriteRRset(DnsSection.Answer, TwoAddresses, TwoAddressOffsets, DnsHeader.Size);
        writer.TryWriteRRset(DnsSection.Authority, TwoAddresses.AsSpan(0, 16), [0], DnsHeader.Size);
        var optAt = writer.Position;

        writer.WriteOpt(extendedRCode: 1, dnssecOk: true);
        writer.WriteHeader(0xBEEF, DnsHeader.QueryResponseFlag | DnsHeader.AuthoritativeFlag);

        buffer[optAt..writer.Position].Should().Equal(
        [
            0x00, // root owner
            0x00, 0x29, // type OPT (41)
            0x04, 0xD0, // our payload size, 1232
            0x01, 0x00, 0x80, 0x00, // extended RCODE 1, version 0, DO
            0x00, 0x00, // no options
        ]);
        (writer.Position - optAt).Should().Be(ResponseWriter.OptSize);
        buffer[..DnsHeader.Size].Should().Equal(
        [
            0xBE, 0xEF, // ID
            0x84, 0x00, // QR, AA
            0x00, 0x01, // QDCOUNT
            0x00, 0x02, // ANCOUNT
            0x00, 0x01, // NSCOUNT
            0x00, 0x01, // ARCOUNT: the OPT
        ]);
        DnsMessage.TryParse(buffer.AsSpan(0, writer.Position), out var message).Should().BeTrue();
        message!.Answers.Select(r => r.ToString()).Should().Equal("a.test. 300 IN A 192.0.2.1", "a.test. 300 IN A 192.0.2.2");
    }

    [Fact]
    public void QuestionNamePointer_PointsAtTheQuestionAfterTheHeader()
    {
        ResponseWriter.QuestionNamePointer.Should().Be(0xC00C);
        ResponseWriter.RecordHeaderSize.Should().Be(2 + 2 + 2 + 4 + 2, "pointer, type, class, TTL, RDLENGTH");
    }
}
