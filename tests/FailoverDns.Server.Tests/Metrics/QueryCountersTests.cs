using FailoverDns.Protocol;
using FailoverDns.Server.Metrics;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Metrics;

/// <summary>Per-thread counter blocks: threads that end (pool threads come and go) leave no block behind, and no count is lost.</summary>
public sealed class QueryCountersTests
{
    [Fact]
    public void DrainSamples_ThreadsThatEnded_FoldedIntoOneBlock_EveryCountKept()
    {
        var counters = new QueryCounters();
        var drained = 0;
        for (var thread = 0; thread < 5; thread++)
        {
            RunOnAThreadOfItsOwn(() => Record(counters, 10));
        }

        counters.BlockCount.Should().Be(5);
        counters.DrainSamples(_ => drained++);

        counters.BlockCount.Should().Be(1, "the five threads have ended");
        drained.Should().Be(50);
        counters.Queries().Should().Equal(("udp", "A", "NOERROR", 50L));
        counters.Truncated().Should().Equal(5, 0);
        counters.RateLimited().Should().Equal(0, 5);

        // A thread still running keeps its block; once it ends, it joins the sums of the others.
        using var recorded = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var running = new Thread(() =>
        {
            Record(counters, 3);
            recorded.Set();
            release.Wait(TimeSpan.FromSeconds(30));
        });
        running.Start();
        recorded.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue();
        counters.DrainSamples(_ => drained++);
        counters.BlockCount.Should().Be(2);

        release.Set();
        running.Join(TimeSpan.FromSeconds(30)).Should().BeTrue();
        counters.DrainSamples(_ => drained++);
        counters.BlockCount.Should().Be(1);
        drained.Should().Be(53);
        counters.Queries().Should().Equal(("udp", "A", "NOERROR", 53L));
        counters.Truncated().Should().Equal(6, 0);
        counters.RateLimited().Should().Equal(0, 6);
    }

    /// <summary>Queries with a sample each, one of them truncated, and one slipped response.</summary>
    private static void Record(QueryCounters counters, int queries)
    {
        for (var i = 0; i < queries; i++)
        {
            counters.Record(overTcp: false, RecordType.A, (int)ResponseCode.NoError, truncated: i == 0, new QuerySample(100, 50, OverTcp: false));
        }

        counters.RecordRateLimited(slipped: true);
    }

    private static void RunOnAThreadOfItsOwn(Action action)
    {
        var thread = new Thread(() => action());
        thread.Start();
        thread.Join(TimeSpan.FromSeconds(30)).Should().BeTrue();
    }
}
