using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using FailoverDns.Health.Tests.Probes;
using FailoverDns.Health.Tests.State;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Health.Tests.Monitoring;

/// <summary>A step after the probe that throws: logged at the loop's edge, and probing goes on.</summary>
public sealed class HealthMonitorPipelineTests
{
    private const string WebFailed = "Health check web: handling the result of probe http://127.0.0.1:8080/ failed; probing goes on";
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Deadline = MonitorHarness.Deadline;

    [Fact]
    public async Task ExecuteAsync_NextStepThrows_LoggedOncePerFailureAndLaterResultsArrive()
    {
        await using var harness = new MonitorHarness(0, Check("web", 8080));
        var probe = harness.Factory.For(Endpoint(8080));
        var crash = new InvalidOperationException("coordinator bug");
        harness.Handler.Throws = crash;

        await harness.StartAsync();
        await harness.ParkedAsync();

        Errors(harness).Should().Equal((LogLevel.Error, WebFailed, crash));
        harness.Store.Get("web")!.Status.Should().Be(HealthStatus.Healthy, "the state was applied before the step that threw");
        harness.Handler.Transitions.Should().BeEmpty();

        probe.Behaviour = _ => Task.FromResult(Failed);
        await NextRoundAsync(harness, probe, 2);

        Errors(harness).Should().Equal((LogLevel.Error, WebFailed, crash), (LogLevel.Error, WebFailed, crash));
        harness.Store.Get("web")!.Status.Should().Be(HealthStatus.Unhealthy);

        harness.Handler.Throws = null;
        probe.Behaviour = _ => Task.FromResult(FakeProbe.Pass);
        await NextRoundAsync(harness, probe, 3);

        Errors(harness).Should().HaveCount(2, "a step that works again logs nothing");
        harness.Handler.Transitions.Should().ContainSingle().Which.Should().Match<HealthTransition>(
            t => t.Check == "web" && t.From == HealthStatus.Unhealthy && t.To == HealthStatus.Healthy);
        harness.Handler.Recorded.Select(r => r.Result).Should().Equal(FakeProbe.Pass, Failed, FakeProbe.Pass);
        harness.Store.Get("web")!.Probes.Should().Be(3);
        harness.Monitor.ExecuteTask!.IsCompleted.Should().BeFalse();
    }

    [Fact]
    public async Task ExecuteAsync_StepThrowsForOneCheck_TheOthersOnTheEndpointStillFed()
    {
        var crash = new InvalidOperationException("aggregation bug");
        var aggregator = new ScriptedAggregator(v => v.Check.Name == "web" ? throw crash : [v]);
        await using var harness = new MonitorHarness(aggregator, 0, Check("web", 8080), Check("api", 8080));
        var probe = harness.Factory.For(Endpoint(8080));

        await harness.StartAsync();
        await harness.ParkedAsync();
        await NextRoundAsync(harness, probe, 2);

        Errors(harness).Should().Equal((LogLevel.Error, WebFailed, crash), (LogLevel.Error, WebFailed, crash));
        harness.Handler.Transitions.Should().ContainSingle().Which.Check.Should().Be("api");
        harness.Store.Get("api")!.Probes.Should().Be(2);
        harness.Store.Get("web")!.Probes.Should().Be(2, "the result was recorded before the step that threw");
        harness.Store.Get("web")!.Status.Should().Be(HealthStatus.Unknown);
    }

    private static ProbeResult Failed { get; } = ProbeResult.Failed(ProbeFailure.StatusCode, "HTTP 503", TimeSpan.FromMilliseconds(3), DateTimeOffset.UnixEpoch, 503);

    private static async Task NextRoundAsync(MonitorHarness harness, FakeProbe probe, int round)
    {
        harness.Clock.Advance(Interval);
        await probe.WaitForCallsAsync(round, Deadline);
        await harness.ParkedAsync();
    }

    private static List<(LogLevel Level, string Message, Exception? Exception)> Errors(MonitorHarness harness) =>
        [.. harness.Logger.Entries.Where(e => e.Level >= LogLevel.Warning)];

    private static EndpointCheckOptions Endpoint(int port) => TestProbes.Http(port) with { Interval = Interval };

    private static HealthCheckDefinition Check(string name, int port) =>
        new() { Name = name, Endpoint = Endpoint(port), FailureThreshold = 1, RecoveryThreshold = 1 };
}
