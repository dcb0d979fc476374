using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using FailoverDns.Protocol;
using FailoverDns.Server.Admin;
using FailoverDns.Server.Failover;
using FailoverDns.Server.Query;
using FailoverDns.Server.Tests.Query;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Zones;
using FluentAssertions;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server.Tests.Failover;

/// <summary>
/// The unsettled TTL (README, TTLs): a failover set's answer is served with its lower TTL while one of
/// its checks is part of the way to a threshold that would change it, and with its TTL again once settled.
/// </summary>
public sealed class UnsettledTtlTests
{
    private const string Yaml = """
        listen: [127.0.0.1:0]
        healthChecks:
          - { name: a, type: tcp, target: 127.0.0.1, port: 1, failureThreshold: 3, recoveryThreshold: 2 }
          - { name: b, type: tcp, target: 127.0.0.1, port: 2, failureThreshold: 3, recoveryThreshold: 2 }
        zones:
          - name: example.test
            soa: { email: hostmaster@example.test }
            nameservers: [ns1.example.test.]
            records:
              - { name: ns1, type: A, value: 192.0.2.53 }
            failover:
              - name: www
                type: A
                ttl: 60
                unsettledTtl: 5
                primary: { value: 10.0.0.1, healthCheck: a }
                secondary: { value: 10.0.1.1, healthCheck: b }
        """;

    private readonly ZoneStore _zones;
    private readonly HealthStateStore _store;
    private readonly HealthPipeline _health;
    private readonly FailoverCoordinator _coordinator;
    private readonly QueryProcessor _processor;
    private readonly CapturingLogger<FailoverCoordinator> _log = new();

    public UnsettledTtlTests()
        : this(Yaml)
    {
    }

    private UnsettledTtlTests(string yaml, FailoverDns.Health.Policy.FlapDampingOptions? flapDamping = null)
    {
        var loaded = TestZone.Load(yaml);
        loaded.Errors.Should().BeEmpty();
        _zones = new ZoneStore(loaded.Snapshot!);
        _store = new HealthStateStore(loaded.Config!.HealthChecks, TimeProvider.System, flapDamping: flapDamping);
        _coordinator = new FailoverCoordinator(_zones, _store, TimeProvider.System, _log);
        _health = new HealthPipeline(_store, new LocalVerdictAggregator(), [_coordinator]);
        _coordinator.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _processor = new QueryProcessor(_zones);
    }

    private void Report(string check, params bool[] passed)
    {
        foreach (var ok in passed)
        {
            _health.Record(check, ok
                ? ProbeResult.Success(TimeSpan.FromMilliseconds(1), DateTimeOffset.UtcNow, "connected")
                : ProbeResult.Failed(ProbeFailure.ConnectionRefused, "connection refused", TimeSpan.FromMilliseconds(1), DateTimeOffset.UtcNow));
        }
    }

    private string Www()
    {
        var buffer = new byte[QueryProcessor.MaxUdpResponse];
        var length = _processor.Process(Queries.Build("www.example.test", RecordType.A, ednsPayload: 1232), buffer, overTcp: false);
        DnsMessage.TryParse(buffer.AsSpan(0, length), out var reply).Should().BeTrue();
        return reply!.Answers.Should().ContainSingle().Subject.ToString();
    }

    [Fact]
    public void Recorded_ServedTiersCheckFailsOnce_ServesTheUnsettledTtl()
    {
        Report("a", true);
        Www().Should().Be("www.example.test. 60 IN A 10.0.0.1");

        Report("a", false);

        Www().Should().Be("www.example.test. 5 IN A 10.0.0.1", "one failure of three: the primary is still served, but may not be for long");
        Report("a", false);
        Www().Should().Be("www.example.test. 5 IN A 10.0.0.1");
    }

    [Fact]
    public void Recorded_PrimaryHeldForFlappingPassesAgain_KeepsTheSecondarysTtl()
    {
        var damping = new FailoverDns.Health.Policy.FlapDampingOptions { MaxChanges = 2, Window = TimeSpan.FromHours(1), HoldFor = TimeSpan.FromHours(1) };
        var flapping = new UnsettledTtlTests(Yaml.Replace("port: 1, failureThreshold: 3", "port: 1, failureThreshold: 1", StringComparison.Ordinal), damping);
        flapping.Report("a", true, false, true, true, false);
        flapping._store.Get("a")!.Flap.Damped.Should().BeTrue("three changes within the hour, more than two");

        flapping.Report("a", true);

        flapping.Www().Should().Be("www.example.test. 60 IN A 10.0.1.1", "a check held for flapping cannot fail back before its hold ends, so nothing is about to change");
    }

    [Fact]
    public void Recorded_ServedTiersCheckPassesAgain_RestoresTheTtl()
    {
        Report("a", false, false);

        Report("a", true);

        Www().Should().Be("www.example.test. 60 IN A 10.0.0.1");
    }

    [Fact]
    public void Transitioned_ThresholdCrossed_ServesTheSecondaryWithItsTtl()
    {
        Report("a", false, false, false);

        Www().Should().Be("www.example.test. 60 IN A 10.0.1.1", "the switch is made and nothing is turning now");
    }

    [Fact]
    public void Recorded_PrimaryRecoveringWhileSecondaryServed_LowersTheSecondarysTtlUntilFailback()
    {
        Report("a", false, false, false);

        Report("a", true);
        Www().Should().Be("www.example.test. 5 IN A 10.0.1.1", "one pass of the two that fail back");

        Report("a", true);
        Www().Should().Be("www.example.test. 60 IN A 10.0.0.1");
    }

    [Fact]
    public void Recorded_CheckOfATierNotServedFails_KeepsTheTtl()
    {
        Report("b", false);

        Www().Should().Be("www.example.test. 60 IN A 10.0.0.1", "the secondary failing changes nothing while the primary is served");
    }

    [Fact]
    public void Recorded_ServedSecondaryFailsWhilePrimaryIsDown_LowersItsTtl()
    {
        Report("a", false, false, false);

        Report("b", false);

        Www().Should().Be("www.example.test. 5 IN A 10.0.1.1", "two more failures of b and every tier is unhealthy: the primary is served (fail open)");
    }

    [Fact]
    public void SetOverride_ForcedHealthyWhileProbesFail_KeepsTheTtl()
    {
        _health.SetOverride("a", new HealthOverride(HealthStatus.Healthy, null, "drill", DateTimeOffset.UtcNow));

        Report("a", false);

        Www().Should().Be("www.example.test. 60 IN A 10.0.0.1", "an override decides, whatever the probes say");
    }

    [Fact]
    public void Reload_WhileUnsettled_KeepsTheUnsettledTtl()
    {
        Report("a", false);

        _coordinator.Reload(TestZone.Load(Yaml.Replace("192.0.2.53", "192.0.2.54", StringComparison.Ordinal)).Snapshot!);

        Www().Should().Be("www.example.test. 5 IN A 10.0.0.1");
        Report("a", true);
        Www().Should().Be("www.example.test. 60 IN A 10.0.0.1");
    }

    [Fact]
    public void Reload_NewUnsettledTtl_IsServedAtOnce()
    {
        Report("a", false);

        _coordinator.Reload(TestZone.Load(Yaml.Replace("unsettledTtl: 5", "unsettledTtl: 2", StringComparison.Ordinal)).Snapshot!);

        Www().Should().Be("www.example.test. 2 IN A 10.0.0.1");
    }

    [Fact]
    public void Recorded_UnsettledTtlEqualToTtl_NeverChangesTheTtl()
    {
        var fixedTtl = new UnsettledTtlTests(Yaml.Replace("unsettledTtl: 5", "unsettledTtl: 60", StringComparison.Ordinal));

        fixedTtl.Report("a", false);

        fixedTtl.Www().Should().Be("www.example.test. 60 IN A 10.0.0.1");
    }

    [Fact]
    public void Recorded_NoUnsettledTtlConfigured_LowersToFiveSeconds()
    {
        var byDefault = new UnsettledTtlTests(Yaml.Replace("                unsettledTtl: 5\n", "", StringComparison.Ordinal));

        byDefault.Report("a", false);

        byDefault.Www().Should().Be("www.example.test. 5 IN A 10.0.0.1");
    }

    [Fact]
    public void Recorded_LoweredAndRestored_LogsEachOnceAtDebug()
    {
        Report("a", false, false);
        Report("a", true);

        var lines = _log.Lines.Where(e => e.Message.StartsWith("TTL of", StringComparison.Ordinal)).ToList();
        lines.Select(e => e.Level).Should().Equal(LogLevel.Debug, LogLevel.Debug);
        lines[0].Message.Should().Be("TTL of www.example.test. A lowered to 5 s (from 60 s) while the answer may change: primary check a failed 1 of the 3 times in a row that make it unhealthy");
        lines[1].Message.Should().Be("TTL of www.example.test. A back to 60 s: the answer is settled");
    }

    [Fact]
    public void View_Unsettled_ShowsTheServedTtlAndWhy()
    {
        var views = new AdminViewFactory(_store, _coordinator, _zones, TimeProvider.System);
        views.RecordSets().Single().ServedTtl.Should().Be(60);
        views.RecordSets().Single().TtlReason.Should().BeNull();

        Report("a", true, false);

        var view = views.RecordSets().Single();
        view.ServedTtl.Should().Be(5);
        view.TtlReason.Should().Be("lowered from 60 s while the answer may change: primary check a failed 1 of the 3 times in a row that make it unhealthy");
        new ExplainService(_zones, views).Explain("www.example.test", "A")!.Reasoning.Should().Equal(
            "www.example.test. is in zone example.test.",
            "failover set www.example.test. A: primary check a is healthy; serving primary [10.0.0.1]; TTL 5 s, lowered from 60 s while the answer may change: primary check a failed 1 of the 3 times in a row that make it unhealthy",
            "answered with 1 A record(s), TTL 5 s");
    }

    [Fact]
    public async Task Metrics_Unsettled_ServedTtlGaugeFollows()
    {
        await using var metrics = await MetricsHost.StartAsync();
        _ = new Server.Metrics.HealthMetrics(metrics.Meters, _store, _coordinator, _zones);
        Report("a", true);
        (await metrics.ScrapeAsync()).Sum("failoverdns_failover_served_ttl_seconds", ("record", "www.example.test.")).Should().Be(60);

        Report("a", false);

        var scrape = await metrics.ScrapeAsync();
        scrape.Types["failoverdns_failover_served_ttl_seconds"].Should().Be("gauge");
        scrape.Sum("failoverdns_failover_served_ttl_seconds", ("record", "www.example.test."), ("type", "A")).Should().Be(5);
    }

    [Fact]
    public void Process_UnsettledAnswerServed_AllocatesNothing()
    {
        Report("a", false);
        Www().Should().StartWith("www.example.test. 5 ");

        QueryProcessorAllocationTests.AssertAllocatesNothing(_processor, "www.example.test", RecordType.A);
    }
}
