using FailoverDns.Protocol;
using FailoverDns.Server.Query;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;

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
    public void Process_SteadyState_AllocatesNothing(string name, RecordType type)
    {
        var processor = new QueryProcessor(TestZone.Store());
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
