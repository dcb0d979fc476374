using FluentAssertions;

namespace FailoverDns.Protocol.Tests;

public class EdnsTests
{
    [Theory]
    [InlineData(0x00008000u, 0, 0, true)] // DO only
    [InlineData(0x00000000u, 0, 0, false)]
    [InlineData(0x01000000u, 1, 0, false)] // extended RCODE 1 (BADVERS with header RCODE 0)
    [InlineData(0x00010000u, 0, 1, false)] // version 1
    [InlineData(0xFFFF8000u, 255, 255, true)]
    [InlineData(0x00007FFFu, 0, 0, false)] // Z bits other than DO are not DO
    public void FromTtlField_Ttl_SplitsFields(uint ttl, int extendedRCode, int version, bool dnssecOk)
    {
        var edns = Edns.FromTtlField(1232, ttl, []);

        edns.PayloadSize.Should().Be(1232);
        edns.ExtendedRCode.Should().Be((byte)extendedRCode);
        edns.Version.Should().Be((byte)version);
        edns.DnssecOk.Should().Be(dnssecOk);
    }

    [Theory]
    [InlineData(0, 0, false, 0x00000000u)]
    [InlineData(0, 0, true, 0x00008000u)]
    [InlineData(1, 0, false, 0x01000000u)]
    [InlineData(0xAB, 0xCD, true, 0xABCD8000u)]
    public void TtlField_Fields_PacksThem(int extendedRCode, int version, bool dnssecOk, uint expected)
    {
        new Edns(512, (byte)extendedRCode, (byte)version, dnssecOk, []).TtlField.Should().Be(expected);
    }
}
