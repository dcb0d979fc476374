using System.Collections.Immutable;
using FailoverDns.Health.Probes;

namespace FailoverDns.Server.Metrics;

/// <summary>
/// One health check's probe results: counts by failure reason (none = passed) and a latency
/// histogram. Kept per check rather than per thread: probe results arrive from any pool thread,
/// and per-thread cells for 10,000 checks would make hundreds of thousands of them.
/// </summary>
internal sealed class ProbeStats
{
    public static readonly ImmutableArray<double> DurationBounds = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];

    private static readonly int Reasons = Enum.GetValues<ProbeFailure>().Length;

    private readonly object _gate = new();
    private readonly long[] _results = new long[Reasons];
    private readonly long[] _durations = new long[DurationBounds.Length + 1];
    private double _seconds;

    public void Add(ProbeResult result)
    {
        var seconds = result.Latency.TotalSeconds;
        var bucket = Buckets.IndexOf(DurationBounds.AsSpan(), seconds);

        lock (_gate)
        {
            _results[(int)result.Failure]++;
            _durations[bucket]++;
            _seconds += seconds;
        }
    }

    /// <summary>Counts by <see cref="ProbeFailure"/> (index 0: passed), latency bucket counts, and the latencies' sum.</summary>
    public (long[] Results, long[] Durations, double Seconds) Read()
    {
        lock (_gate)
        {
            return ([.. _results], [.. _durations], _seconds);
        }
    }
}
