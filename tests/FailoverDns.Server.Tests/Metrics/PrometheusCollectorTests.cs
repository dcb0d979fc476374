using System.Diagnostics.Metrics;
using FailoverDns.Server.Metrics;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;

namespace FailoverDns.Server.Tests.Metrics;

/// <summary>The collector on its own: names, label escaping, sums across threads, and one host's meters only.</summary>
public sealed class PrometheusCollectorTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void Scrape_Counter_NamedWithTotalAndHelp()
    {
        using var collector = new PrometheusCollector(Meters);
        var counter = Meters.Create(MeterNames.FailoverDns).CreateCounter<long>("failoverdns.test.things", "{thing}", "Things seen");

        counter.Add(2, new KeyValuePair<string, object?>("kind", "a"));
        counter.Add(3, new KeyValuePair<string, object?>("kind", "a"));
        counter.Add(1, new KeyValuePair<string, object?>("kind", "b"));

        collector.Scrape().Should().Be("""
            # HELP failoverdns_test_things_total Things seen
            # TYPE failoverdns_test_things_total counter
            failoverdns_test_things_total{kind="a"} 5
            failoverdns_test_things_total{kind="b"} 1

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Scrape_LabelValueWithQuotesBackslashAndNewline_Escaped()
    {
        using var collector = new PrometheusCollector(Meters);
        var counter = Meters.Create(MeterNames.FailoverDns).CreateCounter<long>("failoverdns.test.escapes");

        counter.Add(1, new KeyValuePair<string, object?>("record", "a\"b\\c\nd"));

        collector.Scrape().Should().Contain("failoverdns_test_escapes_total{record=\"a\\\"b\\\\c\\nd\"} 1\n");
        PrometheusScrape.Parse(collector.Scrape()).Matching("failoverdns_test_escapes_total").Single().Labels["record"].Should().Be("a\"b\\c\nd");
    }

    [Fact]
    public async Task Scrape_ManyThreadsCounting_CountsEveryMeasurement()
    {
        using var collector = new PrometheusCollector(Meters);
        var counter = Meters.Create(MeterNames.FailoverDns).CreateCounter<long>("failoverdns.test.parallel");
        var histogram = Meters.Create(MeterNames.FailoverDns).CreateHistogram<double>("failoverdns.test.latency", "s", null, null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5] });

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Factory.StartNew(
            () =>
            {
                for (var i = 0; i < 10_000; i++)
                {
                    counter.Add(1, new KeyValuePair<string, object?>("transport", "udp"));
                    histogram.Record(i % 2 == 0 ? 0.25 : 1.0);
                }
            },
            TaskCreationOptions.LongRunning)));

        var scrape = PrometheusScrape.Parse(collector.Scrape());
        scrape.Sum("failoverdns_test_parallel_total", ("transport", "udp")).Should().Be(80_000);
        scrape.Sum("failoverdns_test_latency_seconds_bucket", ("le", "0.5")).Should().Be(40_000);
        scrape.Sum("failoverdns_test_latency_seconds_bucket", ("le", "+Inf")).Should().Be(80_000);
        scrape.Sum("failoverdns_test_latency_seconds_sum").Should().Be(50_000);
    }

    [Fact]
    public void Scrape_ObservableGauge_ReadAtEachScrapeAndSeriesCanDisappear()
    {
        using var collector = new PrometheusCollector(Meters);
        var checks = new List<string> { "a", "b" };
        Meters.Create(MeterNames.FailoverDns).CreateObservableGauge("failoverdns.test.up", () => checks.Select(c => new Measurement<int>(1, new KeyValuePair<string, object?>("check", c))));

        PrometheusScrape.Parse(collector.Scrape()).Matching("failoverdns_test_up").Should().HaveCount(2);
        checks.Remove("b");

        PrometheusScrape.Parse(collector.Scrape()).Matching("failoverdns_test_up").Should().ContainSingle().Which.Labels["check"].Should().Be("a");
    }

    [Fact]
    public void QueryMetrics_EveryQueryCountedOneIn16Timed()
    {
        using var collector = new PrometheusCollector(Meters);
        var metrics = new QueryMetrics(Meters);

        for (var i = 0; i < 160; i++)
        {
            metrics.Record(overTcp: false, FailoverDns.Protocol.RecordType.A, FailoverDns.Protocol.ResponseCode.NoError, 50, truncated: false, metrics.Start());
        }

        var scrape = PrometheusScrape.Parse(collector.Scrape());
        scrape.Sum("failoverdns_dns_queries_total", ("transport", "udp"), ("type", "A"), ("rcode", "NOERROR")).Should().Be(160);
        scrape.Sum("failoverdns_dns_response_size_bytes_count", ("transport", "udp")).Should().Be(160);
        scrape.Sum("failoverdns_dns_query_duration_seconds_count", ("transport", "udp")).Should().Be(160 / QueryMetrics.DurationSampling);
        scrape.Sum("failoverdns_dns_query_duration_seconds_sum", ("transport", "udp")).Should().BeGreaterThan(0);
    }

    [Fact]
    public void Scrape_AnotherFactorysMeter_NotCollected()
    {
        using var collector = new PrometheusCollector(Meters);
        using var other = new ServiceCollection().AddMetrics().BuildServiceProvider();
        other.GetRequiredService<IMeterFactory>().Create(MeterNames.FailoverDns).CreateCounter<long>("failoverdns.test.elsewhere").Add(1);

        collector.Scrape().Should().NotContain("elsewhere", "another host in the same process keeps its own metrics");
    }
}
