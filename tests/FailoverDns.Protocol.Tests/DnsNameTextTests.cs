using FailoverDns.Testing;
using FluentAssertions;

namespace FailoverDns.Protocol.Tests;

/// <summary>Presentation format: <see cref="DnsName.TryParse"/>, <see cref="DnsName.Parse"/> and <see cref="DnsName.ToText"/>.</summary>
public class DnsNameTextTests
{
    [Fact]
    public void TryParse_AbsoluteName_WritesWireForm()
    {
        byte[] expected =
        [
            0x03, (byte)'w', (byte)'w', (byte)'w', // "www"
            0x07, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', // "example"
            0x04, (byte)'t', (byte)'e', (byte)'s', (byte)'t', // "test"
            0x00, // root
        ];

        Parse("www.example.test.", default).Should().Equal(expected);
    }

    [Fact]
    public void TryParse_AbsoluteName_IgnoresOrigin()
    {
        Parse("www.example.test.", Wire.Name("other.test")).Should().Equal(Wire.Name("www.example.test"));
    }

    [Fact]
    public void TryParse_RelativeName_AppendsOrigin()
    {
        Parse("www", Wire.Name("example.test")).Should().Equal(Wire.Name("www.example.test"));
        Parse("a.b", Wire.Name("example.test")).Should().Equal(Wire.Name("a.b.example.test"));
    }

    [Fact]
    public void TryParse_RelativeNameWithRootOrigin_IsAbsolute()
    {
        Parse("test", [0x00]).Should().Equal(Wire.Name("test"));
    }

    [Fact]
    public void TryParse_RelativeNameWithoutOrigin_FailsWithRelativeWithoutOrigin()
    {
        ParseError("www", default).Should().Be(NameParseError.RelativeWithoutOrigin);
    }

    [Fact]
    public void TryParse_Root_WritesSingleZero()
    {
        Parse(".", default).Should().Equal(0x00);
        Parse(".", Wire.Name("example.test")).Should().Equal(0x00);
    }

    [Fact]
    public void TryParse_PreservesCase()
    {
        Parse("WwW.Example.TEST.", default).Should().Equal(Wire.Name("WwW.Example.TEST"));
    }

    [Fact]
    public void TryParse_EscapedDot_IsPartOfTheLabel()
    {
        byte[] expected =
        [
            0x03, (byte)'a', (byte)'.', (byte)'b', // "a.b" as one label
            0x04, (byte)'t', (byte)'e', (byte)'s', (byte)'t', // "test"
            0x00, // root
        ];

        Parse(@"a\.b.test.", default).Should().Equal(expected);
    }

    [Fact]
    public void TryParse_EscapedDotAtEnd_IsRelative()
    {
        // "a\." is the one-label relative name "a." and takes the origin.
        Parse(@"a\.", Wire.Name("test")).Should().Equal(0x02, (byte)'a', (byte)'.', 0x04, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0x00);
    }

    [Fact]
    public void TryParse_DecimalEscape_WritesThatOctet()
    {
        byte[] expected =
        [
            0x03, (byte)'A', (byte)'b', (byte)'c', // "\065bc"
            0x03, 0x00, 0x20, 0xFF, // "\000\032\255"
            0x00, // root
        ];

        Parse(@"\065bc.\000\032\255.", default).Should().Equal(expected);
    }

    [Fact]
    public void TryParse_CharacterEscapes_WriteTheCharacter()
    {
        Parse(@"\\\""\(\)\;\@\$\a.", default).Should().Equal(0x08, (byte)'\\', (byte)'"', (byte)'(', (byte)')', (byte)';', (byte)'@', (byte)'$', (byte)'a', 0x00);
    }

    [Theory]
    [InlineData(@"\2.test.")] // decimal escape with one digit
    [InlineData(@"\25.test.")] // decimal escape with two digits
    [InlineData(@"a\2")] // one digit at the end
    [InlineData(@"\2a5.test.")] // digits interrupted
    [InlineData(@"\256.test.")] // above 255
    [InlineData(@"\999.test.")]
    [InlineData(@"abc\")] // backslash at the end
    [InlineData("caf\u00E9\u0100.test.")] // a character above U+00FF cannot be one octet
    [InlineData(@"\" + "\u0100.test.")] // nor can an escaped one
    public void TryParse_BadEscape_FailsWithBadEscape(string text)
    {
        ParseError(text, Wire.Name("test")).Should().Be(NameParseError.BadEscape);
    }

    [Theory]
    [InlineData("a..b.")]
    [InlineData("a..b")]
    [InlineData(".a.")]
    [InlineData("..")]
    [InlineData("a.b..")]
    public void TryParse_EmptyLabel_FailsWithEmptyLabel(string text)
    {
        ParseError(text, Wire.Name("test")).Should().Be(NameParseError.EmptyLabel);
    }

    [Fact]
    public void TryParse_EmptyText_FailsWithEmpty()
    {
        ParseError(string.Empty, Wire.Name("test")).Should().Be(NameParseError.Empty);
    }

    [Fact]
    public void TryParse_LabelOf63Characters_Succeeds()
    {
        var text = new string('a', 63) + ".test.";

        Parse(text, default).Should().Equal(Wire.Name(text));
    }

    [Fact]
    public void TryParse_LabelOf64Characters_FailsWithLabelTooLong()
    {
        ParseError(new string('a', 64) + ".test.", default).Should().Be(NameParseError.LabelTooLong);
    }

    [Fact]
    public void TryParse_LabelOf64OctetsThroughEscapes_FailsWithLabelTooLong()
    {
        ParseError(string.Concat(Enumerable.Repeat(@"\065", 64)) + ".", default).Should().Be(NameParseError.LabelTooLong);
    }

    [Fact]
    public void TryParse_NameOf255Bytes_Succeeds()
    {
        // 3 labels of 63 and one of 61: 64 + 64 + 64 + 62 + 1 = 255 bytes on the wire.
        var text = $"{new string('a', 63)}.{new string('a', 63)}.{new string('a', 63)}.{new string('a', 61)}.";

        Parse(text, default).Should().Equal(Wire.NameOfLabels(63, 63, 63, 61));
    }

    [Fact]
    public void TryParse_NameOf256Bytes_FailsWithNameTooLong()
    {
        var text = $"{new string('a', 63)}.{new string('a', 63)}.{new string('a', 63)}.{new string('a', 62)}.";

        ParseError(text, default).Should().Be(NameParseError.NameTooLong);
    }

    [Fact]
    public void TryParse_ManyShortLabelsOver255Bytes_FailsWithNameTooLong()
    {
        var text = string.Concat(Enumerable.Repeat("a.", 128)); // 128 * 2 + 1 = 257 bytes

        ParseError(text, default).Should().Be(NameParseError.NameTooLong);
    }

    [Fact]
    public void TryParse_RelativeNamePlusOriginOver255Bytes_FailsWithNameTooLong()
    {
        var origin = Wire.NameOfLabels(63, 63, 63); // 193 bytes

        Parse(new string('a', 60), origin).Should().HaveCount(254);
        ParseError(new string('a', 62), origin).Should().Be(NameParseError.NameTooLong);
    }

    [Fact]
    public void TryParse_DestinationTooSmall_ReturnsFalse()
    {
        var destination = new byte[5];

        DnsName.TryParse("www.example.test.", default, destination, out _, out var error).Should().BeFalse();
        error.Should().Be(NameParseError.NameTooLong);
    }

    [Fact]
    public void Parse_InvalidText_ReturnsNull()
    {
        DnsName.Parse("a..b.").Should().BeNull();
        DnsName.Parse("relative").Should().BeNull();
    }

    [Fact]
    public void Parse_ValidText_ReturnsWireName()
    {
        DnsName.Parse("example.test.").Should().Equal(Wire.Name("example.test"));
        DnsName.Parse("www", Wire.Name("example.test")).Should().Equal(Wire.Name("www.example.test"));
    }

    [Theory]
    [InlineData("www.example.test", "www.example.test.")]
    [InlineData("WwW.Example.TEST", "WwW.Example.TEST.")]
    [InlineData(".", ".")]
    [InlineData("a-b_c.test", "a-b_c.test.")]
    public void ToText_PlainName_WritesDottedNameWithTrailingDot(string dotted, string expected)
    {
        DnsName.ToText(Wire.Name(dotted)).Should().Be(expected);
    }

    [Fact]
    public void ToText_EmptySpan_IsRoot()
    {
        DnsName.ToText([]).Should().Be(".");
    }

    [Fact]
    public void ToText_SpecialOctets_AreEscaped()
    {
        byte[] name =
        [
            0x0B, // one label of 11 octets:
            (byte)'.', (byte)'\\', (byte)'"', (byte)'(', (byte)')', (byte)';', (byte)'@', (byte)'$', // escaped with a backslash
            0x20, 0x00, 0xFF, // space, NUL and 0xFF as \DDD
            0x00, // root
        ];

        DnsName.ToText(name).Should().Be(@"\.\\\""\(\)\;\@\$\032\000\255.");
    }

    [Fact]
    public void ToText_DeleteCharacter_IsDecimalEscaped()
    {
        DnsName.ToText([0x02, 0x7F, (byte)'~', 0x00]).Should().Be(@"\127~.");
    }

    [Fact]
    public void ToText_TruncatedLabel_DoesNotThrow()
    {
        DnsName.ToText([0x05, (byte)'a', (byte)'b']).Should().Be("ab.");
    }

    public static TheoryData<byte[]> RoundTripNames => new()
    {
        Wire.Name("www.example.test"),
        new byte[] { 0x00 },
        new byte[] { 0x03, (byte)'a', (byte)'.', (byte)'b', 0x00 },
        new byte[] { 0x04, 0x00, 0x20, 0x7F, 0xFF, 0x01, (byte)'x', 0x00 },
        new byte[] { 0x06, (byte)'\\', (byte)'"', (byte)'(', (byte)')', (byte)';', (byte)'@', 0x01, (byte)'$', 0x00 },
        new byte[] { 0x03, (byte)'0', (byte)'6', (byte)'5', 0x00 }, // digits that look like an escape
        Wire.NameOfLabels(63, 63, 63, 61),
        // octets 0..249 in labels of 63, 63, 63 and 61 (255 bytes)
        Enumerable.Range(0, 250).Select(i => (byte)i).Chunk(63).SelectMany(c => c.Prepend((byte)c.Length)).Append((byte)0).ToArray(),
    };

    [Theory]
    [MemberData(nameof(RoundTripNames))]
    public void ToText_ThenParse_RoundTrips(byte[] name)
    {
        DnsName.IsValid(name).Should().BeTrue("the test vector must be a valid name");

        Parse(DnsName.ToText(name), default).Should().Equal(name);
    }

    private static byte[] Parse(string text, byte[]? origin)
    {
        var destination = new byte[DnsName.MaxLength];
        DnsName.TryParse(text, origin, destination, out var written, out var error).Should().BeTrue($"\"{text}\" should parse, but failed with {error}");
        error.Should().Be(NameParseError.None);
        return destination[..written];
    }

    private static NameParseError ParseError(string text, byte[]? origin)
    {
        var destination = new byte[DnsName.MaxLength];
        DnsName.TryParse(text, origin, destination, out _, out var error).Should().BeFalse($"\"{text}\" should not parse");
        error.Should().NotBe(NameParseError.None);
        return error;
    }
}
