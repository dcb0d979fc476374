using FailoverDns.Testing;
using FluentAssertions;

namespace FailoverDns.Protocol.Tests;

/// <summary>Comparison and structure helpers of <see cref="DnsName"/> over uncompressed names.</summary>
public class DnsNameOperationsTests
{
    [Theory]
    [InlineData("www.example.test", "www.example.test")]
    [InlineData("WWW.Example.TEST", "www.example.test")]
    [InlineData("a", "A")]
    [InlineData(".", ".")]
    public void EqualsIgnoreCase_SameNameInAnyCase_ReturnsTrue(string a, string b)
    {
        DnsName.EqualsIgnoreCase(Wire.Name(a), Wire.Name(b)).Should().BeTrue();
    }

    [Theory]
    [InlineData("www.example.test", "ww.example.test")]
    [InlineData("www.example.test", "www.example.tesu")]
    [InlineData("a.b", "ab")]
    [InlineData("test", ".")]
    [InlineData("@", "`")] // 0x40 and 0x60 differ by the case bit but are not letters
    [InlineData("[", "{")]
    public void EqualsIgnoreCase_DifferentNames_ReturnsFalse(string a, string b)
    {
        DnsName.EqualsIgnoreCase(Wire.Name(a), Wire.Name(b)).Should().BeFalse();
    }

    [Fact]
    public void EqualsIgnoreCase_NonAsciiOctets_ComparedExactly()
    {
        // 0xC9 and 0xE9 are 'É' and 'é' in Latin-1; DNS case folding is ASCII only (RFC 4343 §3).
        DnsName.EqualsIgnoreCase([0x01, 0xC9, 0x00], [0x01, 0xE9, 0x00]).Should().BeFalse();
    }

    [Theory]
    [InlineData("www.example.test", "example.test", true)]
    [InlineData("example.test", "example.test", true)]
    [InlineData("a.b.c.example.test", "example.test", true)]
    [InlineData("WWW.EXAMPLE.TEST", "example.test", true)]
    [InlineData("www.example.test", "EXAMPLE.Test", true)]
    [InlineData("www.example.test", ".", true)]
    [InlineData(".", ".", true)]
    [InlineData("example.test", "www.example.test", false)]
    [InlineData("www.other.test", "example.test", false)]
    [InlineData("wwwexample.test", "example.test", false)]
    [InlineData("test", "example.test", false)]
    [InlineData(".", "test", false)]
    public void IsAtOrBelow_Names_ComparesWholeLabelsFromTheRight(string name, string ancestor, bool expected)
    {
        DnsName.IsAtOrBelow(Wire.Name(name), Wire.Name(ancestor)).Should().Be(expected);
    }

    [Theory]
    [InlineData("a.example.test", "zz.b.example.test", "example.test")]
    [InlineData("example.test", "nothere.example.test", "example.test")]
    [InlineData("b.example.test", "x.B.EXAMPLE.test", "b.example.test")]
    [InlineData("www.example.test", "www.example.test", "www.example.test")]
    [InlineData("www.example.test", "www.other.org", ".")]
    [InlineData(".", "example.test", ".")]
    public void CommonSuffix_TwoNames_WhereTheirSharedLabelsStartInEach(string name, string other, string shared)
    {
        var nameWire = Wire.Name(name);
        var otherWire = Wire.Name(other);

        var start = DnsName.CommonSuffix(nameWire, otherWire, out var otherStart);

        DnsName.EqualsIgnoreCase(nameWire.AsSpan(start), Wire.Name(shared)).Should().BeTrue();
        DnsName.EqualsIgnoreCase(otherWire.AsSpan(otherStart), Wire.Name(shared)).Should().BeTrue();
    }

    [Theory]
    [InlineData("*.example.test", true)]
    [InlineData("*", true)]
    [InlineData("a.*.example.test", false)]
    [InlineData("*a.example.test", false)]
    [InlineData(".", false)]
    public void IsWildcard_FirstLabelIsAStar(string name, bool expected)
    {
        DnsName.IsWildcard(Wire.Name(name)).Should().Be(expected);
    }

    [Fact]
    public void CommonSuffix_BytesThatMatchInsideALabel_NotShared()
    {
        byte[] other =
        [
            0x09, (byte)'x', 0x07, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', // one label "x\007example"
            0x04, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0x00,
        ];

        var start = DnsName.CommonSuffix(Wire.Name("example.test"), other, out var otherStart);

        (start, otherStart).Should().Be((8, 10), "only test. is shared: example is part of another label there");
    }

    [Fact]
    public void IsAtOrBelow_SuffixMatchingInsideALabel_ReturnsFalse()
    {
        byte[] name =
        [
            0x09, (byte)'x', 0x07, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', // one label "x\007example"
            0x04, (byte)'t', (byte)'e', (byte)'s', (byte)'t', // "test"
            0x00, // root
        ];

        // The last 14 bytes of the name spell example.test, but start in the middle of a label.
        DnsName.IsAtOrBelow(name, Wire.Name("example.test")).Should().BeFalse();
    }

    [Theory]
    [InlineData(".", 0)]
    [InlineData("test", 1)]
    [InlineData("example.test", 2)]
    [InlineData("www.example.test", 3)]
    public void CountLabels_Name_CountsNonRootLabels(string dotted, int expected)
    {
        DnsName.CountLabels(Wire.Name(dotted)).Should().Be(expected);
    }

    [Theory]
    [InlineData("www.example.test", "example.test")]
    [InlineData("example.test", "test")]
    [InlineData("test", ".")]
    [InlineData(".", ".")]
    public void Parent_Name_DropsFirstLabel(string dotted, string expected)
    {
        DnsName.Parent(Wire.Name(dotted)).ToArray().Should().Equal(Wire.Name(expected));
    }

    [Fact]
    public void IsValid_WellFormedNames_ReturnsTrue()
    {
        DnsName.IsValid(Wire.Name("www.example.test")).Should().BeTrue();
        DnsName.IsValid([0x00]).Should().BeTrue();
        DnsName.IsValid(Wire.NameOfLabels(63, 63, 63, 61)).Should().BeTrue();
    }

    [Theory]
    [InlineData(new byte[] { })] // empty
    [InlineData(new byte[] { 0x01, (byte)'a' })] // no root label
    [InlineData(new byte[] { 0x00, 0x00 })] // bytes after the root label
    [InlineData(new byte[] { 0x01, (byte)'a', 0x00, 0x01 })]
    [InlineData(new byte[] { 0x05, (byte)'a', 0x00 })] // label overruns
    [InlineData(new byte[] { 0xC0, 0x00 })] // compression pointer
    [InlineData(new byte[] { 0x40, 0x00 })] // label length 64
    public void IsValid_MalformedNames_ReturnsFalse(byte[] name)
    {
        DnsName.IsValid(name).Should().BeFalse();
    }

    [Fact]
    public void IsValid_NameOf256Bytes_ReturnsFalse()
    {
        DnsName.IsValid(Wire.NameOfLabels(63, 63, 63, 62)).Should().BeFalse();
    }

    [Fact]
    public void MeasureUncompressed_NameFollowedByData_ReturnsNameLength()
    {
        byte[] data = [.. Wire.Name("ns1.example.test"), 0xDE, 0xAD];

        DnsName.MeasureUncompressed(data).Should().Be(18);
        DnsName.MeasureUncompressed([0x00, 0x01]).Should().Be(1);
        DnsName.MeasureUncompressed(Wire.NameOfLabels(63, 63, 63, 61)).Should().Be(255);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x03, (byte)'a', (byte)'b', (byte)'c' })] // no root label
    [InlineData(new byte[] { 0xC0, 0x00 })] // compression pointer
    [InlineData(new byte[] { 0x02, (byte)'a' })] // label overruns
    public void MeasureUncompressed_MalformedName_ReturnsMinusOne(byte[] data)
    {
        DnsName.MeasureUncompressed(data).Should().Be(-1);
    }

    [Fact]
    public void MeasureUncompressed_NameOf256Bytes_ReturnsMinusOne()
    {
        DnsName.MeasureUncompressed(Wire.NameOfLabels(63, 63, 63, 62)).Should().Be(-1);
    }

    [Fact]
    public void ToLower_MixedCase_LowersLettersOnly()
    {
        byte[] name = [0x05, (byte)'W', (byte)'w', (byte)'@', (byte)'[', 0xC9, 0x01, (byte)'Z', 0x00];

        DnsName.ToLower(name).Should().Equal(0x05, (byte)'w', (byte)'w', (byte)'@', (byte)'[', 0xC9, 0x01, (byte)'z', 0x00);
        name[1].Should().Be((byte)'W', "ToLower copies");

        DnsName.ToLowerInPlace(name);
        name[1].Should().Be((byte)'w');
    }

    [Fact]
    public void Root_IsSingleZero()
    {
        DnsName.Root.ToArray().Should().Equal(0x00);
    }
}
