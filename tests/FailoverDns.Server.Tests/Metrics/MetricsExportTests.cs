using System.Diagnostics.Metrics;
using FailoverDns.Protocol;
using FailoverDns.Server.Metrics;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;

namespace FailoverDns.Server.Tests.Metrics;

/// <summary>The export on its own, scraped over HTTP: names, label escaping, sums across threads, and one host's meters only.</summary>
public sealed class MetricsExportTests
{
    [Fact]
    public async Task Scrape_Counter_NamedWithTotalAndHelp()
    {
        await using var host = await MetricsHost.StartAsync();
        var counter = host.Meters.Create(MeterNames.FailoverDns).CreateCounter<long>("failoverdns.test.things", "{thing}", "Things seen");

        counter.Add(2, new KeyValuePair<string, object?>("kind", "a"));
        counter.Add(3, new KeyValuePair<string, object?>("kind", "a"));
        counter.Add(1, new KeyValuePair<string, object?>("kind", "b"));

        (await host.ScrapeTextAsync()).Should().Be("""
            # TYPE failoverdns_test_things_total counter
            # HELP failoverdns_test_things_total Things seen
            failoverdns_test_things_total{kind="a"} 5
            failoverdns_test_things_total{kind="b"} 1

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scrape_LabelValueWithQuotesBackslashAndNewline_Escaped()
    {
        await using var host = await MetricsHost.StartAsync();
        var counter = host.Meters.Create(MeterNames.FailoverDns).CreateCounter<long>("failoverdns.test.escapes");

        counter.Add(1, new KeyValuePair<string, object?>("record", "a\"b\\c\nd"));

        var text = await host.ScrapeTextAsync();
        text.Should().Contain("failoverdns_test_escapes_total{record=\"a\\\"b\\\\c\\nd\"} 1");
        PrometheusScrape.Parse(text).Matching("failoverdns_test_escapes_total").Single().Labels["record"].Should().Be("a\"b\\c\nd");
    }

    [Fact]
    public async Task Scrape_ManyThreadsCounting_CountsEveryMeasurement()
    {
        await using var host = await MetricsHost.StartAsync();
        var counter = host.Meters.Create(MeterNames.FailoverDns).CreateCounter<long>("failoverdns.test.parallel");
        var histogram = host.Meters.Create(MeterNames.FailoverDns).CreateHistogram<double>("failoverdns.test.latency", "s", null, null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5] });

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

        var scrape = await host.ScrapeAsync();
        scrape.Sum("failoverdns_test_parallel_total", ("transport", "udp")).Should().Be(80_000);
        scrape.Sum("failoverdns_test_latency_seconds_bucket", ("le", "0.5")).Should().Be(40_000);
        scrape.Sum("failoverdns_test_latency_seconds_bucket", ("le", "+Inf")).Should().Be(80_000);
        scrape.Sum("failoverdns_test_latency_seconds_sum").Should().Be(50_000);
    }

    [Fact]
    public async Task Scrape_ObservableGauge_ReadAtEachScrapeAndSeriesCanDisappear()
    {
        await using var host = await MetricsHost.StartAsync();
        var checks = new List<string> { "a", "b" };
        host.Meters.Create(MeterNames.FailoverDns).CreateObservableGauge("failoverdns.test.up", () => checks.Select(c => new Measurement<int>(1, new KeyValuePair<string, object?>("check", c))));

        (await host.ScrapeAsync()).Matching("failoverdns_test_up").Should().HaveCount(2);
        checks.Remove("b");

        (await host.ScrapeAsync()).Matching("failoverdns_test_up").Should().ContainSingle().Which.Labels["check"].Should().Be("a");
    }

    [Fact]
    public async Task QueryMetrics_EveryQueryCountedOneIn16TimedAndSized()
    {
        await using var host = await MetricsHost.StartAsync();
        var metrics = new QueryMetrics(host.Meters);

        // A thread of its own: the 1-in-16 count is per thread, and a pool thread may have counted before.
        await Task.Factory.StartNew(
            () =>
            {
                for (var i = 0; i < 160; i++)
                {
                    metrics.Record(overTcp: false, RecordType.A, ResponseCode.NoError, 50, truncated: false, metrics.Start());
                }
            },
            TaskCreationOptions.LongRunning);

        // No drain timer in this host: the samples reach the histograms at the scrape's collection, which drains first.
        var scrape = await host.ScrapeAsync();
        scrape.Types["failoverdns_dns_queries_total"].Should().Be("counter");
        scrape.Types["failoverdns_dns_response_size_bytes"].Should().Be("histogram");
        scrape.Types["failoverdns_dns_query_duration_seconds"].Should().Be("histogram");
        scrape.Sum("failoverdns_dns_queries_total", ("transport", "udp"), ("type", "A"), ("rcode", "NOERROR")).Should().Be(160);
        scrape.Sum("failoverdns_dns_response_size_bytes_count", ("transport", "udp")).Should().Be(160 / QueryMetrics.DurationSampling);
        scrape.Sum("failoverdns_dns_response_size_bytes_bucket", ("transport", "udp"), ("le", "64")).Should().Be(160 / QueryMetrics.DurationSampling);
        scrape.Sum("failoverdns_dns_response_size_bytes_sum", ("transport", "udp")).Should().Be(160 / QueryMetrics.DurationSampling * 50);
        scrape.Sum("failoverdns_dns_query_duration_seconds_count", ("transport", "udp")).Should().Be(160 / QueryMetrics.DurationSampling);
        scrape.Sum("failoverdns_dns_query_duration_seconds_sum", ("transport", "udp")).Should().BeGreaterThan(0);
        scrape.Sum("failoverdns_dns_query_samples_dropped_total").Should().Be(0);
    }

    [Fact]
    public async Task QueryMetrics_MoreSamplesThanTheRingHoldsBeforeACollection_ExtraOnesDroppedAndCounted()
    {
        await using var host = await MetricsHost.StartAsync();
        var metrics = new QueryMetrics(host.Meters);
        const int Timed = QuerySampleRing.DefaultCapacity + 100;

        // One thread, and no drain timer in this host: its ring fills, and the rest is dropped until the scrape drains it.
        await Task.Factory.StartNew(
            () =>
            {
                for (var i = 0; i < Timed * QueryMetrics.DurationSampling; i++)
                {
                    metrics.Record(overTcp: true, RecordType.A, ResponseCode.NoError, 50, truncated: false, metrics.Start());
                }
            },
            TaskCreationOptions.LongRunning);

        var scrape = await host.ScrapeAsync();
        scrape.Types["failoverdns_dns_query_samples_dropped_total"].Should().Be("counter");
        scrape.Sum("failoverdns_dns_queries_total", ("transport", "tcp")).Should().Be(Timed * QueryMetrics.DurationSampling, "counts are never dropped");
        scrape.Sum("failoverdns_dns_response_size_bytes_count", ("transport", "tcp")).Should().Be(QuerySampleRing.DefaultCapacity);
        scrape.Sum("failoverdns_dns_query_duration_seconds_count", ("transport", "tcp")).Should().Be(QuerySampleRing.DefaultCapacity);
        scrape.Sum("failoverdns_dns_query_samples_dropped_total").Should().Be(100);
    }

    [Fact]
    public async Task Scrape_AnotherFactorysMeter_NotCollected()
    {
        await using var host = await MetricsHost.StartAsync();
        host.Meters.Create(MeterNames.FailoverDns).CreateCounter<long>("failoverdns.test.here").Add(1);
        using var other = new ServiceCollection().AddMetrics().BuildServiceProvider();
        other.GetRequiredService<IMeterFactory>().Create(MeterNames.FailoverDns).CreateCounter<long>("failoverdns.test.elsewhere").Add(1);

        var text = await host.ScrapeTextAsync();

        PrometheusScrape.Parse(text).Sum("failoverdns_test_here_total").Should().Be(1);
        text.Should().NotContain("elsewhere", "another host in the same process keeps its own metrics");
    }
}
