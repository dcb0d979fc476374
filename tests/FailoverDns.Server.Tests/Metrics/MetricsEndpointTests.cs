using System.Net.Sockets;
using FailoverDns.Protocol;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing.Http;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Metrics;

/// <summary><c>GET /metrics</c> of the real host, scraped and parsed after real traffic and real probes.</summary>
public sealed class MetricsEndpointTests
{
    private static string Config(int backendPort) => TestZone.Text.Replace("listen: [127.0.0.1:0]", $$"""
        listen: [127.0.0.1:0]
        logging: { level: Warning }
        healthChecks:
          - { name: web, type: http, target: 127.0.0.1, port: {{backendPort}}, interval: 200ms, failureThreshold: 1, recoveryThreshold: 1 }
        """, StringComparison.Ordinal) + """

            failover:
              - name: app
                type: A
                ttl: 30
                primary: { value: 10.0.0.1, healthCheck: web }
                secondary: { value: 10.0.1.1 }
        """;

    private static async Task<PrometheusScrape> ScrapeAsync(ServerFixture server)
    {
        using var response = await server.Admin.GetAsync("/metrics");
        response.Content.Headers.ContentType!.ToString().Should().Be("text/plain; version=0.0.4; charset=utf-8");
        return PrometheusScrape.Parse(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_AfterQueries_CountsByTransportTypeAndRcode()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));
        // One client socket: SO_REUSEPORT hashes its address to one listener socket, so one worker
        // thread answers every UDP query here, and its 16th and 32nd (A answers) are timed and sized.
        using var udp = new UdpClient(AddressFamily.InterNetwork);
        for (var i = 0; i < 32; i++)
        {
            (await UdpExchange.TryAsync(udp, server.UdpEndPoint, Queries.Build("www.example.test", RecordType.A, id: (ushort)i), TimeSpan.FromSeconds(2))).Should().NotBeNull();
        }

        for (var i = 0; i < 3; i++)
        {
            (await UdpExchange.TryAsync(udp, server.UdpEndPoint, Queries.Build("nothere.example.test", RecordType.AAAA, id: (ushort)(100 + i)), TimeSpan.FromSeconds(2))).Should().NotBeNull();
        }

        var truncated = await UdpExchange.TryAsync(udp, server.UdpEndPoint, Queries.Build("big.example.test", RecordType.TXT, id: 200), TimeSpan.FromSeconds(2));
        (await UdpExchange.TryAsync(udp, server.UdpEndPoint, Queries.Build("www.elsewhere.test", RecordType.MX, id: 300), TimeSpan.FromSeconds(2))).Should().NotBeNull();
        (await Tool.DigAsync(server.Port, "+tcp", "+norec", "www.example.test", "AAAA")).Should().Contain("status: NOERROR");

        var scrape = await ScrapeAsync(server);

        truncated.Should().NotBeNull();
        scrape.Types["failoverdns_dns_queries_total"].Should().Be("counter");
        scrape.Sum("failoverdns_dns_queries_total", ("transport", "udp"), ("type", "A"), ("rcode", "NOERROR")).Should().Be(32);
        scrape.Sum("failoverdns_dns_queries_total", ("transport", "udp"), ("type", "AAAA"), ("rcode", "NXDOMAIN")).Should().Be(3);
        scrape.Sum("failoverdns_dns_queries_total", ("transport", "udp"), ("type", "TXT"), ("rcode", "NOERROR")).Should().Be(1);
        scrape.Sum("failoverdns_dns_queries_total", ("transport", "udp"), ("type", "MX"), ("rcode", "REFUSED")).Should().Be(1);
        scrape.Sum("failoverdns_dns_queries_total", ("transport", "tcp"), ("type", "AAAA"), ("rcode", "NOERROR")).Should().Be(1);
        scrape.Sum("failoverdns_dns_queries_total").Should().Be(38);
        scrape.Sum("failoverdns_dns_responses_truncated_total", ("transport", "udp")).Should().Be(1);
        scrape.Sum("failoverdns_dns_responses_truncated_total", ("transport", "tcp")).Should().Be(0);

        scrape.Types["failoverdns_dns_response_size_bytes"].Should().Be("histogram");
        scrape.Sum("failoverdns_dns_response_size_bytes_count", ("transport", "udp")).Should().Be(2);
        scrape.Sum("failoverdns_dns_response_size_bytes_bucket", ("transport", "udp"), ("le", "64")).Should().Be(2, "A answers are under 64 bytes");
        scrape.Sum("failoverdns_dns_response_size_bytes_sum", ("transport", "udp")).Should().BeInRange(2 * 12, 2 * 64);
        scrape.Types["failoverdns_dns_query_duration_seconds"].Should().Be("histogram");
        // Exact without waiting: the scrape's collection drains the samples' rings before it reads the histograms.
        scrape.Sum("failoverdns_dns_query_duration_seconds_count", ("transport", "udp")).Should().Be(2);
        scrape.Sum("failoverdns_dns_query_samples_dropped_total").Should().Be(0);
        // The one TCP query was not the 16th on its thread: no TCP series yet.
        scrape.Matching("failoverdns_dns_query_duration_seconds_count", ("transport", "tcp")).Should().BeEmpty();
        AssertHistogramsAreCumulative(scrape, "failoverdns_dns_query_duration_seconds", "failoverdns_dns_response_size_bytes");
    }

    [Fact]
    public async Task Metrics_PrimaryDown_HealthStateTransitionsAndActiveTier()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));
        await Poll.UntilAsync(() => ScrapeAsync(server), s => s.Sum("failoverdns_health_check_status", ("check", "web"), ("status", "healthy")) == 1, "a healthy check");

        await backend.StopAsync();
        var scrape = await Poll.UntilAsync(
            () => ScrapeAsync(server),
            // A probe in flight when the backend stops fails otherwise than "refused"; the ones after it are refused.
            s => s.Sum("failoverdns_failover_active_tier", ("record", "app.example.test.")) == 1 && s.Sum("failoverdns_health_transitions_total", ("check", "web"), ("to", "unhealthy")) == 1
                && s.Sum("failoverdns_health_probes_total", ("check", "web"), ("outcome", "failure"), ("reason", "connection_refused")) >= 1,
            "the secondary tier, after the check's transition, and a refused probe");

        scrape.Sum("failoverdns_health_check_status", ("check", "web"), ("status", "unhealthy")).Should().Be(1);
        scrape.Sum("failoverdns_health_check_status", ("check", "web"), ("status", "healthy")).Should().Be(0);
        scrape.Sum("failoverdns_health_check_status", ("check", "web"), ("status", "unknown")).Should().Be(0);
        scrape.Sum("failoverdns_health_check_overridden", ("check", "web")).Should().Be(0);
        scrape.Sum("failoverdns_health_transitions_total", ("check", "web"), ("to", "healthy")).Should().Be(1);
        scrape.Sum("failoverdns_health_transitions_total", ("check", "web"), ("to", "unhealthy")).Should().Be(1);
        scrape.Sum("failoverdns_health_probes_total", ("check", "web"), ("outcome", "success"), ("reason", "none")).Should().BeGreaterThanOrEqualTo(1);
        scrape.Sum("failoverdns_health_probes_total", ("check", "web"), ("outcome", "failure"), ("reason", "connection_refused")).Should().BeGreaterThanOrEqualTo(1);
        // Every probe is timed; a probe finishing while the scrape is written may show in one family only.
        var probes = scrape.Sum("failoverdns_health_probes_total", ("check", "web"));
        scrape.Sum("failoverdns_health_probe_duration_seconds_count", ("check", "web")).Should().BeInRange(probes - 2, probes);
        scrape.Types["failoverdns_failover_active_tier"].Should().Be("gauge");
        scrape.Matching("failoverdns_failover_active_tier").Should().ContainSingle().Which.Labels.Should().Contain("type", "A");
        AssertHistogramsAreCumulative(scrape, "failoverdns_health_probe_duration_seconds");
    }

    [Fact]
    public async Task Metrics_CheckFlaps_DampedGaugeCounterAndAdminViewShowIt()
    {
        // One change allowed per hour, held for an hour: down then up again is damping, for the rest of the test.
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port).Replace(
            "logging: { level: Warning }", "logging: { level: Warning }\nhealth: { flapDamping: { maxChanges: 1, window: 1h, holdFor: 1h } }", StringComparison.Ordinal));
        // Whatever flickers on a busy machine (a probe's 100ms timeout) only brings damping sooner, and it stays.
        await Poll.UntilAsync(() => ScrapeAsync(server), s => s.Sum("failoverdns_health_check_status", ("check", "web"), ("status", "unknown")) == 0, "a first verdict");

        await backend.StopAsync();
        await Poll.UntilAsync(() => ScrapeAsync(server), s => s.Sum("failoverdns_health_check_status", ("check", "web"), ("status", "unhealthy")) == 1, "an unhealthy check");
        backend.Restart();
        var scrape = await Poll.UntilAsync(() => ScrapeAsync(server), s => s.Sum("failoverdns_health_check_flap_damped_total", ("check", "web")) == 1, "damping to start");

        scrape.Types["failoverdns_health_check_flap_damped_total"].Should().Be("counter");
        scrape.Types["failoverdns_health_check_damped"].Should().Be("gauge");
        scrape.Sum("failoverdns_health_check_damped", ("check", "web")).Should().Be(1);
        scrape.Sum("failoverdns_health_check_status", ("check", "web"), ("status", "unhealthy")).Should().Be(1, "held unhealthy though the backend is up");
        scrape.Sum("failoverdns_failover_active_tier", ("record", "app.example.test.")).Should().Be(1);
        var check = await server.GetJsonAsync("/api/health-checks/web");
        check.GetProperty("flapDamped").GetBoolean().Should().BeTrue();
        check.TryGetProperty("flapDampedSince", out _).Should().BeTrue();
        check.GetProperty("status").GetString().Should().Be("unhealthy");
    }

    [Fact]
    public async Task Metrics_BeforeAnyReload_ReloadCountersAtZero()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));

        var scrape = await ScrapeAsync(server);

        // A server without a config file has no reloader; one started from a file does (ConfigReloadTests).
        // Observable instruments are written from the first scrape; counters once they have counted.
        scrape.Types.Keys.Should().NotContain("failoverdns_config_reloads_total");
        scrape.Types.Keys.Should().Contain("failoverdns_dns_responses_truncated_total");
    }

    private static void AssertHistogramsAreCumulative(PrometheusScrape scrape, params string[] families)
    {
        foreach (var family in families)
        {
            foreach (var group in scrape.Matching(family + "_bucket").GroupBy(b => string.Join(",", b.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}"))))
            {
                var counts = group.Select(b => b.Value).ToList();
                counts.Should().BeInAscendingOrder($"{family} buckets are cumulative");
                group.Last().Labels["le"].Should().Be("+Inf");
                var labels = group.First().Labels.Where(l => l.Key != "le").Select(l => (l.Key, l.Value)).ToArray();
                counts[^1].Should().Be(scrape.Sum(family + "_count", labels));
            }
        }
    }
}
