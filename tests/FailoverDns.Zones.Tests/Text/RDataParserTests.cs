using FailoverDns.Protocol;
using FailoverDns.Testing;
using FailoverDns.Zones.Text;

namespace FailoverDns.Zones.Tests.Text;

public sealed class RDataParserTests
{
    private static readonly byte[] Origin = Wire.Name("example.test");

    [Theory]
    [InlineData("192.0.2.1", new byte[] { 192, 0, 2, 1 })]
    [InlineData("0.0.0.0", new byte[] { 0, 0, 0, 0 })]
    [InlineData("255.255.255.255", new byte[] { 255, 255, 255, 255 })]
    [InlineData("10.0.0.0", new byte[] { 10, 0, 0, 0 })]
    public void TryParse_A_ReturnsFourBytes(string text, byte[] expected)
    {
        Parse(RecordType.A, text).Should().Equal(expected);
    }

    [Theory]
    [InlineData("2001:db8::1", "20010db8000000000000000000000001")]
    [InlineData("::", "00000000000000000000000000000000")]
    [InlineData("::1", "00000000000000000000000000000001")]
    [InlineData("2001:DB8:0:0:0:0:0:10", "20010db8000000000000000000000010")]
    [InlineData("::ffff:192.0.2.1", "00000000000000000000ffffc0000201")]
    public void TryParse_Aaaa_ReturnsSixteenBytes(string text, string expectedHex)
    {
        Parse(RecordType.AAAA, text).Should().Equal(Convert.FromHexString(expectedHex));
    }

    [Theory]
    [InlineData(RecordType.CNAME)]
    [InlineData(RecordType.NS)]
    [InlineData(RecordType.PTR)]
    public void TryParse_NameTypes_ReturnUncompressedName(RecordType type)
    {
        Parse(type, "www.example.test.").Should().Equal(Wire.Name("www.example.test"));
        Parse(type, "www").Should().Equal(Wire.Name("www.example.test"), "a relative name gets the origin");
        Parse(type, "@").Should().Equal(Wire.Name("example.test"));
        Parse(type, "other.test.").Should().Equal(Wire.Name("other.test"));
    }

    [Fact]
    public void TryParse_NameWithEscapes_DecodesThem()
    {
        Parse(RecordType.PTR, @"a\.b.example.test.").Should().Equal([3, (byte)'a', (byte)'.', (byte)'b', .. Wire.Name("example.test")]);
        Parse(RecordType.PTR, @"\065.test.").Should().Equal(Wire.Name("A.test"));
    }

    [Fact]
    public void TryParse_NameCase_IsPreserved()
    {
        Parse(RecordType.CNAME, "WWW.Example.Test.").Should().Equal(Wire.Name("WWW.Example.Test"));
    }

    [Fact]
    public void TryParse_Mx_ReturnsPreferenceAndExchange()
    {
        Parse(RecordType.MX, "10 mail").Should().Equal([
            0x00, 0x0A,                                 // preference 10
            .. Wire.Name("mail.example.test"),   // exchange
        ]);
        Parse(RecordType.MX, "65535 .").Should().Equal([0xFF, 0xFF, 0x00]); // null MX target (RFC 7505)
    }

    [Fact]
    public void TryParse_Srv_ReturnsPriorityWeightPortTarget()
    {
        Parse(RecordType.SRV, "10 5 5060 sip.example.test.").Should().Equal([
            0x00, 0x0A,                                // priority 10
            0x00, 0x05,                                // weight 5
            0x13, 0xC4,                                // port 5060
            .. Wire.Name("sip.example.test"),   // target
        ]);
    }

    [Fact]
    public void TryParse_Soa_ReturnsNamesAndFiveNumbers()
    {
        Parse(RecordType.SOA, "ns1 hostmaster 2026112101 1h 15m 2w 5m").Should().Equal([
            .. Wire.Name("ns1.example.test"),          // MNAME
            .. Wire.Name("hostmaster.example.test"),   // RNAME
            0x78, 0xC4, 0x04, 0x65,                           // SERIAL 2026112101
            0x00, 0x00, 0x0E, 0x10,                           // REFRESH 1h = 3600
            0x00, 0x00, 0x03, 0x84,                           // RETRY 15m = 900
            0x00, 0x12, 0x75, 0x00,                           // EXPIRE 2w = 1209600
            0x00, 0x00, 0x01, 0x2C,                           // MINIMUM 5m = 300
        ]);
    }

    [Fact]
    public void TryParse_SoaWithMaximumSerial_Accepted()
    {
        var data = Parse(RecordType.SOA, "ns1. host. 4294967295 0 0 0 0");
        data[^20..^16].Should().Equal([0xFF, 0xFF, 0xFF, 0xFF]);
        RDataCodec.SoaSerial(data).Should().Be(uint.MaxValue);
    }

    [Fact]
    public void TryParse_Txt_ReturnsCharacterStrings()
    {
        Parse(RecordType.TXT, "\"hello\" \"\" world").Should().Equal([
            5, .. Wire.Ascii("hello"),
            0,                          // an empty string is allowed
            5, .. Wire.Ascii("world"),  // unquoted words are strings too
        ]);
    }

    [Fact]
    public void TryParse_TxtWithEscapes_DecodesThem()
    {
        Parse(RecordType.TXT, "\"say \\\"hi\\\"\" \"a;b\" \"\\065\\066\\\\\"").Should().Equal([
            8, .. Wire.Ascii("say \"hi\""),
            3, .. Wire.Ascii("a;b"),
            3, (byte)'A', (byte)'B', (byte)'\\',
        ]);
    }

    [Fact]
    public void TryParse_TxtWith255Bytes_Accepted()
    {
        var text = new string('a', 255);
        Parse(RecordType.TXT, $"\"{text}\"").Should().Equal([255, .. Wire.Ascii(text)]);
    }

    [Fact]
    public void TryParse_TxtWithNonAscii_StoresUtf8()
    {
        Parse(RecordType.TXT, "\"café\"").Should().Equal([5, (byte)'c', (byte)'a', (byte)'f', 0xC3, 0xA9]);
        Parse(RecordType.TXT, "\"\U0001F600\"").Should().Equal([4, 0xF0, 0x9F, 0x98, 0x80], "a character outside the BMP is one UTF-8 sequence");
    }

    [Fact]
    public void TryParse_Caa_ReturnsFlagsTagValue()
    {
        Parse(RecordType.CAA, "0 issue \"letsencrypt.org\"").Should().Equal([
            0x00,                           // flags
            0x05, .. Wire.Ascii("issue"),   // tag length, tag
            .. Wire.Ascii("letsencrypt.org"), // value, to the end of RDATA
        ]);
        Parse(RecordType.CAA, "128 Issue \";\"").Should().Equal([0x80, 0x05, .. Wire.Ascii("issue"), (byte)';'], "tags are stored lowercase");
        Parse(RecordType.CAA, "0 iodef \"mailto:security@example.test\"")[2..7].Should().Equal(Wire.Ascii("iodef"));
        Parse(RecordType.CAA, "0 issue \"\"").Should().Equal([0x00, 0x05, .. Wire.Ascii("issue")]);
    }

    [Theory]
    [InlineData("49024 13 2 DCAD866B7EBE194C1F48201AEF5EF23FE0EE1F33F500EA89F71EA99004217334")]
    [InlineData("49024 13 2 DCAD866B7EBE194C1F48201AEF5EF23FE0EE1F33F500EA89F71EA990 04217334")]
    [InlineData("49024 13 2 dcad866b7ebe194c1f48201aef5ef23f e0ee1f33f500ea89f71ea99004217334")]
    public void TryParse_Ds_ReturnsTagAlgorithmDigestTypeDigest(string text)
    {
        Parse(RecordType.DS, text).Should().Equal([
            0xBF, 0x80, // key tag 49024
            13,         // algorithm
            2,          // digest type SHA-256
            .. Convert.FromHexString("DCAD866B7EBE194C1F48201AEF5EF23FE0EE1F33F500EA89F71EA99004217334"),
        ]);
    }

    [Fact]
    public void TryParse_GenericForm_ReturnsHexBytes()
    {
        Parse((RecordType)999, @"\# 3 010203").Should().Equal([1, 2, 3]);
        Parse((RecordType)999, @"\# 4 0102 0304").Should().Equal([1, 2, 3, 4], "the hex may be split into words");
        Parse((RecordType)999, @"\# 0").Should().BeEmpty();
        Parse(RecordType.A, @"\# 4 C0000201").Should().Equal([192, 0, 2, 1], "a known type may be written generically (RFC 3597 §5)");
    }

    [Theory]
    [InlineData(RecordType.A, "192.0.2.256", 1, "'192.0.2.256' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)")]
    [InlineData(RecordType.A, "1.2.3", 1, "'1.2.3' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)")]
    [InlineData(RecordType.A, "1.2.3.4.5", 1, "'1.2.3.4.5' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)")]
    [InlineData(RecordType.A, "127.1", 1, "'127.1' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)")]
    [InlineData(RecordType.A, "0x7f.0.0.1", 1, "'0x7f.0.0.1' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)")]
    [InlineData(RecordType.A, "010.0.0.1", 1, "'010.0.0.1' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)")]
    [InlineData(RecordType.A, "2001:db8::1", 1, "'2001:db8::1' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)")]
    [InlineData(RecordType.A, "192.0.2.1 192.0.2.2", 11, "unexpected '192.0.2.2' after the record data")]
    [InlineData(RecordType.AAAA, "2001:db8::g", 1, "'2001:db8::g' is not an IPv6 address (e.g. 2001:db8::1)")]
    [InlineData(RecordType.AAAA, "2001:db8::1::2", 1, "'2001:db8::1::2' is not an IPv6 address (e.g. 2001:db8::1)")]
    [InlineData(RecordType.AAAA, "1:2:3:4:5:6:7:8:9", 1, "'1:2:3:4:5:6:7:8:9' is not an IPv6 address (e.g. 2001:db8::1)")]
    [InlineData(RecordType.AAAA, "192.0.2.1", 1, "'192.0.2.1' is not an IPv6 address (e.g. 2001:db8::1)")]
    [InlineData(RecordType.AAAA, "fe80::1%eth0", 1, "'fe80::1%eth0' is not an IPv6 address (e.g. 2001:db8::1)")]
    [InlineData(RecordType.AAAA, "[2001:db8::1]", 1, "'[2001:db8::1]' is not an IPv6 address (e.g. 2001:db8::1)")]
    [InlineData(RecordType.AAAA, "2001:db8::1/64", 1, "'2001:db8::1/64' is not an IPv6 address (e.g. 2001:db8::1)")]
    [InlineData(RecordType.AAAA, "[2001:db8::1]:53", 1, "'[2001:db8::1]:53' is not an IPv6 address (e.g. 2001:db8::1)")]
    [InlineData(RecordType.CNAME, "a..b", 1, "'a..b' is not a valid domain name: it has an empty label (two dots in a row?)")]
    [InlineData(RecordType.NS, "ns1 ns2", 5, "unexpected 'ns2' after the record data")]
    [InlineData(RecordType.PTR, @"bad\", 1, @"'bad\' is not a valid domain name: it has a bad escape sequence")]
    [InlineData(RecordType.MX, "mail 10", 1, "preference must be a number from 0 to 65535, not 'mail'")]
    [InlineData(RecordType.MX, "65536 mail", 1, "preference must be a number from 0 to 65535, not '65536'")]
    [InlineData(RecordType.MX, "-1 mail", 1, "preference must be a number from 0 to 65535, not '-1'")]
    [InlineData(RecordType.MX, "10", 1, "missing a domain name")]
    [InlineData(RecordType.SRV, "10 5 sip.example.test.", 6, "port must be a number from 0 to 65535, not 'sip.example.test.'")]
    [InlineData(RecordType.SRV, "10 5 5060", 6, "missing a domain name")]
    [InlineData(RecordType.SOA, "ns1 host 4294967296 1 1 1 1", 10, "serial must be a number from 0 to 4294967295, not '4294967296'")]
    [InlineData(RecordType.SOA, "ns1 host 1 1h 15m 2w", 19, "missing minimum")]
    [InlineData(RecordType.SOA, "ns1 host 1 1h 15x 2w 5m", 15, "retry must be seconds (or a duration like 1h), not '15x'")]
    [InlineData(RecordType.SOA, "ns1 host 1 2147483648 1 1 1", 12, "refresh must be seconds (or a duration like 1h), not '2147483648'")]
    [InlineData(RecordType.SOA, "ns1 host 1 1 1 1 1 1", 20, "unexpected '1' after the record data")]
    [InlineData(RecordType.TXT, "\"bad \\9\"", 1, "bad escape sequence in 'bad \\9'")]
    [InlineData(RecordType.TXT, "\"\\256\"", 1, "bad escape sequence in '\\256'")]
    [InlineData(RecordType.CAA, "256 issue \"ca.test\"", 1, "CAA flags must be a number from 0 to 255, not '256'")]
    [InlineData(RecordType.CAA, "0 is-sue \"ca.test\"", 3, "CAA tag must be 1-15 letters or digits (issue, issuewild, iodef), not 'is-sue'")]
    [InlineData(RecordType.CAA, "0 abcdefghijklmnop \"x\"", 3, "CAA tag must be 1-15 letters or digits (issue, issuewild, iodef), not 'abcdefghijklmnop'")]
    [InlineData(RecordType.CAA, "0 issue", 3, "missing CAA value")]
    [InlineData(RecordType.CAA, "0 issue \"a\" \"b\"", 13, "unexpected 'b' after the record data")]
    [InlineData(RecordType.DS, "65536 13 2 AB", 1, "DS key tag must be a number from 0 to 65535, not '65536'")]
    [InlineData(RecordType.DS, "1 256 2 AB", 3, "DS algorithm must be a number from 0 to 255, not '256'")]
    [InlineData(RecordType.DS, "1 13 x AB", 6, "DS digest type must be a number from 0 to 255, not 'x'")]
    [InlineData(RecordType.DS, "1 13 2 ABC", 8, "DS digest must be hexadecimal digits (an even number of them)")]
    [InlineData(RecordType.DS, "1 13 2 AB XY", 8, "DS digest must be hexadecimal digits (an even number of them)")]
    [InlineData(RecordType.DS, "1 13 2", 6, "missing DS digest")]
    [InlineData(RecordType.A, @"\# 3 010203", 1, @"the A data in \# form is malformed")]
    [InlineData(RecordType.MX, @"\# 2 000a", 1, @"the MX data in \# form is malformed")]
    [InlineData((RecordType)999, @"\# 3 0102", 4, @"\# says 3 bytes but the hex data has 2")]
    [InlineData((RecordType)999, @"\# 1 0g", 4, @"the data after \# <length> must be hexadecimal")]
    [InlineData((RecordType)999, @"\# 1 012", 4, @"the data after \# <length> must be hexadecimal")]
    [InlineData((RecordType)999, @"\# x 01", 4, @"the length after \# must be a number, not 'x'")]
    [InlineData((RecordType)999, @"\#", 1, "missing the data length")]
    [InlineData((RecordType)999, "010203", 1, @"write TYPE999 data in the generic form \# <length> <hex>")]
    public void TryParse_MalformedData_ReportsErrorAtToken(RecordType type, string text, int column, string message)
    {
        var error = ParseError(type, text);
        error.ToString().Should().Be($"rdata:1:{column}: {message}");
    }

    [Fact]
    public void TryParse_TxtStringOver255Bytes_SaysHowToSplit()
    {
        var error = ParseError(RecordType.TXT, $"\"ok\" \"{new string('a', 256)}\"");
        error.ToString().Should().Be("rdata:1:6: a TXT string is at most 255 bytes, this one has 256: split it into several quoted strings");
    }

    [Fact]
    public void TryParse_TxtOver255BytesAfterUtf8_Rejected()
    {
        // 128 characters, 256 bytes in UTF-8.
        ParseError(RecordType.TXT, $"\"{new string('é', 128)}\"").Message.Should().Contain("this one has 256");
    }

    [Theory]
    [InlineData(RecordType.A, "missing an IPv4 address")]
    [InlineData(RecordType.AAAA, "missing an IPv6 address")]
    [InlineData(RecordType.CNAME, "missing a domain name")]
    [InlineData(RecordType.MX, "missing preference")]
    [InlineData(RecordType.SRV, "missing priority")]
    [InlineData(RecordType.SOA, "missing a domain name")]
    [InlineData(RecordType.TXT, "TXT needs at least one string")]
    [InlineData(RecordType.CAA, "missing CAA flags")]
    [InlineData(RecordType.DS, "missing DS key tag")]
    public void TryParse_NoTokens_ReportsMissingWithoutLocation(RecordType type, string message)
    {
        RDataParser.TryParse(type, [], Origin, out _, out var error).Should().BeFalse();
        error!.Message.Should().Be(message);
        error.Location.Should().Be(default(SourceLocation), "the caller knows where the record is and fills it in");
    }

    [Fact]
    public void TryParse_RelativeNameWithoutOrigin_Fails()
    {
        var errors = new List<ConfigError>();
        var tokens = ZoneLexer.Split("www", "rdata", 1, 1, errors).SelectMany(l => l.Tokens).ToArray();
        RDataParser.TryParse(RecordType.CNAME, tokens, [], out _, out var error).Should().BeFalse();
        error!.ToString().Should().Be("rdata:1:1: 'www' is not a valid domain name: it is relative and there is no origin");
        RDataParser.TryParse(RecordType.CNAME, [new ZoneToken("@", false, new SourceLocation("rdata", 1, 1))], [], out _, out error).Should().BeFalse();
        error!.Message.Should().Be("'@' needs an origin");
    }

    [Fact]
    public void TryParse_LabelOver63Characters_Fails()
    {
        ParseError(RecordType.CNAME, new string('a', 64) + ".test.").Message.Should().EndWith("a label is longer than 63 characters");
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData(@"a\""b", "a\"b")]
    [InlineData(@"\\", @"\")]
    [InlineData(@"\065\066C", "ABC")]
    [InlineData(@"\000", "\0")]
    [InlineData(@"\255", "\u00FF")]
    public void TryDecodeEscapes_ValidText_ReturnsBytes(string text, string expectedLatin1)
    {
        RDataParser.TryDecodeEscapes(text, out var bytes).Should().BeTrue();
        bytes.Should().Equal(expectedLatin1.Select(c => (byte)c));
    }

    [Theory]
    [InlineData(@"\")]
    [InlineData(@"\1")]
    [InlineData(@"\12")]
    [InlineData(@"\12x")]
    [InlineData(@"\256")]
    [InlineData(@"\999")]
    public void TryDecodeEscapes_BadEscape_ReturnsFalse(string text)
    {
        RDataParser.TryDecodeEscapes(text, out _).Should().BeFalse();
    }

    private static byte[] Parse(RecordType type, string text)
    {
        var tokens = Lex(text);
        RDataParser.TryParse(type, tokens, Origin, out var data, out var error).Should().BeTrue(error?.ToString());
        error.Should().BeNull();
        RDataCodec.IsWellFormed(type, data).Should().BeTrue("the parser produces what the codec accepts");
        return data;
    }

    private static ConfigError ParseError(RecordType type, string text)
    {
        RDataParser.TryParse(type, Lex(text), Origin, out _, out var error).Should().BeFalse();
        return error!;
    }

    private static ZoneToken[] Lex(string text)
    {
        var errors = new List<ConfigError>();
        var tokens = ZoneLexer.Split(text, "rdata", 1, 1, errors).SelectMany(l => l.Tokens).ToArray();
        errors.Should().BeEmpty();
        return tokens;
    }
}
