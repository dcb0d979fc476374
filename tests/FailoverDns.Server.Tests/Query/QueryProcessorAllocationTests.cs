using FailoverDns.Protocol;
using System.Diagnostics.Metrics;
using FailoverDns.Server.Metrics;
using FailoverDns.Server.Query;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;

namespace FailoverDns.Server.Tests.Query;

public sealed class QueryProcessorAllocationTests
{
    public static TheoryData<string, RecordType> Questions => new()
    {
        { "www.example.test", RecordType.A },
        { "WWW.example.test", RecordType.AAAA },
        { "nothere.example.test", RecordType.A },
        { "www.example.test", RecordType.MX },
        { "chain.example.test", RecordType.A },
        { "loop1.example.test", RecordType.A },
        { "x.wild.example.test", RecordType.TXT },
        { "host.sub.example.test", RecordType.A },
        { "example.test", RecordType.MX },
        { "example.test", RecordType.ANY },
        { "big.example.test", RecordType.TXT },
        { "www.example.org", RecordType.A },
    };

    [Theory]
    [MemberData(nameof(Questions))]
    public void Process_SteadyState_AllocatesNothing(string name, RecordType type) => AssertAllocatesNothing(new QueryProcessor(TestZone.Store()), name, type);

    [Theory]
    [MemberData(nameof(Questions))]
    public void Process_MetricsCollected_AllocatesNothingEither(string name, RecordType type)
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var collector = new PrometheusCollector(meters);

        AssertAllocatesNothing(new QueryProcessor(TestZone.Store(), new QueryMetrics(meters)), name, type);

        collector.Scrape().Should().Contain("failoverdns_dns_queries_total{", "the queries were counted");
    }

    /// <summary>
    /// Runs every question through both kinds of processor for a second, once per test run, so that
    /// optimised code is in place: its first run may initialise static tables (a one-time cost of
    /// start-up that must not land inside a measurement).
    /// </summary>
    private static readonly Lazy<bool> WarmedUp = new(() =>
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var collector = new PrometheusCollector(meters);
        QueryProcessor[] processors = [new(TestZone.Store()), new(TestZone.Store(), new QueryMetrics(meters))];
        var queries = Questions.Select(q => Queries.Build((string)q[0], (RecordType)q[1], ednsPayload: 1232)).ToArray();
        var response = new byte[QueryProcessor.MaxUdpResponse];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 10_000_000 && clock.Elapsed < TimeSpan.FromSeconds(1); i++)
        {
            processors[i % 2].Process(queries[i % queries.Length], response, overTcp: false);
        }

        return true;
    });

    private static void AssertAllocatesNothing(QueryProcessor processor, string name, RecordType type)
    {
        _ = WarmedUp.Value;
        var query = Queries.Build(name, type, ednsPayload: 1232);
        var response = new byte[QueryProcessor.MaxUdpResponse];
        for (var i = 0; i < 1000; i++)
        {
            processor.Process(query, response, overTcp: false);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            processor.Process(query, response, overTcp: false);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
    }
}
