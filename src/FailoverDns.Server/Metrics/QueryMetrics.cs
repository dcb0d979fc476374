using System.Diagnostics;
using System.Diagnostics.Metrics;
using FailoverDns.Protocol;

namespace FailoverDns.Server.Metrics;

/// <summary>
/// The query path's metrics: <see cref="QueryCounters"/> counted per thread, published on the meter
/// as observable instruments that sum them when collected. With nobody listening (the admin API
/// off), recording is skipped after one branch.
/// </summary>
public sealed class QueryMetrics
{
    private readonly QueryCounters _counters = new();
    private readonly ObservableCounter<long> _queries;

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
            () => _counters.Truncated().Select((count, t) => new Measurement<long>(count, Tag("transport", QueryCounters.Transports[t]))),
            "{response}",
            "Responses sent with TC set (too large for UDP; the resolver retries over TCP)");
        _ = new ObservableHistogram(
            meter,
            "failoverdns.dns.response.size",
            "By",
            "Size of the DNS responses sent",
            QueryCounters.SizeBounds,
            () => _counters.Sizes().Select(s => new HistogramPoint([Tag("transport", s.Transport)], s.Counts, s.Sum)));
        _ = new ObservableHistogram(
            meter,
            "failoverdns.dns.query.duration",
            "s",
            $"Time from a query's bytes to its reply's bytes (parse, lookup, encode; not the network), measured on one query in {DurationSampling}",
            QueryCounters.DurationBounds,
            () => _counters.Durations().Select(d => new HistogramPoint([Tag("transport", d.Transport)], d.Counts, d.Sum)));
    }

    /// <summary>One query in this many is timed: two clock reads cost about as much as the rest of the metrics.</summary>
    public const int DurationSampling = 16;

    private const long NotCollected = 0;
    private const long CountedNotTimed = -1;

    [ThreadStatic]
    private static int _queriesOnThread;

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
        if (started != NotCollected)
        {
            _counters.Record(overTcp, type, (int)rcode, size, truncated, started > 0 ? Stopwatch.GetTimestamp() - started : -1);
        }
    }

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);
}
