using FailoverDns.Server.Lifecycle;
using FluentAssertions;
using Microsoft.Extensions.Time.Testing;

namespace FailoverDns.Server.Tests.Lifecycle;

public sealed class LogRateLimiterTests
{
    [Fact]
    public void TryAcquire_BurstWithinInterval_OneLineThenCountOfTheRest()
    {
        var time = new FakeTimeProvider();
        var limiter = new LogRateLimiter(TimeSpan.FromSeconds(10), time);

        limiter.TryAcquire(out var first).Should().BeTrue();
        first.Should().Be(0);
        Enumerable.Range(0, 500).Count(i => limiter.TryAcquire(out _)).Should().Be(0, "the rest of the burst is counted, not written");

        time.Advance(TimeSpan.FromSeconds(9.9));
        limiter.TryAcquire(out _).Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(0.1));
        limiter.TryAcquire(out var suppressed).Should().BeTrue();
        suppressed.Should().Be(501, "the next line reports what was left out");
        limiter.TryAcquire(out _).Should().BeFalse();
    }

    [Fact]
    public async Task TryAcquire_ManyThreadsAtOnce_ExactlyOneWinsAndNoneIsLost()
    {
        var time = new FakeTimeProvider();
        var limiter = new LogRateLimiter(TimeSpan.FromSeconds(10), time);
        var wins = 0;

        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                if (limiter.TryAcquire(out _))
                {
                    Interlocked.Increment(ref wins);
                }
            }
        })));
        time.Advance(TimeSpan.FromSeconds(10));

        wins.Should().Be(1);
        limiter.TryAcquire(out var suppressed).Should().BeTrue();
        suppressed.Should().Be(39_999);
    }
}
