namespace FailoverDns.Configuration.Tests;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("10s", 10_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1s500ms", 1_500)]
    [InlineData("1.5s", 1_500)]
    [InlineData("0.25h", 900_000)]
    [InlineData("30", 30_000)] // a bare number is seconds
    [InlineData("0.5", 500)]
    [InlineData("0", 0)]
    [InlineData("0ms", 0)]
    [InlineData(" 10s ", 10_000)]
    public void TryParse_ValidText_ReturnsDuration(string text, long expectedMilliseconds)
    {
        DurationParser.TryParse(text, out var duration).Should().BeTrue();
        duration.Should().Be(TimeSpan.FromMilliseconds(expectedMilliseconds));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("s")]
    [InlineData("ms")]
    [InlineData("10x")]
    [InlineData("10S")] // units are lowercase, as written in the docs
    [InlineData("10 s")]
    [InlineData("-5s")]
    [InlineData("-5")]
    [InlineData("1e3")]
    [InlineData("1.2.3s")]
    [InlineData("5m-")]
    [InlineData("1w")] // weeks are not a setting duration
    [InlineData("99999999999999999d")]
    [InlineData("99999999999999999999")] // bare seconds past TimeSpan.MaxValue: false, not an exception
    [InlineData("1e300")]
    public void TryParse_InvalidText_ReturnsFalse(string text)
    {
        DurationParser.TryParse(text, out var duration).Should().BeFalse();
        duration.Should().Be(TimeSpan.Zero);
    }

    [Theory]
    [InlineData(0, "0ms")]
    [InlineData(100, "100ms")]
    [InlineData(999, "999ms")]
    [InlineData(1_000, "1s")]
    [InlineData(1_500, "1.5s")]
    [InlineData(10_000, "10s")]
    [InlineData(60_000, "1m")]
    [InlineData(90_000, "1.5m")]
    [InlineData(3_600_000, "1h")]
    [InlineData(86_400_000, "24h")]
    public void Format_Duration_ReturnsShortText(long milliseconds, string expected)
    {
        DurationParser.Format(TimeSpan.FromMilliseconds(milliseconds)).Should().Be(expected);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(1_500)]
    [InlineData(90_000)]
    [InlineData(3_600_000)]
    public void Format_ThenTryParse_RoundTrips(long milliseconds)
    {
        var duration = TimeSpan.FromMilliseconds(milliseconds);
        DurationParser.TryParse(DurationParser.Format(duration), out var parsed).Should().BeTrue();
        parsed.Should().Be(duration);
    }
}
