using FailoverDns.Testing;
using FluentAssertions;

namespace FailoverDns.Protocol.Tests;

public class DnsMessageWriterTests
{
    [Fact]
    public void TryWriteName_RepeatedName_WritesPointer()
    {
        var buffer = new byte[64];
        var writer = new DnsMessageWriter(buffer);

        writer.TryWriteName(Wire.Name("example.test")).Should().BeTrue();
        writer.TryWriteName(Wire.Name("example.test")).Should().BeTrue();

        buffer[..writer.Position].Should().Equal(
        [
            0x07, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', // "example" (offset 0)
            0x04, (byte)'t', (byte)'e', (byte)'s', (byte)'t', // "test" (offset 8)
            0x00, // root
            0xC0, 0x00, // second name: pointer to offset 0
        ]);
    }

    [Fact]
    public void TryWriteName_SharedSuffix_WritesNewLabelsThenPointer()
    {
        var buffer = new byte[64];
        var writer = new DnsMessageWriter(buffer);

        writer.TryWriteName(Wire.Name("example.test")).Should().BeTrue();
        writer.TryWriteName(Wire.Name("a.b.test")).Should().BeTrue();
        writer.TryWriteName(Wire.Name("c.b.test")).Should().BeTrue();

        buffer[14..writer.Position].Should().Equal(
        [
            0x01, (byte)'a', // "a" (offset 14)
            0x01, (byte)'b', // "b" (offset 16)
            0xC0, 0x08, // pointer to "test" at offset 8
            0x01, (byte)'c', // "c"
            0xC0, 0x10, // pointer to "b" at offset 16, itself ending in a pointer
        ]);
        ReadNameAt(buffer[..writer.Position], 20).Should().Equal(Wire.Name("c.b.test"));
    }

    [Fact]
    public void TryWriteName_NoCommonSuffix_WritesInFull()
    {
        var buffer = new byte[64];
        var writer = new DnsMessageWriter(buffer);

        writer.TryWriteName(Wire.Name("one.test")).Should().BeTrue();
        writer.TryWriteName(Wire.Name("two.example")).Should().BeTrue();
        writer.TryWriteName(DnsName.Root).Should().BeTrue();

        writer.Position.Should().Be(10 + 13 + 1, "nothing is shared, and the root is never a pointer");
    }

    [Fact]
    public void TryWriteName_PreviousNameBeyondPointerRange_IsNotReferenced()
    {
        var buffer = new byte[0x4100];
        var writer = new DnsMessageWriter(buffer);
        writer.TryWriteBytes(new byte[0x4000]).Should().BeTrue();

        writer.TryWriteName(Wire.Name("far.test")).Should().BeTrue();
        writer.TryWriteName(Wire.Name("far.test")).Should().BeTrue();

        writer.Position.Should().Be(0x4000 + 10 + 10, "a pointer cannot reach offset 0x4000 (14 bits)");
    }

    [Fact]
    public void TryWriteName_DoesNotFit_ReturnsFalseAndKeepsPosition()
    {
        var buffer = new byte[20];
        var writer = new DnsMessageWriter(buffer);
        writer.TryWriteName(Wire.Name("example.test")).Should().BeTrue();

        writer.TryWriteName(Wire.Name("www.other.test")).Should().BeFalse(); // "www.other" + pointer to "test": 4 + 6 + 2 = 12 bytes, 6 left
        writer.Position.Should().Be(14);

        writer.TryWriteName(Wire.Name("ab.example.test")).Should().BeTrue(); // 3 + 2 bytes
        writer.Position.Should().Be(19);
    }

    [Fact]
    public void TryWriteRecord_DoesNotFit_RollsBackWholeRecord()
    {
        var buffer = new byte[30];
        var writer = new DnsMessageWriter(buffer);
        var record = new DnsRecord(Wire.Name("www.example.test"), RecordType.A, 1, 300, [192, 0, 2, 1]); // 18 + 10 + 4 = 32

        writer.TryWriteRecord(record).Should().BeFalse();
        writer.Position.Should().Be(0);

        writer.TryWriteName(Wire.Name("www.example.test")).Should().BeTrue();
        writer.Position.Should().Be(18, "no pointer to the rolled-back name is written");
    }

    [Fact]
    public void TryWriteRecord_Record_WritesFixedFieldsBigEndian()
    {
        var buffer = new byte[64];
        var writer = new DnsMessageWriter(buffer);

        writer.TryWriteRecord(new DnsRecord([0x00], RecordType.AAAA, 3, 0x01020304, [0xAA, 0xBB])).Should().BeTrue();

        buffer[..writer.Position].Should().Equal(
            0x00, // NAME: root
            0x00, 0x1C, // TYPE AAAA
            0x00, 0x03, // CLASS CH
            0x01, 0x02, 0x03, 0x04, // TTL
            0x00, 0x02, // RDLENGTH
            0xAA, 0xBB); // RDATA
    }

    [Fact]
    public void TryWriteOpt_Edns_WritesPseudoRecord()
    {
        var buffer = new byte[64];
        var writer = new DnsMessageWriter(buffer);

        writer.TryWriteOpt(new Edns(1232, 1, 0, true, [new EdnsOption(10, [0xCA, 0xFE])])).Should().BeTrue();

        buffer[..writer.Position].Should().Equal(
            0x00, // NAME: root
            0x00, 0x29, // TYPE OPT
            0x04, 0xD0, // CLASS: payload size 1232
            0x01, // extended RCODE 1
            0x00, // version 0
            0x80, 0x00, // DO
            0x00, 0x06, // RDLENGTH
            0x00, 0x0A, 0x00, 0x02, 0xCA, 0xFE); // option 10, length 2, data
    }

    [Fact]
    public void TryWriteOpt_DoesNotFit_ReturnsFalseAndKeepsPosition()
    {
        var buffer = new byte[16];
        var writer = new DnsMessageWriter(buffer);

        writer.TryWriteOpt(new Edns(1232, 0, 0, false, [new EdnsOption(10, new byte[8])])).Should().BeFalse();

        writer.Position.Should().Be(0);
    }

    [Fact]
    public void TryWriteUInt16AndUInt32_NoRoom_ReturnFalse()
    {
        var buffer = new byte[3];
        var writer = new DnsMessageWriter(buffer);

        writer.TryWriteUInt32(1).Should().BeFalse();
        writer.TryWriteUInt16(0x0102).Should().BeTrue();
        writer.TryWriteUInt16(1).Should().BeFalse();
        writer.Position.Should().Be(2);
        buffer.Should().Equal(0x01, 0x02, 0x00);
    }

    private static byte[] ReadNameAt(byte[] message, int offset)
    {
        var name = new byte[DnsName.MaxLength];
        DnsName.TryRead(message, offset, name, out _, out var written).Should().BeTrue();
        return name[..written];
    }
}
