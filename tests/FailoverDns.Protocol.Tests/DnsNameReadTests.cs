using FailoverDns.Testing;
using FluentAssertions;

namespace FailoverDns.Protocol.Tests;

/// <summary><see cref="DnsName.TryRead"/>: wire names, compression pointers and everything hostile.</summary>
public class DnsNameReadTests
{
    [Fact]
    public void TryRead_PlainName_CopiesItAndConsumesItsLength()
    {
        byte[] message =
        [
            0x03, (byte)'w', (byte)'w', (byte)'w', // "www"
            0x07, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', // "example"
            0x04, (byte)'t', (byte)'e', (byte)'s', (byte)'t', // "test"
            0x00, // root
            0xFF, 0xFF, // bytes after the name
        ];

        Read(message, 0, out var consumed).Should().Equal(message[..18]);
        consumed.Should().Be(18);
    }

    [Fact]
    public void TryRead_Root_ReadsOneByte()
    {
        Read([0x00], 0, out var consumed).Should().Equal(0x00);
        consumed.Should().Be(1);
    }

    [Fact]
    public void TryRead_NameAtOffset_ReadsFromThere()
    {
        byte[] message =
        [
            0xAA, 0xBB, 0xCC, // unrelated bytes
            0x01, (byte)'a', // "a"
            0x00, // root
        ];

        Read(message, 3, out var consumed).Should().Equal(0x01, (byte)'a', 0x00);
        consumed.Should().Be(3);
    }

    [Fact]
    public void TryRead_PreservesCase()
    {
        byte[] message = [0x03, (byte)'W', (byte)'w', (byte)'W', 0x00];

        Read(message, 0, out _).Should().Equal(message);
    }

    [Fact]
    public void TryRead_PointerToEarlierName_ExpandsItAndConsumesUpToThePointer()
    {
        byte[] message =
        [
            0x07, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', // "example" (offset 0)
            0x04, (byte)'t', (byte)'e', (byte)'s', (byte)'t', // "test" (offset 8)
            0x00, // root (offset 13)
            0x03, (byte)'w', (byte)'w', (byte)'w', // "www" (offset 14)
            0xC0, 0x00, // pointer to offset 0
        ];

        Read(message, 14, out var consumed).Should().Equal(Wire.Name("www.example.test"));
        consumed.Should().Be(6);
    }

    [Fact]
    public void TryRead_OnlyAPointer_ConsumesTwoBytes()
    {
        byte[] message =
        [
            0x04, (byte)'t', (byte)'e', (byte)'s', (byte)'t', // "test" (offset 0)
            0x00, // root
            0xC0, 0x00, // pointer to offset 0 (offset 6)
        ];

        Read(message, 6, out var consumed).Should().Equal(Wire.Name("test"));
        consumed.Should().Be(2);
    }

    [Fact]
    public void TryRead_PointerIntoTheMiddleOfAName_ExpandsTheSuffix()
    {
        byte[] message =
        [
            0x07, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', // "example" (offset 0)
            0x04, (byte)'t', (byte)'e', (byte)'s', (byte)'t', // "test" (offset 8)
            0x00, // root
            0x03, (byte)'f', (byte)'o', (byte)'o', // "foo" (offset 14)
            0xC0, 0x08, // pointer to offset 8 ("test")
        ];

        Read(message, 14, out var consumed).Should().Equal(Wire.Name("foo.test"));
        consumed.Should().Be(6);
    }

    [Fact]
    public void TryRead_PointerChain_FollowsEveryPointer()
    {
        byte[] message =
        [
            0x04, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0x00, // "test" (offset 0)
            0x07, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', // "example" (offset 6)
            0xC0, 0x00, // pointer to offset 0
            0x03, (byte)'w', (byte)'w', (byte)'w', // "www" (offset 16)
            0xC0, 0x06, // pointer to offset 6
            0xC0, 0x10, // a bare pointer to offset 16 (offset 22)
        ];

        Read(message, 22, out var consumed).Should().Equal(Wire.Name("www.example.test"));
        consumed.Should().Be(2);
        Read(message, 16, out consumed).Should().Equal(Wire.Name("www.example.test"));
        consumed.Should().Be(6);
    }

    [Fact]
    public void TryRead_ForwardPointer_ReturnsFalse()
    {
        byte[] message =
        [
            0x03, (byte)'w', (byte)'w', (byte)'w', // "www" (offset 0)
            0xC0, 0x06, // pointer to offset 6, after itself
            0x04, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0x00, // "test" (offset 6)
        ];

        TryRead(message, 0).Should().BeFalse();
    }

    [Fact]
    public void TryRead_PointerToItself_ReturnsFalse()
    {
        byte[] message =
        [
            0x00, 0x00, // padding
            0xC0, 0x02, // pointer to offset 2: itself
        ];

        TryRead(message, 2).Should().BeFalse();
    }

    [Fact]
    public void TryRead_PointerBackToTheStartOfItsOwnName_ReturnsFalse()
    {
        byte[] message =
        [
            0x01, (byte)'a', // "a" (offset 0)
            0xC0, 0x00, // pointer to offset 0: "a.a.a.a..." forever
        ];

        TryRead(message, 0).Should().BeFalse();
    }

    [Fact]
    public void TryRead_TwoPointersToEachOther_ReturnsFalse()
    {
        byte[] message =
        [
            0xC0, 0x02, // offset 0: pointer to offset 2
            0xC0, 0x00, // offset 2: pointer to offset 0
        ];

        TryRead(message, 2).Should().BeFalse();
        TryRead(message, 0).Should().BeFalse();
    }

    [Fact]
    public void TryRead_PointerChainEndingInALoop_ReturnsFalse()
    {
        byte[] message =
        [
            0x01, (byte)'a', // "a" (offset 0)
            0x01, (byte)'b', // "b" (offset 2)
            0xC0, 0x02, // pointer back to "b" (offset 4)
            0xC0, 0x00, // entry point: pointer to offset 0 (offset 6)
        ];

        TryRead(message, 6).Should().BeFalse();
    }

    [Fact]
    public void TryRead_EveryNameAddingOneLabelToThePrevious_ReadsDeepestChain()
    {
        // "x." at offset 0, then 126 names "x" + pointer to the previous one: an encoder that
        // compresses each new name against the last produces this. The last name has 127 labels.
        var message = new List<byte> { 0x01, (byte)'x', 0x00 };
        var previous = 0;
        for (var i = 0; i < 126; i++)
        {
            var start = message.Count;
            message.AddRange([0x01, (byte)'x', (byte)(0xC0 | (previous >> 8)), (byte)previous]);
            previous = start;
        }

        byte[] expected = [.. Enumerable.Repeat<byte[]>([0x01, (byte)'x'], 127).SelectMany(label => label), 0x00];

        Read([.. message], previous, out var consumed).Should().Equal(expected);
        consumed.Should().Be(4);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(128, true)]
    [InlineData(129, false)]
    [InlineData(5000, false)]
    public void TryRead_ChainOfPointersToPointers_IsCappedAt128Hops(int hops, bool expected)
    {
        // The root at offset 0, then pointer k at offset 2k - 1 pointing to the previous pointer:
        // no labels are added, so only a hop limit bounds the work (RFC 1035 §4.1.4 sets none).
        var message = new List<byte> { 0x00 };
        var previous = 0;
        for (var i = 0; i < hops; i++)
        {
            var start = message.Count;
            message.AddRange([(byte)(0xC0 | (previous >> 8)), (byte)previous]);
            previous = start;
        }

        TryRead([.. message], previous).Should().Be(expected);
    }

    [Theory]
    [InlineData(new byte[] { 0x05, (byte)'a', (byte)'b' })] // label says 5, only 2 follow
    [InlineData(new byte[] { 0x03, (byte)'w', (byte)'w', (byte)'w' })] // no root label
    [InlineData(new byte[] { 0x03 })] // a length and nothing else
    [InlineData(new byte[] { })] // nothing at all
    public void TryRead_TruncatedName_ReturnsFalse(byte[] message)
    {
        TryRead(message, 0).Should().BeFalse();
    }

    [Theory]
    [InlineData(0x40)] // extended label type (RFC 6891 §5: no longer in use)
    [InlineData(0x41)]
    [InlineData(0x80)] // reserved label type
    [InlineData(0xBF)]
    public void TryRead_ReservedLabelType_ReturnsFalse(byte labelType)
    {
        byte[] message =
        [
            0x01, (byte)'a', // "a"
            labelType, 0x00, 0x00, 0x00, // reserved label type, then zeros
        ];

        TryRead(message, 0).Should().BeFalse();
    }

    [Fact]
    public void TryRead_PointerAtEndOfBuffer_ReturnsFalse()
    {
        byte[] message =
        [
            0x00, // root (offset 0)
            0x03, (byte)'w', (byte)'w', (byte)'w', // "www"
            0xC0, // first byte of a pointer, second missing
        ];

        TryRead(message, 1).Should().BeFalse();
    }

    [Fact]
    public void TryRead_NameOf255Bytes_Succeeds()
    {
        var name = Wire.NameOfLabels(63, 63, 63, 61); // 64 + 64 + 64 + 62 + 1 = 255

        name.Should().HaveCount(DnsName.MaxLength);
        Read(name, 0, out var consumed).Should().Equal(name);
        consumed.Should().Be(255);
    }

    [Fact]
    public void TryRead_NameOf256Bytes_ReturnsFalse()
    {
        var name = Wire.NameOfLabels(63, 63, 63, 62); // 256 bytes

        TryRead(name, 0, new byte[512]).Should().BeFalse();
    }

    [Fact]
    public void TryRead_PointersExpandingPast255Bytes_ReturnsFalse()
    {
        var tail = Wire.NameOfLabels(63, 63, 63); // 193 bytes at offset 0
        byte[] message =
        [
            .. tail,
            0x3F, .. Enumerable.Repeat((byte)'b', 63), // a 63-byte label (offset 193)
            0xC0, 0x00, // pointer to the 193-byte name: 64 + 193 = 257 bytes expanded
        ];

        TryRead(message, 193, new byte[512]).Should().BeFalse();
    }

    [Fact]
    public void TryRead_DestinationTooSmall_ReturnsFalse()
    {
        var name = Wire.Name("www.example.test");

        TryRead(name, 0, new byte[name.Length - 1]).Should().BeFalse();
        TryRead(name, 0, new byte[name.Length]).Should().BeTrue();
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(5)]
    [InlineData(int.MaxValue)]
    public void TryRead_OffsetOutsideMessage_ReturnsFalse(int offset)
    {
        TryRead([0x01, (byte)'a', 0x00, 0x00, 0x00], offset).Should().BeFalse();
    }

    private static byte[] Read(byte[] message, int offset, out int consumed)
    {
        var destination = new byte[DnsName.MaxLength];
        DnsName.TryRead(message, offset, destination, out consumed, out var written).Should().BeTrue();
        return destination[..written];
    }

    private static bool TryRead(byte[] message, int offset, byte[]? destination = null) =>
        DnsName.TryRead(message, offset, destination ?? new byte[DnsName.MaxLength], out _, out _);
}
