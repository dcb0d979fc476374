using FailoverDns.Health.Probes;

namespace FailoverDns.Health.Tests.Probes;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData(2000, "2s")]
    [InlineData(300, "300ms")]
    [InlineData(1500, "1500ms")]
    [InlineData(10000, "10s")]
    [InlineData(90_000, "90s")]
    [InlineData(300_000, "5m")]
    [InlineData(3_600_000, "1h")]
    [InlineData(0, "0s")]
    public void Format_Duration_IsShort(int milliseconds, string expected) =>
        DurationText.Format(TimeSpan.FromMilliseconds(milliseconds)).Should().Be(expected);
}
