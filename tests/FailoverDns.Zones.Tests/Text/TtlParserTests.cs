using FailoverDns.Zones.Text;

namespace FailoverDns.Zones.Tests.Text;

public sealed class TtlParserTests
{
    [Theory]
    [InlineData("0", 0u)]
    [InlineData("300", 300u)]
    [InlineData("2147483647", 2147483647u)] // 2^31-1, the largest TTL (RFC 2181 §8)
    [InlineData("0300", 300u)]
    [InlineData("30s", 30u)]
    [InlineData("5m", 300u)]
    [InlineData("1h", 3600u)]
    [InlineData("1d", 86400u)]
    [InlineData("2w", 1209600u)]
    [InlineData("1h30m", 5400u)]
    [InlineData("1w2d3h4m5s", 788645u)]
    [InlineData("1H30M", 5400u)]
    [InlineData("1h1h", 7200u)]
    [InlineData("1h30", 3630u)] // BIND: a trailing number without a unit is seconds
    [InlineData("3550w", 2147040000u)]
    public void TryParse_ValidText_ReturnsSeconds(string text, uint expected)
    {
        TtlParser.TryParse(text, out var seconds).Should().BeTrue();
        seconds.Should().Be(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2147483648")] // 2^31
    [InlineData("4294967296")] // 2^32: must not wrap around
    [InlineData("99999999999999999999999")]
    [InlineData("3551w")] // 2,147,644,800 s, past 2^31-1
    [InlineData("2147483647s1s")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1.5h")]
    [InlineData("h")]
    [InlineData("1x")]
    [InlineData("1ms")]
    [InlineData("m5")]
    [InlineData(" 300")]
    [InlineData("300 ")]
    [InlineData("1 h")]
    [InlineData("1hh")]
    public void TryParse_InvalidText_ReturnsFalse(string text)
    {
        TtlParser.TryParse(text, out var seconds).Should().BeFalse();
        seconds.Should().Be(0);
    }

    [Fact]
    public void MaxTtl_IsTwoToTheThirtyOneMinusOne()
    {
        TtlParser.MaxTtl.Should().Be(int.MaxValue);
    }
}
