using FailoverDns.Health.Probes;

namespace FailoverDns.Health.Tests.Probes;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData(2000, "2s")]
    [InlineData(300, "300ms")]
    [InlineData(1500, "1500ms")]
    [InlineData(10000, "10s")]
    public void Format_Duration_IsShort(int milliseconds, string expected) =>
        DurationText.Format(TimeSpan.FromMilliseconds(milliseconds)).Should().Be(expected);
}
