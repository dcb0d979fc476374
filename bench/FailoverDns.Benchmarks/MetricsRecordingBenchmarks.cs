using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using FailoverDns.Protocol;
using FailoverDns.Server.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FailoverDns.Benchmarks;

/// <summary>
/// The parts of a query's metrics on their own, to weigh a histogram kept by the SDK against the
/// per-thread counters: what one recording of each costs with the SDK listening.
/// </summary>
/// <remarks>
/// An iteration is <see cref="Invocations"/> calls, and the query threads' sample rings are
/// drained between iterations, off the clock as the server drains them off the query path: a
/// benchmark loop records samples hundreds of times faster than one thread answers queries, and would
/// otherwise fill its ring within the drain's 250 ms and measure the cost of dropping samples.
/// </remarks>
[MemoryDiagnoser]
[InvocationCount(Invocations)]
public class MetricsRecordingBenchmarks : IDisposable
{
    /// <summary>4,000 timed queries: what one thread's ring holds.</summary>
    internal const int Invocations = 4000 * Server.Metrics.QueryMetrics.DurationSampling;

    private static readonly KeyValuePair<string, object?> Udp = new("transport", "udp");

    private readonly QueryCounters _counters = new();
    private IHost _metrics = null!;
    private Histogram<int> _sizes = null!;
    private Histogram<double> _durations = null!;
    private QueryMetrics _queryMetrics = null!;

    [GlobalSetup]
    public void Setup()
    {
        _metrics = QueryPathBenchmarks.MetricsHost();
        _queryMetrics = new QueryMetrics(_metrics.Services.GetRequiredService<IMeterFactory>());
        var meter = _metrics.Services.GetRequiredService<IMeterFactory>().Create(MeterNames.FailoverDns);
        _sizes = meter.CreateHistogram("failoverdns.bench.size", "By", null, null, new InstrumentAdvice<int> { HistogramBucketBoundaries = [64, 128, 256, 512, 1024, 1232, 2048, 4096, 16384, 65535] });
        _durations = meter.CreateHistogram("failoverdns.bench.duration", "s", null, null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.000_000_25, 0.000_000_5, 0.000_001, 0.000_002_5, 0.000_005, 0.000_01, 0.000_025, 0.000_1, 0.001, 0.01] });
    }

    [Benchmark(Baseline = true)]
    public void PerThreadCounters() => _counters.Record(overTcp: false, RecordType.A, 0, truncated: false);

    [Benchmark]
    public void SdkHistogram() => _sizes.Record(50, Udp);

    [Benchmark]
    public void SdkHistogramTimed() => _durations.Record(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp()).TotalSeconds, Udp);

    /// <summary>All of a query's metrics: the counters, and one time in 16 the clock and both histograms.</summary>
    [Benchmark]
    public void QueryMetrics() => _queryMetrics.Record(overTcp: false, RecordType.A, ResponseCode.NoError, 50, truncated: false, _queryMetrics.Start());

    [IterationCleanup(Target = nameof(QueryMetrics))]
    public void DrainSamples() => _queryMetrics.DrainSamples();

    [GlobalCleanup]
    public void Dispose()
    {
        Console.WriteLine($"// samples dropped: {_queryMetrics.SamplesDropped}");
        _metrics.StopAsync().GetAwaiter().GetResult();
        _metrics.Dispose();
        GC.SuppressFinalize(this);
    }
}
