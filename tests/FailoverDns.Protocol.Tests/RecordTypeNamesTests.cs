using FluentAssertions;

namespace FailoverDns.Protocol.Tests;

public sealed class RecordTypeNamesTests
{
    [Theory]
    [InlineData("A", RecordType.A)]
    [InlineData("aaaa", RecordType.AAAA)]
    [InlineData("Cname", RecordType.CNAME)]
    [InlineData("NS", RecordType.NS)]
    [InlineData("SOA", RecordType.SOA)]
    [InlineData("MX", RecordType.MX)]
    [InlineData("TXT", RecordType.TXT)]
    [InlineData("SRV", RecordType.SRV)]
    [InlineData("CAA", RecordType.CAA)]
    [InlineData("ds", RecordType.DS)]
    [InlineData("PTR", RecordType.PTR)]
    [InlineData("TYPE1", RecordType.A)]
    [InlineData("type43", RecordType.DS)]
    [InlineData("TYPE999", (RecordType)999)]
    [InlineData("TYPE65535", (RecordType)65535)]
    public void TryParse_KnownName_ReturnsType(string text, RecordType expected)
    {
        RecordTypeNames.TryParse(text, out var type).Should().BeTrue();
        type.Should().Be(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("AAA")]
    [InlineData("HINFO")]
    [InlineData("TYPE")]
    [InlineData("TYPE0")]   // reserved
    [InlineData("TYPE41")]  // OPT is a pseudo-record, not zone data
    [InlineData("TYPE250")] // TSIG, likewise (RFC 8945 §4.2)
    [InlineData("TYPE251")] // IXFR
    [InlineData("TYPE252")] // AXFR
    [InlineData("TYPE255")] // ANY
    [InlineData("TYPE65536")]
    [InlineData("TYPE-1")]
    [InlineData("TYPE 1")]
    public void TryParse_NotZoneData_ReturnsFalse(string text)
    {
        RecordTypeNames.TryParse(text, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("HINFO", true)]
    [InlineData("dnskey", true)]
    [InlineData("ds", false)]
    [InlineData("HTTPS", true)]
    [InlineData("TLSA", true)]
    [InlineData("A", false)]
    [InlineData("BOGUS", false)]
    public void IsKnownButUnsupported_Mnemonic_TellsRealTypesApart(string text, bool expected)
    {
        RecordTypeNames.IsKnownButUnsupported(text).Should().Be(expected);
    }

    [Fact]
    public void SupportedNames_ListsTheElevenTextTypes()
    {
        RecordTypeNames.SupportedNames.Should().BeEquivalentTo(["A", "AAAA", "CNAME", "NS", "SOA", "MX", "TXT", "SRV", "CAA", "PTR", "DS"]);
    }

    [Theory]
    [InlineData(RecordType.A, "A")]
    [InlineData(RecordType.AAAA, "AAAA")]
    [InlineData(RecordType.CAA, "CAA")]
    [InlineData(RecordType.OPT, "OPT")]
    [InlineData(RecordType.TSIG, "TSIG")]
    [InlineData(RecordType.ANY, "ANY")]
    [InlineData((RecordType)999, "TYPE999")]
    [InlineData((RecordType)0, "TYPE0")]
    [InlineData((RecordType)65535, "TYPE65535")]
    public void ToName_Type_IsMnemonicOrGenericName(RecordType type, string expected)
    {
        RecordTypeNames.ToName(type).Should().Be(expected);
    }
}
