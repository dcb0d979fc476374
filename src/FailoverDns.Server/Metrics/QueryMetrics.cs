using System.Diagnostics;
using System.Diagnostics.Metrics;
using FailoverDns.Protocol;

namespace FailoverDns.Server.Metrics;

/// <summary>
/// The query path's metrics. Counts go into <see cref="QueryCounters"/> (per thread, summed by
/// observable counters when collected). The two histograms are the SDK's own
/// <see cref="Histogram{T}"/>s, since OpenTelemetry reads no histogram that its owner aggregates,
/// and a recording into one takes a lookup and a lock shared by every thread (about 46 ns); so the
/// query thread never records into them. The one query in <see cref="DurationSampling"/> that is
/// timed leaves its sample in its thread's <see cref="QuerySampleRing"/> (no lock, no allocation),
/// and <see cref="DrainSamples"/> moves the samples into the histograms off the query path: every
/// <see cref="QuerySampleDrain.Interval"/>, and at the start of every collection. With nobody
/// listening (neither /metrics nor OTLP on), recording is skipped after one branch.
/// </summary>
public sealed class QueryMetrics
{
    /// <summary>
    /// One query in this many is timed and has its size recorded: its two clock reads cost more
    /// than the rest of its metrics, and its sample two SDK recordings (lock included) on the drain's thread.
    /// </summary>
    public const int DurationSampling = 16;

    private const long NotCollected = 0;
    private const long CountedNotTimed = -1;

    private static readonly int[] SizeBounds = [64, 128, 256, 512, 1024, 1232, 2048, 4096, 16384, 65535];

    /// <summary>Seconds: the DNS work of one query takes 0.1-1 µs; the rest of the range catches stalls.</summary>
    private static readonly double[] DurationBounds = [0.000_000_25, 0.000_000_5, 0.000_001, 0.000_002_5, 0.000_005, 0.000_01, 0.000_025, 0.000_1, 0.001, 0.01];

    // Made once: a tag built per query would cost a lookup of the label's value each time.
    private static readonly KeyValuePair<string, object?>[] TransportTags = [.. QueryCounters.Transports.Select(t => Tag("transport", t))];
    private static readonly KeyValuePair<string, object?>[] RateLimitTags = [.. QueryCounters.RateLimitActions.Select(a => Tag("action", a))];

    [ThreadStatic]
    private static int _queriesOnThread;

    private readonly QueryCounters _counters = new();
    private readonly ObservableCounter<long> _queries;
    private readonly Histogram<int> _sizes;
    private readonly Histogram<double> _durations;
    private readonly Action<QuerySample> _recordSample;

    public QueryMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterNames.FailoverDns);
        _queries = meter.CreateObservableCounter(
            "failoverdns.dns.queries",
            () => _counters.Queries().Select(q => new Measurement<long>(q.Count, Tag("transport", q.Transport), Tag("type", q.Type), Tag("rcode", q.Rcode))),
            "{query}",
            "DNS queries answered, by transport, query type and response code");
        meter.CreateObservableCounter(
            "failoverdns.dns.responses.truncated",
            () => _counters.Truncated().Select((count, t) => new Measurement<long>(count, TransportTags[t])),
            "{response}",
            "Responses sent with TC set: too large for UDP, or slipped by response rate limiting; the resolver retries over TCP");
        meter.CreateObservableCounter(
            "failoverdns.dns.responses.rate_limited",
            () => _counters.RateLimited().Select((count, a) => new Measurement<long>(count, RateLimitTags[a])),
            "{response}",
            "UDP responses withheld by response rate limiting: dropped, or slipped (sent empty with TC so a real client retries over TCP)");
        _sizes = meter.CreateHistogram(
            "failoverdns.dns.response.size",
            "By",
            $"Size of the DNS responses sent, recorded for one query in {DurationSampling}",
            tags: null,
            new InstrumentAdvice<int> { HistogramBucketBoundaries = SizeBounds });
        _durations = meter.CreateHistogram(
            "failoverdns.dns.query.duration",
            "s",
            $"Time from a query's bytes to its reply's bytes (parse, lookup, encode; not the network), measured on one query in {DurationSampling}",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBounds });
        _recordSample = RecordSample;

        // The hook that makes a collection see every sample taken before it: the SDK runs every
        // observable callback before it reads any synchronous instrument (MetricReader.OnCollect:
        // CollectObservableInstruments, then GetMetricsBatch), whatever order they were made in,
        // so the samples this callback drains land in the same collection.
        meter.CreateObservableCounter(
            "failoverdns.dns.query.samples_dropped",
            () =>
            {
                DrainSamples();
                return _counters.SamplesDropped();
            },
            "{sample}",
            "Timed queries left out of the duration and size histograms because their thread's buffer was full (the drain fell behind)");
    }

    /// <summary>What to pass to <see cref="Record"/>: a timestamp, or whether to count without timing, or not at all.</summary>
    public long Start()
    {
        if (!_queries.Enabled)
        {
            return NotCollected;
        }

        return ++_queriesOnThread % DurationSampling == 0 ? Stopwatch.GetTimestamp() : CountedNotTimed;
    }

    public void Record(bool overTcp, RecordType? type, ResponseCode rcode, int size, bool truncated, long started)
    {
        if (started == NotCollected)
        {
            return;
        }

        if (started > 0)
        {
            _counters.Record(overTcp, type, (int)rcode, truncated, new QuerySample(Stopwatch.GetTimestamp() - started, size, overTcp));
        }
        else
        {
            _counters.Record(overTcp, type, (int)rcode, truncated);
        }
    }

    /// <summary>
    /// Counts a response withheld by rate limiting, whether or not anyone listens: it happens only
    /// under a flood, and the count is what an operator looks for afterwards.
    /// </summary>
    public void RecordRateLimited(bool slipped) => _counters.RecordRateLimited(slipped);

    /// <summary>Timed queries whose sample was dropped because their thread's ring was full.</summary>
    public long SamplesDropped => _counters.SamplesDropped();

    /// <summary>Moves the samples every query thread has left into the histograms, on the caller's thread (never a query thread).</summary>
    public void DrainSamples() => _counters.DrainSamples(_recordSample);

    private void RecordSample(QuerySample sample)
    {
        var transport = TransportTags[sample.OverTcp ? 1 : 0];
        _durations.Record(sample.ElapsedTicks / (double)Stopwatch.Frequency, transport);
        _sizes.Record(sample.Size, transport);
    }

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);
}
