using System.Diagnostics;
using System.Diagnostics.Metrics;
using FailoverDns.Protocol;

namespace FailoverDns.Server.Metrics;

/// <summary>
/// The query path's instruments. Every tag value is a string made once, here, so recording
/// allocates nothing; with no listener (the admin API off) each call is one branch.
/// </summary>
public sealed class QueryMetrics
{
    private static readonly KeyValuePair<string, object?> Udp = new("transport", "udp");
    private static readonly KeyValuePair<string, object?> Tcp = new("transport", "tcp");
    private static readonly KeyValuePair<string, object?> NoQuestion = new("type", "none");
    private static readonly KeyValuePair<string, object?> OtherType = new("type", "other");
    private static readonly KeyValuePair<string, object?> OtherRcode = new("rcode", "other");

    /// <summary>Query types by number: the ones an authoritative server sees; the rest count as "other" (bounded labels).</summary>
    private static readonly KeyValuePair<string, object?>[] TypeTags = TypeTable(
        (1, "A"), (2, "NS"), (5, "CNAME"), (6, "SOA"), (12, "PTR"), (15, "MX"), (16, "TXT"), (28, "AAAA"), (33, "SRV"),
        (35, "NAPTR"), (43, "DS"), (44, "SSHFP"), (46, "RRSIG"), (48, "DNSKEY"), (52, "TLSA"), (64, "SVCB"), (65, "HTTPS"),
        (99, "SPF"), (251, "IXFR"), (252, "AXFR"), (255, "ANY"), (257, "CAA"));

    /// <summary>The rcodes this server sends (0-5, 16), by value; any other counts as "other".</summary>
    private static readonly KeyValuePair<string, object?>[] RcodeTags =
        [.. Enumerable.Range(0, 17).Select(code => code is <= 5 or 16 ? new KeyValuePair<string, object?>("rcode", RcodeNames.ToText(code)) : OtherRcode)];

    private readonly Counter<long> _queries;
    private readonly Counter<long> _truncated;
    private readonly Histogram<int> _size;
    private readonly Histogram<double> _duration;

    public QueryMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterNames.FailoverDns);
        _queries = meter.CreateCounter<long>("failoverdns.dns.queries", "{query}", "DNS queries answered, by transport, query type and response code");
        _truncated = meter.CreateCounter<long>("failoverdns.dns.responses.truncated", "{response}", "UDP responses sent with TC set (too large; the resolver retries over TCP)");
        _size = meter.CreateHistogram<int>(
            "failoverdns.dns.response.size",
            "By",
            "Size of the DNS responses sent",
            tags: null,
            new InstrumentAdvice<int> { HistogramBucketBoundaries = [64, 128, 256, 512, 1024, 1232, 2048, 4096, 16384, 65535] });
        _duration = meter.CreateHistogram<double>(
            "failoverdns.dns.query.duration",
            "s",
            "Time from a query's bytes to its reply's bytes: parse, lookup and encode, without the network",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.000_000_5, 0.000_001, 0.000_002_5, 0.000_005, 0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.001, 0.01] });
    }

    /// <summary>A timestamp to pass to <see cref="Record"/>, or 0 when nobody measures durations.</summary>
    public long Start() => _duration.Enabled ? Stopwatch.GetTimestamp() : 0;

    public void Record(bool overTcp, RecordType? type, ResponseCode rcode, int size, bool truncated, long started)
    {
        var transport = overTcp ? Tcp : Udp;
        if (_queries.Enabled)
        {
            var typeTag = type is { } t ? (int)t < TypeTags.Length ? TypeTags[(int)t] : OtherType : NoQuestion;
            var rcodeTag = (int)rcode < RcodeTags.Length ? RcodeTags[(int)rcode] : OtherRcode;
            _queries.Add(1, transport, typeTag, rcodeTag);
        }

        _size.Record(size, transport);
        if (truncated)
        {
            _truncated.Add(1, transport);
        }

        if (started != 0)
        {
            _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, transport);
        }
    }

    private static KeyValuePair<string, object?>[] TypeTable(params (int Code, string Name)[] known)
    {
        var table = Enumerable.Repeat(OtherType, known.Max(k => k.Code) + 1).ToArray();
        foreach (var (code, name) in known)
        {
            table[code] = new KeyValuePair<string, object?>("type", name);
        }

        return table;
    }
}
