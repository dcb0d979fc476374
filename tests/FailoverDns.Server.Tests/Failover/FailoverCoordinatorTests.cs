using FailoverDns.Configuration;
using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using FailoverDns.Protocol;
using FailoverDns.Server.Failover;
using FailoverDns.Server.Query;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Zones;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;

namespace FailoverDns.Server.Tests.Failover;

/// <summary>Health results in, answers out: the coordinator without sockets, probes or clocks.</summary>
public sealed class FailoverCoordinatorTests
{
    private const string Yaml = """
        listen: [127.0.0.1:0]
        healthChecks:
          - { name: a, type: tcp, target: 127.0.0.1, port: 1, failureThreshold: 1, recoveryThreshold: 1 }
          - { name: b, type: tcp, target: 127.0.0.1, port: 2, failureThreshold: 1, recoveryThreshold: 1 }
        zones:
          - name: example.test
            soa: { email: hostmaster@example.test }
            nameservers: [ns1.example.test.]
            records:
              - { name: ns1, type: A, value: 192.0.2.53 }
              - { name: "@", type: MX, value: "10 mail" }
            failover:
              - name: mail
                type: A
                ttl: 30
                tiers:
                  - { value: 10.0.0.1, healthCheck: a }
                  - { value: 10.0.1.1, healthCheck: b }
                  - { value: 10.0.2.1 }
        """;

    private readonly ZoneStore _zones;
    private readonly HealthPipeline _health;
    private readonly FailoverCoordinator _coordinator;
    private readonly QueryProcessor _processor;

    public FailoverCoordinatorTests()
    {
        var loaded = TestZone.Load(Yaml);
        _zones = new ZoneStore(loaded.Snapshot!);
        var store = new HealthStateStore(loaded.Config!.HealthChecks, TimeProvider.System);
        _coordinator = new FailoverCoordinator(_zones, store, TimeProvider.System, NullLogger<FailoverCoordinator>.Instance);
        _health = new HealthPipeline(store, new LocalVerdictAggregator(), [_coordinator]);
        _coordinator.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _processor = new QueryProcessor(_zones);
    }

    private void Report(string check, bool passed) =>
        _health.Record(check, passed
            ? ProbeResult.Success(TimeSpan.FromMilliseconds(1), DateTimeOffset.UtcNow, "connected")
            : ProbeResult.Failed(ProbeFailure.ConnectionRefused, "connection refused", TimeSpan.FromMilliseconds(1), DateTimeOffset.UtcNow));

    private string[] Answer(string name, RecordType type, bool additional = false)
    {
        var buffer = new byte[QueryProcessor.MaxUdpResponse];
        var length = _processor.Process(Queries.Build(name, type, ednsPayload: 1232), buffer, overTcp: false);
        DnsMessage.TryParse(buffer.AsSpan(0, length), out var reply).Should().BeTrue();
        return [.. (additional ? reply!.Additionals : reply!.Answers).Select(r => r.ToString())];
    }

    private List<FailoverEvent> Reload(string from, string to)
    {
        var events = new List<FailoverEvent>();
        _coordinator.Notified += events.Add;
        _coordinator.Reload(TestZone.Load(Yaml.Replace(from, to, StringComparison.Ordinal)).Snapshot!);
        _coordinator.Notified -= events.Add;
        return events;
    }

    [Fact]
    public void Reload_TheServedTierRemoved_SwitchesAndNamesWhatWasServed()
    {
        Report("a", passed: false);
        Report("b", passed: false);

        var events = Reload("{ value: 10.0.1.1, healthCheck: b }\n          - { value: 10.0.2.1 }", "{ value: 10.0.1.1 }");

        Answer("mail.example.test", RecordType.A).Should().Equal("mail.example.test. 30 IN A 10.0.1.1");
        events.Should().ContainSingle().Which.RecordSets.Should().ContainSingle().Which.Should().Be(
            new RecordSetChange("mail.example.test.", "A", "secondary [10.0.1.1]", 1, "tier 3 [10.0.2.1]", 2));
    }

    [Fact]
    public void Reload_OnlyThePolicyChanged_IsNoSwitch()
    {
        Report("a", passed: false);

        var events = Reload("        ttl: 30\n", "        ttl: 30\n        whenAllUnhealthy: servfail\n");

        events.Should().BeEmpty("the set still serves its secondary");
        Answer("mail.example.test", RecordType.A).Should().Equal("mail.example.test. 30 IN A 10.0.1.1");
    }

    [Fact]
    public void Apply_TiersFailOneByOne_ServesFirstHealthyTier()
    {
        Answer("mail.example.test", RecordType.A).Should().Equal("mail.example.test. 30 IN A 10.0.0.1");

        Report("a", passed: false);
        Answer("mail.example.test", RecordType.A).Should().Equal("mail.example.test. 30 IN A 10.0.1.1");

        Report("b", passed: false);
        Answer("mail.example.test", RecordType.A).Should().Equal("mail.example.test. 30 IN A 10.0.2.1");

        Report("a", passed: true);
        Answer("mail.example.test", RecordType.A).Should().Equal("mail.example.test. 30 IN A 10.0.0.1");
    }

    [Fact]
    public void Apply_Switch_ReachesAdditionalSectionToo()
    {
        Report("a", passed: false);

        Answer("example.test", RecordType.MX, additional: true).Should().Equal("mail.example.test. 30 IN A 10.0.1.1");
    }

    [Fact]
    public void Apply_Switch_PublishesNewSnapshotAndLeavesOldOneUntouched()
    {
        var before = _zones.Current;
        var set = before.FailoverSets.Single();

        Report("a", passed: false);

        _zones.Current.Should().NotBeSameAs(before);
        before.ActiveAnswer(set).Should().BeSameAs(set.Tiers[0], "a published snapshot never changes");
        _zones.Current.ActiveAnswer(set).Should().BeSameAs(set.Tiers[1]);
        _coordinator.DecisionFor(set).Tier.Should().Be(1);
    }

    [Fact]
    public void Apply_NoChange_DoesNotPublish()
    {
        var before = _zones.Current;

        Report("a", passed: true);
        Report("b", passed: true);

        _zones.Current.Should().BeSameAs(before);
    }

    private static ProbeResult Result(bool passed) => passed
        ? ProbeResult.Success(TimeSpan.FromMilliseconds(1), DateTimeOffset.UtcNow, "connected")
        : ProbeResult.Failed(ProbeFailure.ConnectionRefused, "connection refused", TimeSpan.FromMilliseconds(1), DateTimeOffset.UtcNow);

    /// <summary>A coordinator of its own on <paramref name="yaml"/>, with its log lines and events kept.</summary>
    private static (HealthPipeline Health, CapturingLogger<FailoverCoordinator> Log, List<FailoverEvent> Events) Start(string yaml, IEnumerable<SavedCheckState>? saved = null)
    {
        var loaded = TestZone.Load(yaml);
        var store = new HealthStateStore(loaded.Config!.HealthChecks, TimeProvider.System, saved: saved);
        var log = new CapturingLogger<FailoverCoordinator>();
        var coordinator = new FailoverCoordinator(new ZoneStore(loaded.Snapshot!), store, TimeProvider.System, log);
        var events = new List<FailoverEvent>();
        coordinator.Notified += events.Add;
        coordinator.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return (new HealthPipeline(store, new LocalVerdictAggregator(), [coordinator]), log, events);
    }

    [Fact]
    public void Apply_LastTierServedThroughAllUnhealthyAndBack_NoSwitchWhenTheAnswerStays()
    {
        var (health, log, events) = Start(Yaml.Replace("        ttl: 30\n", "        ttl: 30\n        whenAllUnhealthy: last\n", StringComparison.Ordinal)
            .Replace("\n          - { value: 10.0.2.1 }", "", StringComparison.Ordinal));
        health.Record("a", Result(passed: false));
        health.Record("b", Result(passed: false));
        var switchesBefore = events.Count(e => e.Kind is AlertEventKind.Failover or AlertEventKind.Failback or AlertEventKind.AllUnhealthy);

        health.Record("b", Result(passed: true));

        switchesBefore.Should().Be(2, "a failover to the secondary, then all unhealthy (still the secondary)");
        events.Should().NotContain(e => e.Kind == AlertEventKind.Failover && e.Check == "b", "the secondary was served all along");
        events.Where(e => e.Kind is AlertEventKind.Failover or AlertEventKind.Failback or AlertEventKind.AllUnhealthy).Should().HaveCount(2);
        events.Should().Contain(e => e.Kind == AlertEventKind.Recovered && e.Check == "b");
        log.Lines.Select(l => l.Message).Should().NotContain(m => m.Contains("instead of secondary [10.0.1.1]", StringComparison.Ordinal));
        log.Lines.Select(l => l.Message).Should().ContainSingle(m => m.StartsWith("All tiers of mail.example.test. A are unhealthy", StringComparison.Ordinal))
            .Which.Should().EndWith("; serving secondary [10.0.1.1]");
    }

    [Fact]
    public void Apply_PrimaryPolicyServedThroughAllUnhealthyAndBack_NoFailback()
    {
        var (health, log, events) = Start(Yaml.Replace("\n          - { value: 10.0.2.1 }", "", StringComparison.Ordinal));
        health.Record("a", Result(passed: false));
        health.Record("b", Result(passed: false));

        health.Record("a", Result(passed: true));

        events.Select(e => e.Kind).Should().Equal(
            AlertEventKind.Unhealthy, AlertEventKind.Failover, AlertEventKind.Unhealthy, AlertEventKind.AllUnhealthy, AlertEventKind.Recovered);
        log.Lines.Select(l => l.Message).Should().NotContain(m => m.StartsWith("Failback", StringComparison.Ordinal));
    }

    [Fact]
    public void Apply_CalculatedTierPassedOver_SwitchNamesItsUnhealthyChildren()
    {
        var (health, log, _) = Start(Yaml
            .Replace("  - { name: b,", "  - { name: db, type: tcp, target: 127.0.0.1, port: 3, failureThreshold: 1, recoveryThreshold: 1 }\n  - { name: a-and-db, type: calculated, checks: [a, db], require: all }\n  - { name: b,", StringComparison.Ordinal)
            .Replace("{ value: 10.0.0.1, healthCheck: a }", "{ value: 10.0.0.1, healthCheck: a-and-db }", StringComparison.Ordinal));
        health.Record("a", Result(passed: false));
        health.Record("db", Result(passed: false));

        health.Record("b", Result(passed: false));

        var failovers = log.Lines.Select(l => l.Message).Where(m => m.StartsWith("Failover", StringComparison.Ordinal)).ToList();
        failovers.Should().HaveCount(2);
        failovers[0].Should().EndWith("because primary check a-and-db unhealthy (0 of 2 checks healthy, 2 required; unhealthy: a; no verdict yet, counted as healthy: db)");
        failovers[1].Should().EndWith("because primary check a-and-db unhealthy (0 of 2 checks healthy, 2 required; unhealthy: a, db); tier 2 check b unhealthy (connection refused)");
    }

    [Fact]
    public void Start_PrimaryUnhealthyFromTheStateFile_SwitchSaysSoInsteadOfNoResult()
    {
        var definition = TestZone.Load(Yaml).Config!.HealthChecks.Single(c => c.Name == "a");
        var since = new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.Zero);

        var (_, log, _) = Start(Yaml, [new SavedCheckState("a", definition.Judgement, HealthStatus.Unhealthy, since)]);

        log.Lines.Select(l => l.Message).Should().ContainSingle(m => m.StartsWith("Failover", StringComparison.Ordinal))
            .Which.Should().EndWith("because primary check a unhealthy (no probe result here yet; unhealthy since 2026-12-01 08:30:00Z)");
    }
}
