using FailoverDns.Testing;
using FluentAssertions;

namespace FailoverDns.Protocol.Tests;

public class RDataCodecTests
{
    // Every RDATA vector below follows this prefix, so its compression pointers can point back into it.
    private static readonly byte[] Prefix =
    [
        0x07, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', // "example" (offset 0)
        0x04, (byte)'t', (byte)'e', (byte)'s', (byte)'t', // "test" (offset 8)
        0x00, // root
    ];

    private static readonly int RdataOffset = Prefix.Length; // 14

    [Fact]
    public void TryRead_A_CopiesFourBytes()
    {
        Read(RecordType.A, [0xC0, 0x00, 0x02, 0x01]).Should().Equal(0xC0, 0x00, 0x02, 0x01);
    }

    [Fact]
    public void TryRead_Aaaa_CopiesSixteenBytes()
    {
        byte[] rdata = [0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01]; // 2001:db8::1

        Read(RecordType.AAAA, rdata).Should().Equal(rdata);
    }

    [Theory]
    [InlineData(RecordType.A, 0)]
    [InlineData(RecordType.A, 3)]
    [InlineData(RecordType.A, 5)]
    [InlineData(RecordType.AAAA, 4)]
    [InlineData(RecordType.AAAA, 15)]
    [InlineData(RecordType.AAAA, 17)]
    public void TryRead_AddressOfWrongLength_ReturnsFalse(RecordType type, int length)
    {
        TryRead(type, new byte[length]).Should().BeFalse();
    }

    [Theory]
    [InlineData(RecordType.CNAME)]
    [InlineData(RecordType.NS)]
    [InlineData(RecordType.PTR)]
    public void TryRead_NameTypeWithCompressedName_ExpandsName(RecordType type)
    {
        byte[] rdata =
        [
            0x03, (byte)'w', (byte)'w', (byte)'w', // "www"
            0xC0, 0x00, // pointer to offset 0 (example.test)
        ];

        Read(type, rdata).Should().Equal(Wire.Name("www.example.test"));
    }

    [Theory]
    [InlineData(RecordType.CNAME)]
    [InlineData(RecordType.NS)]
    [InlineData(RecordType.PTR)]
    public void TryRead_NameTypeWithUncompressedName_CopiesName(RecordType type)
    {
        var rdata = Wire.Name("host.other.test");

        Read(type, rdata).Should().Equal(rdata);
    }

    [Fact]
    public void TryRead_NameFollowedByExtraBytes_ReturnsFalse()
    {
        byte[] rdata =
        [
            0xC0, 0x00, // pointer to example.test
            0x00, // one byte the name does not account for
        ];

        TryRead(RecordType.CNAME, rdata).Should().BeFalse();
    }

    [Fact]
    public void TryRead_NameRunningPastRdLength_ReturnsFalse()
    {
        // RDLENGTH covers "www" only; the pointer after it lies outside the RDATA.
        byte[] message = [.. Prefix, 0x03, (byte)'w', (byte)'w', (byte)'w', 0xC0, 0x00];

        RDataCodec.TryRead(message, RdataOffset, 4, RecordType.CNAME, new byte[512], out _).Should().BeFalse();
    }

    [Fact]
    public void TryRead_EmptyNameRData_ReturnsFalse()
    {
        TryRead(RecordType.NS, []).Should().BeFalse();
    }

    [Fact]
    public void TryRead_Mx_ExpandsExchange()
    {
        byte[] rdata =
        [
            0x00, 0x0A, // PREFERENCE 10
            0x04, (byte)'m', (byte)'a', (byte)'i', (byte)'l', // "mail"
            0xC0, 0x00, // pointer to example.test
        ];

        Read(RecordType.MX, rdata).Should().Equal([0x00, 0x0A, .. Wire.Name("mail.example.test")]);
    }

    [Theory]
    [InlineData(new byte[] { })] // empty
    [InlineData(new byte[] { 0x00 })] // half a preference
    [InlineData(new byte[] { 0x00, 0x0A })] // preference without exchange
    [InlineData(new byte[] { 0x00, 0x0A, 0xC0, 0x00, 0x00 })] // a byte after the exchange
    [InlineData(new byte[] { 0x00, 0x0A, 0x04, (byte)'m' })] // truncated exchange
    public void TryRead_MalformedMx_ReturnsFalse(byte[] rdata)
    {
        TryRead(RecordType.MX, rdata).Should().BeFalse();
    }

    [Fact]
    public void TryRead_Srv_ExpandsTarget()
    {
        byte[] rdata =
        [
            0x00, 0x0A, // PRIORITY 10
            0x00, 0x3C, // WEIGHT 60
            0x13, 0xC4, // PORT 5060
            0x03, (byte)'s', (byte)'i', (byte)'p', // "sip"
            0xC0, 0x00, // pointer to example.test
        ];

        Read(RecordType.SRV, rdata).Should().Equal([0x00, 0x0A, 0x00, 0x3C, 0x13, 0xC4, .. Wire.Name("sip.example.test")]);
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x0A, 0x00, 0x3C, 0x13 })] // fixed part truncated
    [InlineData(new byte[] { 0x00, 0x0A, 0x00, 0x3C, 0x13, 0xC4 })] // no target
    [InlineData(new byte[] { 0x00, 0x0A, 0x00, 0x3C, 0x13, 0xC4, 0x00, 0x00 })] // a byte after the target
    public void TryRead_MalformedSrv_ReturnsFalse(byte[] rdata)
    {
        TryRead(RecordType.SRV, rdata).Should().BeFalse();
    }

    private static readonly byte[] SoaNumbers =
    [
        0x78, 0xA3, 0xF1, 0x75, // SERIAL 2024010101
        0x00, 0x00, 0x1C, 0x20, // REFRESH 7200
        0x00, 0x00, 0x0E, 0x10, // RETRY 3600
        0x00, 0x12, 0x75, 0x00, // EXPIRE 1209600
        0x00, 0x00, 0x01, 0x2C, // MINIMUM 300
    ];

    [Fact]
    public void TryRead_Soa_ExpandsBothNamesAndKeepsNumbers()
    {
        byte[] rdata =
        [
            0x03, (byte)'n', (byte)'s', (byte)'1', 0xC0, 0x00, // MNAME ns1 + pointer to example.test
            0x0A, (byte)'h', (byte)'o', (byte)'s', (byte)'t', (byte)'m', (byte)'a', (byte)'s', (byte)'t', (byte)'e', (byte)'r', // RNAME "hostmaster"
            0xC0, 0x00, // + pointer to example.test
            .. SoaNumbers,
        ];

        var expanded = Read(RecordType.SOA, rdata);

        expanded.Should().Equal([.. Wire.Name("ns1.example.test"), .. Wire.Name("hostmaster.example.test"), .. SoaNumbers]);
        RDataCodec.SoaSerial(expanded).Should().Be(2024010101);
        RDataCodec.SoaMinimum(expanded).Should().Be(300);
        RDataCodec.IsWellFormed(RecordType.SOA, expanded).Should().BeTrue();
    }

    [Theory]
    [InlineData(19)]
    [InlineData(21)]
    [InlineData(0)]
    public void TryRead_SoaWithWrongNumberOfTrailingBytes_ReturnsFalse(int numberBytes)
    {
        byte[] rdata = [0xC0, 0x00, 0xC0, 0x00, .. new byte[numberBytes]];

        TryRead(RecordType.SOA, rdata).Should().BeFalse();
    }

    [Fact]
    public void TryRead_SoaWithOneName_ReturnsFalse()
    {
        // MNAME, then a reserved label type (0x40) where RNAME should start.
        byte[] rdata = [0xC0, 0x00, 0x40, .. new byte[19]];

        TryRead(RecordType.SOA, rdata).Should().BeFalse();
    }

    [Fact]
    public void TryRead_TxtWithSeveralStrings_CopiesThem()
    {
        byte[] rdata =
        [
            0x05, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o', // "hello"
            0x00, // ""
            0x05, (byte)'w', (byte)'o', (byte)'r', (byte)'l', (byte)'d', // "world"
        ];

        Read(RecordType.TXT, rdata).Should().Equal(rdata);
    }

    [Theory]
    [InlineData(new byte[] { })] // no string at all
    [InlineData(new byte[] { 0x05, (byte)'h', (byte)'e' })] // string overruns the RDATA
    [InlineData(new byte[] { 0x01, (byte)'a', 0x02, (byte)'b' })] // second string overruns
    public void TryRead_MalformedTxt_ReturnsFalse(byte[] rdata)
    {
        TryRead(RecordType.TXT, rdata).Should().BeFalse();
    }

    [Fact]
    public void TryRead_Caa_CopiesIt()
    {
        byte[] rdata =
        [
            0x00, // flags
            0x05, // tag length
            (byte)'i', (byte)'s', (byte)'s', (byte)'u', (byte)'e', // tag "issue"
            .. "letsencrypt.org"u8, // value
        ];

        Read(RecordType.CAA, rdata).Should().Equal(rdata);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x00 })] // flags only
    [InlineData(new byte[] { 0x00, 0x00 })] // empty tag
    [InlineData(new byte[] { 0x00, 0x05, (byte)'i', (byte)'s' })] // tag overruns
    [InlineData(new byte[] { 0x00, 0x10, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61 })] // tag of 16
    public void TryRead_MalformedCaa_ReturnsFalse(byte[] rdata)
    {
        TryRead(RecordType.CAA, rdata).Should().BeFalse();
    }

    [Theory]
    [InlineData(999)]
    [InlineData(48)] // DNSKEY: known by number, opaque here
    [InlineData(65535)]
    public void TryRead_OpaqueType_CopiesBytesVerbatim(int type)
    {
        byte[] rdata = [0xC0, 0x00, 0x01, 0x02, 0x03]; // looks like a pointer: must not be expanded

        Read((RecordType)type, rdata).Should().Equal(rdata);
        Read((RecordType)type, []).Should().BeEmpty();
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(0, -1)]
    [InlineData(14, 5)]
    [InlineData(19, 1)]
    [InlineData(int.MaxValue, 1)]
    public void TryRead_RangeOutsideMessage_ReturnsFalse(int offset, int length)
    {
        byte[] message = [.. Prefix, 0x01, 0x02, 0x03, 0x04]; // 18 bytes

        RDataCodec.TryRead(message, offset, length, (RecordType)999, new byte[512], out _).Should().BeFalse();
    }

    [Theory]
    [InlineData(RecordType.A)]
    [InlineData(RecordType.CNAME)]
    [InlineData(RecordType.MX)]
    [InlineData(RecordType.SOA)]
    public void TryRead_DestinationTooSmall_ReturnsFalse(RecordType type)
    {
        byte[] rdata = type switch
        {
            RecordType.A => [0x7F, 0x00, 0x00, 0x01],
            RecordType.CNAME => [0xC0, 0x00],
            RecordType.MX => [0x00, 0x0A, 0xC0, 0x00],
            _ => [0xC0, 0x00, 0xC0, 0x00, .. SoaNumbers],
        };
        byte[] message = [.. Prefix, .. rdata];
        var expanded = Read(type, rdata);

        RDataCodec.TryRead(message, RdataOffset, rdata.Length, type, new byte[expanded.Length - 1], out _).Should().BeFalse();
        RDataCodec.TryRead(message, RdataOffset, rdata.Length, type, new byte[expanded.Length], out var written).Should().BeTrue();
        written.Should().Be(expanded.Length);
    }

    public static TheoryData<RecordType, byte[], bool> WellFormedCases => new()
    {
        { RecordType.A, new byte[] { 1, 2, 3, 4 }, true },
        { RecordType.A, new byte[] { 1, 2, 3 }, false },
        { RecordType.AAAA, new byte[16], true },
        { RecordType.AAAA, new byte[4], false },
        { RecordType.CNAME, Wire.Name("a.test"), true },
        { RecordType.CNAME, new byte[] { 0xC0, 0x00 }, false }, // compressed: not canonical
        { RecordType.NS, new byte[] { 0x01, (byte)'a', 0x00, 0x00 }, false }, // trailing byte
        { RecordType.PTR, new byte[] { 0x00 }, true },
        { RecordType.MX, [0x00, 0x0A, .. Wire.Name("mail.test")], true },
        { RecordType.MX, new byte[] { 0x00, 0x0A }, false },
        { RecordType.MX, [0x00, 0x0A, .. Wire.Name("mail.test"), 0x00], false },
        { RecordType.SRV, [0, 1, 0, 2, 0, 3, .. Wire.Name("sip.test")], true },
        { RecordType.SRV, [0, 1, 0, 2, 0, 3], false },
        { RecordType.SOA, [.. Wire.Name("ns.test"), .. Wire.Name("h.test"), .. new byte[20]], true },
        { RecordType.SOA, [0x00, 0x00, .. new byte[20]], true }, // ". . 0 0 0 0 0"
        { RecordType.SOA, [.. Wire.Name("ns.test"), .. Wire.Name("h.test"), .. new byte[19]], false },
        { RecordType.SOA, [.. Wire.Name("ns.test"), .. new byte[20]], false },
        { RecordType.SOA, new byte[] { 0xC0, 0x00, 0xC0, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, false },
        { RecordType.TXT, new byte[] { 0x00 }, true },
        { RecordType.TXT, new byte[] { 0x01, (byte)'a', 0x01, (byte)'b' }, true },
        { RecordType.TXT, Array.Empty<byte>(), false },
        { RecordType.TXT, new byte[] { 0x02, (byte)'a' }, false },
        { RecordType.CAA, [0x80, 0x05, .. "iodef"u8, .. "mailto:a@b.test"u8], true },
        { RecordType.CAA, [0x00, 0x09, .. "issuewild"u8], true }, // empty value
        { RecordType.CAA, new byte[] { 0x00, 0x00 }, false },
        { RecordType.CAA, new byte[] { 0x00, 0x03, (byte)'t', (byte)'a' }, false },
        { RecordType.DS, new byte[] { 0xBF, 0x80, 13, 2, 0xDC }, true },
        { RecordType.DS, new byte[] { 0xBF, 0x80, 13, 2 }, false }, // no digest
        { (RecordType)999, Array.Empty<byte>(), true },
        { (RecordType)999, new byte[] { 0xFF }, true },
        { RecordType.OPT, new byte[] { 0x00, 0x0A, 0x00, 0x00 }, true },
    };

    [Theory]
    [MemberData(nameof(WellFormedCases))]
    public void IsWellFormed_RData_MatchesTypeLayout(RecordType type, byte[] rdata, bool expected)
    {
        RDataCodec.IsWellFormed(type, rdata).Should().Be(expected);
    }

    [Theory]
    [InlineData(RecordType.CNAME, 0)]
    [InlineData(RecordType.NS, 0)]
    [InlineData(RecordType.PTR, 0)]
    [InlineData(RecordType.MX, 2)]
    [InlineData(RecordType.SRV, 6)]
    [InlineData(RecordType.A, -1)]
    [InlineData(RecordType.SOA, -1)]
    [InlineData(RecordType.TXT, -1)]
    public void TargetNameOffset_Type_ReturnsOffsetOfTargetName(RecordType type, int expected)
    {
        RDataCodec.TargetNameOffset(type).Should().Be(expected);
    }

    private static byte[] Read(RecordType type, byte[] rdata)
    {
        byte[] message = [.. Prefix, .. rdata];
        var destination = new byte[rdata.Length + (2 * DnsName.MaxLength)];
        RDataCodec.TryRead(message, RdataOffset, rdata.Length, type, destination, out var written).Should().BeTrue();
        return destination[..written];
    }

    private static bool TryRead(RecordType type, byte[] rdata)
    {
        byte[] message = [.. Prefix, .. rdata];
        return RDataCodec.TryRead(message, RdataOffset, rdata.Length, type, new byte[rdata.Length + (2 * DnsName.MaxLength)], out _);
    }
}
