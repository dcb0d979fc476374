using System.Diagnostics;
using FailoverDns.Server.Metrics;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Metrics;

public sealed class QuerySampleRingTests
{
    private static QuerySample Sample(int i) => new(ElapsedTicks: i, Size: i, OverTcp: i % 2 == 0);

    [Fact]
    public void TryWriteAndDrain_ManyTimesAroundASmallRing_EverySampleOnceInOrder()
    {
        var ring = new QuerySampleRing(4);
        var drained = new QuerySample[8];
        var next = 0;

        // 3 a round on 4 slots: the head and the tail pass the end of the array at every offset.
        for (var round = 0; round < 10; round++)
        {
            for (var i = 0; i < 3; i++)
            {
                ring.TryWrite(Sample((round * 3) + i)).Should().BeTrue();
            }

            // A buffer smaller than what waits: the rest stays for the next call.
            ring.Drain(drained.AsSpan(0, 2)).Should().Be(2);
            ring.Drain(drained.AsSpan(2)).Should().Be(1);
            drained.Take(3).Should().Equal(Sample(next), Sample(next + 1), Sample(next + 2));
            next += 3;
            ring.Drain(drained).Should().Be(0);
        }

        ring.Dropped.Should().Be(0);
    }

    [Fact]
    public void TryWrite_RingFull_DropsAndCountsUntilDrained()
    {
        var ring = new QuerySampleRing(4);

        Enumerable.Range(0, 6).Select(i => ring.TryWrite(Sample(i))).Should().Equal(true, true, true, true, false, false);
        ring.Dropped.Should().Be(2);

        var drained = new QuerySample[8];
        ring.Drain(drained).Should().Be(4);
        // The oldest are kept, the newest dropped.
        drained.Take(4).Should().Equal(Sample(0), Sample(1), Sample(2), Sample(3));
        ring.TryWrite(Sample(6)).Should().BeTrue();
        ring.Drain(drained).Should().Be(1);
        drained[0].Should().Be(Sample(6));
        ring.Dropped.Should().Be(2);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(-4)]
    public void Constructor_CapacityNotAPowerOfTwo_Throws(int capacity) =>
        FluentActions.Invoking(() => new QuerySampleRing(capacity)).Should().Throw<ArgumentOutOfRangeException>();

    [Fact]
    public async Task TryWriteAndDrain_ProducerAndConsumerConcurrently_NothingLostUncountedNorDuplicated()
    {
        const int Samples = 1_000_000;
        var deadline = TimeSpan.FromSeconds(30);
        var ring = new QuerySampleRing(64);
        var accepted = new bool[Samples];
        var received = new List<QuerySample>(Samples);
        var produced = 0;

        var producer = Task.Factory.StartNew(
            () =>
            {
                for (var i = 0; i < Samples; i++)
                {
                    accepted[i] = ring.TryWrite(Sample(i));
                }

                Volatile.Write(ref produced, 1);
            },
            TaskCreationOptions.LongRunning);
        var consumer = Task.Factory.StartNew(
            () =>
            {
                var buffer = new QuerySample[16];
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed < deadline)
                {
                    // Read before draining: whatever the producer wrote before it finished is drained after.
                    var finished = Volatile.Read(ref produced) == 1;
                    int count;
                    while ((count = ring.Drain(buffer)) > 0)
                    {
                        received.AddRange(buffer.AsSpan(0, count));
                    }

                    if (finished)
                    {
                        return true;
                    }
                }

                return false;
            },
            TaskCreationOptions.LongRunning);

        await producer.WaitAsync(deadline);
        (await consumer.WaitAsync(deadline)).Should().BeTrue("the consumer saw the producer finish within the deadline");

        // Every sample whole (fields written together), in order, each once, and exactly the accepted ones.
        received.Should().OnlyContain(s => s.ElapsedTicks == s.Size && s.OverTcp == (s.Size % 2 == 0));
        received.Select(s => s.Size).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        received.Select(s => s.Size).Should().Equal(Enumerable.Range(0, Samples).Where(i => accepted[i]));
        (received.Count + ring.Dropped).Should().Be(Samples, "every sample not received was counted as dropped");
    }
}
