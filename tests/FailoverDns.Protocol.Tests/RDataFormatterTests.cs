using FailoverDns.Testing;
using FluentAssertions;

namespace FailoverDns.Protocol.Tests;

public class RDataFormatterTests
{
    [Fact]
    public void ToText_A_IsDottedQuad()
    {
        RDataFormatter.ToText(RecordType.A, [0xC0, 0x00, 0x02, 0x01]).Should().Be("192.0.2.1");
    }

    [Fact]
    public void ToText_Aaaa_IsCompressedIPv6()
    {
        byte[] rdata = [0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53];

        RDataFormatter.ToText(RecordType.AAAA, rdata).Should().Be("2001:db8::53");
    }

    [Theory]
    [InlineData(RecordType.CNAME)]
    [InlineData(RecordType.NS)]
    [InlineData(RecordType.PTR)]
    public void ToText_NameType_IsAbsoluteName(RecordType type)
    {
        RDataFormatter.ToText(type, Wire.Name("web.example.test")).Should().Be("web.example.test.");
    }

    [Fact]
    public void ToText_Mx_IsPreferenceAndExchange()
    {
        RDataFormatter.ToText(RecordType.MX, [0x00, 0x0A, .. Wire.Name("mail.example.test")]).Should().Be("10 mail.example.test.");
    }

    [Fact]
    public void ToText_Srv_IsPriorityWeightPortTarget()
    {
        byte[] rdata =
        [
            0x00, 0x0A, // PRIORITY 10
            0x00, 0x3C, // WEIGHT 60
            0x13, 0xC4, // PORT 5060
            .. Wire.Name("sip.example.test"),
        ];

        RDataFormatter.ToText(RecordType.SRV, rdata).Should().Be("10 60 5060 sip.example.test.");
    }

    [Fact]
    public void ToText_Soa_IsNamesThenFiveNumbers()
    {
        byte[] rdata =
        [
            .. Wire.Name("ns1.example.test"), // MNAME
            .. Wire.Name("hostmaster.example.test"), // RNAME
            0x78, 0xA3, 0xF1, 0x75, // SERIAL 2024010101
            0x00, 0x00, 0x1C, 0x20, // REFRESH 7200
            0x00, 0x00, 0x0E, 0x10, // RETRY 3600
            0x00, 0x12, 0x75, 0x00, // EXPIRE 1209600
            0xFF, 0xFF, 0xFF, 0xFF, // MINIMUM 4294967295 (unsigned)
        ];

        RDataFormatter.ToText(RecordType.SOA, rdata)
            .Should().Be("ns1.example.test. hostmaster.example.test. 2024010101 7200 3600 1209600 4294967295");
    }

    [Fact]
    public void ToText_TxtWithSeveralStrings_QuotesEach()
    {
        byte[] rdata =
        [
            0x05, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o', // "hello"
            0x00, // ""
            0x0B, .. "hello world"u8, // a space needs no escape inside quotes
        ];

        RDataFormatter.ToText(RecordType.TXT, rdata).Should().Be("\"hello\" \"\" \"hello world\"");
    }

    [Fact]
    public void ToText_TxtWithSpecialOctets_EscapesThem()
    {
        byte[] rdata =
        [
            0x0A, // one string of 10 octets:
            (byte)'"', (byte)'\\', // backslash-escaped
            0x00, 0x09, 0x1F, 0x7F, 0x80, 0xFF, // \DDD-escaped
            (byte)';', (byte)'(', // no escape needed inside quotes
        ];

        RDataFormatter.ToText(RecordType.TXT, rdata).Should().Be(@"""\""\\\000\009\031\127\128\255;(""");
    }

    [Fact]
    public void ToText_CaaIssue_IsFlagsTagQuotedValue()
    {
        byte[] rdata =
        [
            0x00, // flags
            0x05, // tag length
            .. "issue"u8, // tag
            .. "letsencrypt.org"u8, // value
        ];

        RDataFormatter.ToText(RecordType.CAA, rdata).Should().Be("0 issue \"letsencrypt.org\"");
    }

    [Fact]
    public void ToText_CaaCriticalWithQuoteInValue_EscapesValue()
    {
        byte[] rdata = [0x80, 0x05, .. "iodef"u8, .. "a\"b"u8];

        RDataFormatter.ToText(RecordType.CAA, rdata).Should().Be(@"128 iodef ""a\""b""");
    }

    [Fact]
    public void ToText_CaaEmptyValue_IsEmptyQuotes()
    {
        RDataFormatter.ToText(RecordType.CAA, [0x00, 0x09, .. "issuewild"u8]).Should().Be("0 issuewild \"\"");
    }

    [Fact]
    public void ToText_Ds_IsTagAlgorithmDigestTypeAndHexSplitAsDigPrintsIt()
    {
        var digest = Convert.FromHexString("DCAD866B7EBE194C1F48201AEF5EF23FE0EE1F33F500EA89F71EA99004217334");

        RDataFormatter.ToText(RecordType.DS, [0xBF, 0x80, 13, 2, .. digest])
            .Should().Be("49024 13 2 DCAD866B7EBE194C1F48201AEF5EF23FE0EE1F33F500EA89F71EA990 04217334");
        RDataFormatter.ToText(RecordType.DS, [0x00, 0x01, 8, 1, 0xAB]).Should().Be("1 8 1 AB");
    }

    [Fact]
    public void ToText_UnknownType_UsesGenericEncoding()
    {
        RDataFormatter.ToText((RecordType)999, [0x01, 0x02, 0x03]).Should().Be(@"\# 3 010203");
        RDataFormatter.ToText((RecordType)999, [0xAB, 0xCD]).Should().Be(@"\# 2 abcd");
    }

    [Fact]
    public void ToText_UnknownTypeEmpty_IsZeroLength()
    {
        RDataFormatter.ToText((RecordType)999, []).Should().Be(@"\# 0");
    }

    [Fact]
    public void ToText_KnownTypeWithoutPresentation_UsesGenericEncoding()
    {
        RDataFormatter.ToText(RecordType.DS, [0x30, 0x39, 0x08, 0x02]).Should().Be(@"\# 4 30390802");
    }

    [Theory]
    [InlineData(RecordType.A, new byte[] { 0x01, 0x02, 0x03 }, @"\# 3 010203")]
    [InlineData(RecordType.AAAA, new byte[] { 0x01, 0x02, 0x03, 0x04 }, @"\# 4 01020304")]
    [InlineData(RecordType.CNAME, new byte[] { 0xC0, 0x0C }, @"\# 2 c00c")]
    [InlineData(RecordType.MX, new byte[] { 0x00, 0x0A }, @"\# 2 000a")]
    [InlineData(RecordType.TXT, new byte[] { 0x05, 0x61 }, @"\# 2 0561")]
    [InlineData(RecordType.TXT, new byte[] { }, @"\# 0")]
    [InlineData(RecordType.CAA, new byte[] { 0x00, 0x00 }, @"\# 2 0000")]
    [InlineData(RecordType.SOA, new byte[] { 0x00, 0x00, 0x01 }, @"\# 3 000001")]
    public void ToText_MalformedRData_FallsBackToGenericEncoding(RecordType type, byte[] rdata, string expected)
    {
        RDataFormatter.ToText(type, rdata).Should().Be(expected);
    }
}
