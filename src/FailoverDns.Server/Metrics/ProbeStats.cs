using FailoverDns.Health.Probes;

namespace FailoverDns.Server.Metrics;

/// <summary>
/// One health check's probe results, counted by failure reason (none = passed). Kept per check and
/// read by an observable counter, rather than added to a synchronous one, so that a check a reload
/// removed stops being reported. Per check rather than per thread: results arrive from any pool
/// thread, and per-thread cells for 10,000 checks would make hundreds of thousands of them.
/// </summary>
internal sealed class ProbeStats
{
    private static readonly int Reasons = Enum.GetValues<ProbeFailure>().Length;

    private readonly long[] _results = new long[Reasons];

    public void Add(ProbeResult result) => Interlocked.Increment(ref _results[(int)result.Failure]);

    /// <summary>Counts by <see cref="ProbeFailure"/> (index 0: passed).</summary>
    public long[] Read()
    {
        var counts = new long[Reasons];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = Interlocked.Read(ref _results[i]);
        }

        return counts;
    }
}
