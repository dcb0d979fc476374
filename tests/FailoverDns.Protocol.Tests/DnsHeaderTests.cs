using FluentAssertions;

namespace FailoverDns.Protocol.Tests;

public class DnsHeaderTests
{
    private static readonly byte[] Header =
    [
        0xBE, 0xEF, // ID
        0x85, 0x83, // QR=1, OPCODE=0, AA=1, TC=0, RD=1, RA=1, Z=0, RCODE=3 (NXDOMAIN)
        0x00, 0x01, // QDCOUNT 1
        0x00, 0x02, // ANCOUNT 2
        0x00, 0x03, // NSCOUNT 3
        0x01, 0x04, // ARCOUNT 260
    ];

    [Fact]
    public void TryRead_ValidHeader_ReadsEveryField()
    {
        DnsHeader.TryRead(Header, out var header).Should().BeTrue();

        header.Id.Should().Be(0xBEEF);
        header.Flags.Should().Be(0x8583);
        header.QuestionCount.Should().Be(1);
        header.AnswerCount.Should().Be(2);
        header.AuthorityCount.Should().Be(3);
        header.AdditionalCount.Should().Be(260);
        header.IsResponse.Should().BeTrue();
        header.IsAuthoritative.Should().BeTrue();
        header.IsTruncated.Should().BeFalse();
        header.RecursionDesired.Should().BeTrue();
        header.RecursionAvailable.Should().BeTrue();
        header.OpCode.Should().Be(OpCode.Query);
        header.ResponseCode.Should().Be((int)ResponseCode.NxDomain);
    }

    [Fact]
    public void TryRead_LongerInput_ReadsOnlyTheFirstTwelveBytes()
    {
        byte[] message = [.. Header, 0xFF, 0xFF, 0xFF];

        DnsHeader.TryRead(message, out var header).Should().BeTrue();

        header.AdditionalCount.Should().Be(260);
    }

    [Fact]
    public void TryWrite_Header_ProducesBigEndianBytes()
    {
        var header = new DnsHeader(0xBEEF, 0x8583, 1, 2, 3, 260);
        var buffer = new byte[DnsHeader.Size];

        header.TryWrite(buffer).Should().BeTrue();

        buffer.Should().Equal(Header);
    }

    [Fact]
    public void TryWrite_ThenTryRead_RoundTrips()
    {
        var header = new DnsHeader(0x0001, 0xFFFF, 0xFFFF, 0x8000, 0x00FF, 0x1234);
        var buffer = new byte[DnsHeader.Size];

        header.TryWrite(buffer).Should().BeTrue();
        DnsHeader.TryRead(buffer, out var read).Should().BeTrue();

        read.Should().Be(header);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(11)]
    public void TryRead_ShorterThanHeader_ReturnsFalse(int length)
    {
        DnsHeader.TryRead(Header.AsSpan(0, length), out var header).Should().BeFalse();

        header.Should().Be(default(DnsHeader));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void TryWrite_DestinationTooShort_ReturnsFalseAndWritesNothing(int length)
    {
        var buffer = new byte[length];

        new DnsHeader(0xBEEF, 0x8583, 1, 2, 3, 4).TryWrite(buffer).Should().BeFalse();

        buffer.Should().Equal(new byte[length]);
    }

    [Theory]
    [InlineData(DnsHeader.QueryResponseFlag, true, false, false, false, false)]
    [InlineData(DnsHeader.AuthoritativeFlag, false, true, false, false, false)]
    [InlineData(DnsHeader.TruncatedFlag, false, false, true, false, false)]
    [InlineData(DnsHeader.RecursionDesiredFlag, false, false, false, true, false)]
    [InlineData(DnsHeader.RecursionAvailableFlag, false, false, false, false, true)]
    [InlineData(0x0000, false, false, false, false, false)]
    [InlineData(0x7800, false, false, false, false, false)] // OPCODE bits only
    [InlineData(0x0070, false, false, false, false, false)] // Z, AD and CD bits only
    [InlineData(0x000F, false, false, false, false, false)] // RCODE bits only
    public void FlagAccessors_SingleBit_ReportOnlyThatFlag(ushort flags, bool qr, bool aa, bool tc, bool rd, bool ra)
    {
        var header = new DnsHeader(0, flags, 0, 0, 0, 0);

        header.IsResponse.Should().Be(qr);
        header.IsAuthoritative.Should().Be(aa);
        header.IsTruncated.Should().Be(tc);
        header.RecursionDesired.Should().Be(rd);
        header.RecursionAvailable.Should().Be(ra);
    }

    [Theory]
    [InlineData(0x0000, OpCode.Query)]
    [InlineData(0x0800, OpCode.IQuery)]
    [InlineData(0x1000, OpCode.Status)]
    [InlineData(0x2000, OpCode.Notify)]
    [InlineData(0x2800, OpCode.Update)]
    [InlineData(0xA100, OpCode.Notify)] // QR and RD set around OPCODE 4
    [InlineData(0x7800, (OpCode)15)]
    public void OpCode_FlagBits_ExtractsFourBitField(ushort flags, OpCode expected)
    {
        new DnsHeader(0, flags, 0, 0, 0, 0).OpCode.Should().Be(expected);
    }

    [Theory]
    [InlineData(0x8400, 0)]
    [InlineData(0x8405, 5)]
    [InlineData(0xFFFF, 15)]
    [InlineData(0x0010, 0)] // CD bit is not part of RCODE
    public void ResponseCode_FlagBits_ExtractsLowFourBits(ushort flags, int expected)
    {
        new DnsHeader(0, flags, 0, 0, 0, 0).ResponseCode.Should().Be(expected);
    }
}
