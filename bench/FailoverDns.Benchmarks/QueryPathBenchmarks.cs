using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using FailoverDns.Configuration;
using FailoverDns.Protocol;
using FailoverDns.Server.Metrics;
using FailoverDns.Server.Query;
using FailoverDns.Zones;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FailoverDns.Benchmarks;

/// <summary>
/// Parse → lookup → encode for the common answers, in process (no sockets): the DNS work a query
/// costs on top of the kernel's. Reports time and bytes allocated per query.
/// </summary>
/// <remarks>The metrics' samples are drained between iterations, as in <see cref="MetricsRecordingBenchmarks"/>.</remarks>
[MemoryDiagnoser]
[InvocationCount(MetricsRecordingBenchmarks.Invocations)]
public class QueryPathBenchmarks : IDisposable
{
    private const string Zone = """
        listen: [127.0.0.1:0]
        zones:
          - name: example.test
            ttl: 300
            soa: { email: hostmaster@example.test }
            nameservers: [ns1.example.test., ns2.example.test.]
            records:
              - { name: ns1, type: A, value: 192.0.2.53 }
              - { name: ns2, type: A, value: 192.0.2.54 }
              - { name: www, type: A, value: 192.0.2.1 }
              - { name: ftp, type: CNAME, value: www }
              - { name: blog, type: CNAME, value: ftp }
              - { name: big, type: TXT, values: [BIG] }
        """;

    private readonly byte[] _response = new byte[QueryProcessor.MaxUdpResponse];
    private QueryProcessor _processor = null!;
    private QueryProcessor _metered = null!;
    private QueryProcessor _limited = null!;
    private ResponseRateLimiter _limiter = null!;
    private byte[] _www = [];
    private QueryMetrics _queryMetrics = null!;
    private IHost _metrics = null!;
    private byte[] _aWithEdns = [];
    private byte[] _nxDomain = [];
    private byte[] _cnameChain = [];
    private byte[] _truncated = [];
    private QueryProcessor _signed = null!;
    private byte[] _aWithDo = [];
    private byte[] _nxDomainWithDo = [];

    // A client outside the default whitelist, as the UDP listener passes it.
    private byte[] _peer = [];

    [GlobalSetup]
    public void Setup()
    {
        var big = string.Join(", ", Enumerable.Range(0, 40).Select(i => $"'\"{i:D2}{new string('x', 58)}\"'"));
        var loaded = ConfigLoader.LoadText(Zone.Replace("[BIG]", $"[{big}]", StringComparison.Ordinal), "bench.yaml");
        if (!loaded.Succeeded)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, loaded.Errors));
        }

        _processor = new QueryProcessor(new ZoneStore(loaded.Snapshot!));

        // The same with metrics recorded and read by the OpenTelemetry SDK, as when the admin API (and /metrics) is on.
        _metrics = MetricsHost();
        _queryMetrics = new QueryMetrics(_metrics.Services.GetRequiredService<IMeterFactory>());
        _metered = new QueryProcessor(new ZoneStore(loaded.Snapshot!), _queryMetrics);
        // Response rate limiting on at its defaults, on a clock that moves a second per query: every
        // query is charged to its bucket, refills it and is sent (the path of every real client),
        // where the real clock would see millions a second from one key and drop them.
        _limiter = new ResponseRateLimiter(new RateLimitOptions(), new SecondPerReadClock());
        _limited = new QueryProcessor(new ZoneStore(loaded.Snapshot!), rateLimiter: _limiter);
        _www = DnsName.Parse("www.example.test.")!;
        var peer = new System.Net.IPEndPoint(System.Net.IPAddress.Parse("192.0.2.1"), 4242).Serialize();
        _peer = peer.Buffer[..peer.Size].ToArray();
        _aWithEdns = Query("www.example.test.", RecordType.A, edns: true);
        _nxDomain = Query("nothere.example.test.", RecordType.A, edns: false);
        _cnameChain = Query("blog.example.test.", RecordType.A, edns: true);
        _truncated = Query("big.example.test.", RecordType.TXT, edns: false);

        // The same zone signed (DNSSEC), asked with DO: RRSIGs and NSEC proofs written from the snapshot.
        var key = Protocol.Dnssec.SigningKey.Generate(Protocol.Dnssec.DnssecAlgorithm.EcdsaP256Sha256);
        var definitions = loaded.Config!.Zones.Select(z => z with { Signing = new ZoneSigningOptions([key]) }).ToList();
        _signed = new QueryProcessor(new ZoneStore(ZoneSnapshotBuilder.Build(definitions, [])!));
        _aWithDo = Query("www.example.test.", RecordType.A, edns: true, dnssecOk: true);
        _nxDomainWithDo = Query("nothere.example.test.", RecordType.A, edns: true, dnssecOk: true);
    }

    [Benchmark(Baseline = true)]
    public int AWithEdns() => _processor.Process(_aWithEdns, _response, overTcp: false);

    [Benchmark]
    public int AWithEdnsRateLimitOffWithPeer() => _processor.Process(_aWithEdns, _response, overTcp: false, _peer);

    [Benchmark]
    public int AWithEdnsRateLimited() => _limited.Process(_aWithEdns, _response, overTcp: false, _peer);

    /// <summary>The limiter's own share of <see cref="AWithEdnsRateLimited"/>: prefix, hash, one bucket read and written.</summary>
    [Benchmark]
    public RateLimitVerdict RateLimiterCheck() => _limiter.Check(_peer, ResponseKind.Answer, _www, (ushort)RecordType.A);

    [Benchmark]
    public int AWithEdnsAndMetrics() => _metered.Process(_aWithEdns, _response, overTcp: false);

    [IterationCleanup(Target = nameof(AWithEdnsAndMetrics))]
    public void DrainSamples() => _queryMetrics.DrainSamples();

    [GlobalCleanup]
    public void Dispose()
    {
        Console.WriteLine($"// samples dropped: {_queryMetrics.SamplesDropped}");
        _metrics.StopAsync().GetAwaiter().GetResult();
        _metrics.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public int NxDomainWithSoa() => _processor.Process(_nxDomain, _response, overTcp: false);

    [Benchmark]
    public int CnameChain() => _processor.Process(_cnameChain, _response, overTcp: false);

    [Benchmark]
    public int Truncated() => _processor.Process(_truncated, _response, overTcp: false);

    [Benchmark]
    public int AWithDoSigned() => _signed.Process(_aWithDo, _response, overTcp: false);

    [Benchmark]
    public int NxDomainWithDoSigned() => _signed.Process(_nxDomainWithDo, _response, overTcp: false);

    /// <summary>A host with the server's metrics export (the SDK subscribes when the host starts).</summary>
    internal static IHost MetricsHost()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddMetrics();
        builder.Services.AddMetricsExport(prometheus: true, otlp: false, MetricsExport.CardinalityLimit(0, 0));
        var host = builder.Build();
        host.Start();
        return host;
    }

    private static byte[] Query(string name, RecordType type, bool edns, bool dnssecOk = false) => new DnsMessage(
        new DnsHeader(0x1234, DnsHeader.RecursionDesiredFlag, 1, 0, 0, 0),
        [new DnsQuestion(DnsName.Parse(name)!, type, (ushort)RecordClass.IN)],
        [],
        [],
        [],
        edns ? new Edns(1232, 0, 0, dnssecOk, []) : null).ToArray();

    /// <summary>A clock one second later at every read.</summary>
    private sealed class SecondPerReadClock : TimeProvider
    {
        private long _now;

        public override long TimestampFrequency => 1;

        public override long GetTimestamp() => ++_now;
    }
}
