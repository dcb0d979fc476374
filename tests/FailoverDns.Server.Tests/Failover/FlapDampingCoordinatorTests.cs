using FailoverDns.Health.Policy;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using FailoverDns.Protocol;
using FailoverDns.Server.Failover;
using FailoverDns.Server.Query;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Zones;
using FluentAssertions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FailoverDns.Server.Tests.Failover;

/// <summary>A flapping primary as the coordinator sees it: held on the secondary, with one line when damping starts and one when it ends.</summary>
public sealed class FlapDampingCoordinatorTests
{
    private const string Yaml = """
        listen: [127.0.0.1:0]
        healthChecks:
          - { name: a, type: tcp, target: 127.0.0.1, port: 1, failureThreshold: 1, recoveryThreshold: 1 }
        zones:
          - name: example.test
            soa: { email: hostmaster@example.test }
            nameservers: [ns1.example.test.]
            records:
              - { name: ns1, type: A, value: 192.0.2.53 }
            failover:
              - name: www
                type: A
                ttl: 30
                primary: { value: 10.0.0.1, healthCheck: a }
                secondary: { value: 10.0.1.1 }
        """;

    private const string Primary = "www.example.test. 30 IN A 10.0.0.1";
    private const string Secondary = "www.example.test. 30 IN A 10.0.1.1";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly CapturingLogger<FailoverCoordinator> _log = new();
    private readonly HealthPipeline _health;
    private readonly QueryProcessor _processor;

    public FlapDampingCoordinatorTests()
    {
        var loaded = TestZone.Load(Yaml);
        var zones = new ZoneStore(loaded.Snapshot!);
        var store = new HealthStateStore(loaded.Config!.HealthChecks, _clock, flapDamping: new FlapDampingOptions { MaxChanges = 2, Window = TimeSpan.FromMinutes(10), HoldFor = TimeSpan.FromMinutes(1) });
        var coordinator = new FailoverCoordinator(zones, store, _clock, _log);
        _health = new HealthPipeline(store, new LocalVerdictAggregator(), [coordinator]);
        coordinator.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _processor = new QueryProcessor(zones);
    }

    [Fact]
    public void Record_PrimaryFlaps_HeldOnSecondaryWithOneWarning()
    {
        Report(true, false, true);
        Answer().Should().Equal(new[] { Primary }, "two changes are within the limit");

        Report(false, true, false, true);

        Answer().Should().Equal(Secondary);
        _log.Lines.Where(l => l.Message.StartsWith("Health check a ", StringComparison.Ordinal)).Should().Equal(
            (LogLevel.Information, "Health check a is healthy: connected, 1 passed in a row"),
            (LogLevel.Warning, "Health check a is unhealthy: connection refused, 1 failed in a row"),
            (LogLevel.Information, "Health check a recovered: connected, 1 passed in a row"),
            (LogLevel.Warning, "Health check a is flapping: 3 changes within 10m; held unhealthy until stable for 1m"),
            (LogLevel.Warning, "Health check a is unhealthy: connection refused, 1 failed in a row; flapping: 3 changes within 10m; held unhealthy until stable for 1m"));
    }

    [Fact]
    public void Record_StableAfterFlapping_ReleasedWithOneInformationLineAndFailsBack()
    {
        Report(true, false, true, false);
        Answer().Should().Equal(Secondary);

        // Healthy from here on: 1m after that change it is released, and the primary is served again.
        Report(true, true, true, true, true, true);
        Answer().Should().Equal(new[] { Secondary }, "50s after the last change");
        Report(true);

        Answer().Should().Equal(Primary);
        _log.Lines.Should().ContainSingle(l => l.Level == LogLevel.Information && l.Message == "Health check a is stable for 1m after flapping; no longer held unhealthy");
        _log.Lines.Should().Contain((LogLevel.Information, "Health check a recovered: connected, 7 passed in a row; stable for 1m after flapping; no longer held unhealthy"));
    }

    /// <summary>One probe result of check 'a' per value, 10s apart.</summary>
    private void Report(params bool[] results)
    {
        foreach (var passed in results)
        {
            _clock.Advance(TimeSpan.FromSeconds(10));
            _health.Record("a", passed
                ? ProbeResult.Success(TimeSpan.FromMilliseconds(1), _clock.GetUtcNow(), "connected")
                : ProbeResult.Failed(ProbeFailure.ConnectionRefused, "connection refused", TimeSpan.FromMilliseconds(1), _clock.GetUtcNow()));
        }
    }

    private string[] Answer()
    {
        var buffer = new byte[QueryProcessor.MaxUdpResponse];
        var length = _processor.Process(Queries.Build("www.example.test", RecordType.A, ednsPayload: 1232), buffer, overTcp: false);
        DnsMessage.TryParse(buffer.AsSpan(0, length), out var reply).Should().BeTrue();
        return [.. reply!.Answers.Select(r => r.ToString())];
    }
}
