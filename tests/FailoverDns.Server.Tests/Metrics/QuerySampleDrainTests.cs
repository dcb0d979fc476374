using System.Diagnostics.Metrics;
using FailoverDns.Protocol;
using FailoverDns.Server.Metrics;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FailoverDns.Server.Tests.Metrics;

/// <summary>The timed queries' samples reach the histograms from the drain's timer, with no collection asked for.</summary>
public sealed class QuerySampleDrainTests
{
    [Fact]
    public async Task Timer_SamplesWaiting_RecordedIntoBothHistograms()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var metrics = new QueryMetrics(meters);
        using var histograms = new HistogramListener(meters);
        var clock = new FakeTimeProvider();
        using var drain = new QuerySampleDrain(metrics, clock);
        await drain.StartAsync(CancellationToken.None);

        await RecordAsync(metrics, 160);
        histograms.Sizes.Should().Be(0, "the samples wait in their thread's ring");

        clock.Advance(QuerySampleDrain.Interval);
        histograms.Sizes.Should().Be(160 / QueryMetrics.DurationSampling);
        histograms.Durations.Should().Be(160 / QueryMetrics.DurationSampling);

        await RecordAsync(metrics, 32);
        await drain.StopAsync(CancellationToken.None);
        histograms.Sizes.Should().Be(12, "stopping drains once more");

        clock.Advance(QuerySampleDrain.Interval * 4);
        await RecordAsync(metrics, 16);
        clock.Advance(QuerySampleDrain.Interval);
        histograms.Sizes.Should().Be(12, "the timer is stopped");
    }

    /// <summary>A thread of its own for each batch: one query in 16 is timed, counted per thread.</summary>
    private static Task RecordAsync(QueryMetrics metrics, int queries) => Task.Factory.StartNew(
        () =>
        {
            for (var i = 0; i < queries; i++)
            {
                metrics.Record(overTcp: false, RecordType.A, ResponseCode.NoError, 50, truncated: false, metrics.Start());
            }
        },
        TaskCreationOptions.LongRunning);

    /// <summary>Counts the two query histograms' recordings of one factory's meters (which also makes them collected).</summary>
    private sealed class HistogramListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private int _sizes;
        private int _durations;

        public HistogramListener(IMeterFactory meters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == meters)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<int>((instrument, _, _, _) =>
            {
                if (instrument.Name == "failoverdns.dns.response.size")
                {
                    Interlocked.Increment(ref _sizes);
                }
            });
            _listener.SetMeasurementEventCallback<double>((instrument, _, _, _) =>
            {
                if (instrument.Name == "failoverdns.dns.query.duration")
                {
                    Interlocked.Increment(ref _durations);
                }
            });
            _listener.Start();
        }

        public int Sizes => Volatile.Read(ref _sizes);

        public int Durations => Volatile.Read(ref _durations);

        public void Dispose() => _listener.Dispose();
    }
}
