using FailoverDns.Health.Checks;
using FailoverDns.Health.Monitoring;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using FailoverDns.Health.Tests.Probes;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Health.Tests.Monitoring;

public sealed class HealthMonitorTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Deadline = MonitorHarness.Deadline;

    [Fact]
    public async Task ExecuteAsync_Start_FirstRoundRunsAtOnce()
    {
        await using var harness = new MonitorHarness(0, Check("web", 8080));
        var probe = harness.Factory.For(Endpoint(8080));

        await harness.StartAsync();
        await harness.ParkedAsync();

        probe.Calls.Should().Be(1);
        harness.Clock.GetUtcNow().Should().Be(MonitorHarness.Start, "the first round does not wait for the clock");
        harness.Store.Get("web")!.LastResult.Should().BeSameAs(FakeProbe.Pass);
        harness.Store.Get("web")!.Status.Should().Be(HealthStatus.Healthy);
        harness.Store.FirstRoundComplete.Should().BeTrue();
        harness.Clock.ArmedDueIn.Should().Equal(Interval);
    }

    [Fact]
    public async Task ExecuteAsync_IntervalElapses_ProbesAgainOnlyThen()
    {
        await using var harness = new MonitorHarness(0, Check("web", 8080));
        var probe = harness.Factory.For(Endpoint(8080));
        await harness.StartAsync();
        await harness.ParkedAsync();

        for (var round = 2; round <= 4; round++)
        {
            harness.Clock.Advance(Interval - TimeSpan.FromMilliseconds(1));
            probe.Calls.Should().Be(round - 1, "the interval has not elapsed yet");
            harness.Clock.ArmedDueIn.Should().Equal(TimeSpan.FromMilliseconds(1));

            harness.Clock.Advance(TimeSpan.FromMilliseconds(1));
            await probe.WaitForCallsAsync(round, Deadline);
            await harness.ParkedAsync();

            probe.Calls.Should().Be(round);
            harness.Clock.ArmedDueIn.Should().Equal(Interval);
        }

        harness.Store.Get("web")!.Probes.Should().Be(4);
    }

    [Fact]
    public async Task ExecuteAsync_Jitter_EachWaitWithinIntervalPlusOrMinusJitter()
    {
        await using var harness = new MonitorHarness(0.2, Check("web", 8080));
        var probe = harness.Factory.For(Endpoint(8080));
        await harness.StartAsync();
        var waits = new List<TimeSpan>();

        for (var round = 2; round <= 30; round++)
        {
            await harness.ParkedAsync();
            var wait = harness.Clock.ArmedDueIn.Should().ContainSingle().Subject;
            wait.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(8)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(12));
            waits.Add(wait);

            harness.Clock.Advance(wait);
            await probe.WaitForCallsAsync(round, Deadline);
        }

        waits.Distinct().Should().HaveCountGreaterThan(1, "the waits are spread, not all equal");
    }

    [Fact]
    public async Task ExecuteAsync_EqualEndpointSettings_ShareOneProbe()
    {
        // Equal settings in distinct instances, the healthy statuses in an equal but separate list.
        var shared = Endpoint(8080) with { HealthyStatuses = [new StatusRange(200, 399)] };
        var result = ProbeResult.Failed(ProbeFailure.StatusCode, "HTTP 503", TimeSpan.FromMilliseconds(2), MonitorHarness.Start, 503);
        await using var harness = new MonitorHarness(
            0,
            Check("a", 8080) with { FailureThreshold = 1 },
            Check("b", 8080) with { Endpoint = shared, FailureThreshold = 1 },
            Check("c", 8081));
        harness.Factory.For(Endpoint(8080)).Behaviour = _ => Task.FromResult(result);

        await harness.StartAsync();
        await harness.ParkedAsync(2);

        harness.Factory.Created.Should().BeEquivalentTo([Endpoint(8080), Endpoint(8081)], "one probe per distinct endpoint, created by loops running in parallel");
        harness.Monitor.Probes.Select(p => (p.Endpoint, string.Join(",", p.Checks))).Should().Equal((Endpoint(8080), "a,b"), (Endpoint(8081), "c"));
        harness.Factory.For(Endpoint(8080)).Calls.Should().Be(1);
        harness.Store.Get("a")!.LastResult.Should().BeSameAs(result);
        harness.Store.Get("b")!.LastResult.Should().BeSameAs(result);
        harness.Store.Get("a")!.Status.Should().Be(HealthStatus.Unhealthy);
        harness.Store.Get("b")!.Status.Should().Be(HealthStatus.Unhealthy);
        harness.Store.Get("c")!.LastResult.Should().BeSameAs(FakeProbe.Pass);
    }

    [Fact]
    public async Task ExecuteAsync_ProbeStillRunningWhenDue_NotDuplicated()
    {
        await using var harness = new MonitorHarness(0, Check("web", 8080));
        var probe = harness.Factory.For(Endpoint(8080));
        var slow = new TaskCompletionSource<ProbeResult>();
        probe.Behaviour = ct => slow.Task.WaitAsync(ct);
        await harness.StartAsync();
        await probe.WaitForCallsAsync(1, Deadline);

        harness.Clock.Advance(Interval);
        harness.Clock.Advance(Interval);
        harness.Clock.Advance(Interval);

        probe.Calls.Should().Be(1, "the loop awaits its probe");
        harness.Clock.ArmedDueIn.Should().BeEmpty();

        probe.Behaviour = _ => Task.FromResult(FakeProbe.Pass);
        slow.SetResult(FakeProbe.Pass);
        await harness.ParkedAsync();

        probe.Calls.Should().Be(2, "an overdue round runs once at once, without catching up the missed ones");
        probe.MaxRunning.Should().Be(1);
        harness.Clock.ArmedDueIn.Should().Equal(Interval);
        harness.Store.Get("web")!.Probes.Should().Be(2);
    }

    [Fact]
    public async Task ExecuteAsync_SlowEndpoint_DoesNotDelayAnother()
    {
        await using var harness = new MonitorHarness(0, Check("slow", 8080), Check("fast", 8081));
        var slow = harness.Factory.For(Endpoint(8080));
        var fast = harness.Factory.For(Endpoint(8081));
        slow.Behaviour = ct => Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => FakeProbe.Pass, CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        await harness.StartAsync();
        await slow.WaitForCallsAsync(1, Deadline);
        await harness.ParkedAsync();

        for (var round = 2; round <= 4; round++)
        {
            harness.Clock.Advance(Interval);
            await fast.WaitForCallsAsync(round, Deadline);
            await harness.ParkedAsync();
        }

        fast.Calls.Should().Be(4);
        slow.Calls.Should().Be(1);
        harness.Store.Get("fast")!.Probes.Should().Be(4);
        harness.Store.Get("slow")!.LastResult.Should().BeNull();
        (await harness.StopAsync()).Should().BeTrue("stopping cancels the slow probe");
    }

    [Fact]
    public async Task ExecuteAsync_DisabledChecks_NotProbed()
    {
        await using var harness = new MonitorHarness(
            0,
            Check("off", 8080) with { Disabled = true },
            Check("on", 8081),
            Check("off-too", 8081) with { Disabled = true },
            new HealthCheckDefinition { Name = "both", Calculated = new CalculatedCheck(["on", "off"], 2) });

        await harness.StartAsync();
        await harness.ParkedAsync();

        harness.Factory.Created.Should().Equal(Endpoint(8081));
        harness.Monitor.Probes.Should().ContainSingle().Which.Checks.Should().Equal("on");
        harness.Factory.For(Endpoint(8080)).Calls.Should().Be(0);
        harness.Store.Get("on")!.Probes.Should().Be(1);
        harness.Store.Get("off")!.Probes.Should().Be(0);
        harness.Store.Get("off-too")!.Probes.Should().Be(0);
        harness.Store.Get("off")!.Status.Should().Be(HealthStatus.Healthy);
    }

    [Fact]
    public async Task ExecuteAsync_ProbeThrows_FailedResultAndLoopContinues()
    {
        await using var harness = new MonitorHarness(0, Check("web", 8080) with { FailureThreshold = 2 });
        var probe = harness.Factory.For(Endpoint(8080));
        var crash = new InvalidOperationException("probe bug");
        probe.Behaviour = _ => throw crash;
        await harness.StartAsync();
        await harness.ParkedAsync();

        var state = harness.Store.Get("web")!;
        state.LastResult!.Succeeded.Should().BeFalse();
        state.LastResult.Failure.Should().Be(ProbeFailure.ConnectionError);
        state.LastResult.Detail.Should().Be("probe bug");
        state.LastResult.CompletedAt.Should().Be(MonitorHarness.Start);
        harness.Logger.Entries.Should().ContainSingle(e => e.Level == LogLevel.Error)
            .Which.Should().Be((LogLevel.Error, "Probe http://127.0.0.1:8080/ threw; counted as a failure", crash));

        // A faulted task instead of a synchronous throw, then a probe that cancels itself (not the monitor).
        probe.Behaviour = _ => Task.FromException<ProbeResult>(new InvalidOperationException("async bug"));
        harness.Clock.Advance(Interval);
        await probe.WaitForCallsAsync(2, Deadline);
        await harness.ParkedAsync();
        harness.Store.Get("web")!.LastResult!.Detail.Should().Be("async bug");
        harness.Store.Get("web")!.Status.Should().Be(HealthStatus.Unhealthy);

        probe.Behaviour = _ => Task.FromCanceled<ProbeResult>(new CancellationToken(canceled: true));
        harness.Clock.Advance(Interval);
        await probe.WaitForCallsAsync(3, Deadline);
        await harness.ParkedAsync();
        harness.Store.Get("web")!.LastResult!.Succeeded.Should().BeFalse();

        probe.Behaviour = _ => Task.FromResult(FakeProbe.Pass);
        harness.Clock.Advance(Interval);
        await probe.WaitForCallsAsync(4, Deadline);
        await harness.ParkedAsync();

        state = harness.Store.Get("web")!;
        state.LastResult.Should().BeSameAs(FakeProbe.Pass);
        state.Probes.Should().Be(4);
        state.Failures.Should().Be(3);
    }

    [Fact]
    public async Task ExecuteAsync_DebugEnabled_LogsEachResult()
    {
        await using var harness = new MonitorHarness(0, Check("web", 8080));
        await harness.StartAsync();
        await harness.ParkedAsync();

        harness.Logger.Entries.Should().Equal((LogLevel.Debug, "Probe http://127.0.0.1:8080/: True (HTTP 200) in 3.0 ms", null));
    }

    [Fact]
    public async Task StopAsync_WhileWaiting_EndsLoopsAndDisposesProbes()
    {
        await using var harness = new MonitorHarness(0, Check("a", 8080), Check("b", 8081));
        await harness.StartAsync();
        await harness.ParkedAsync(2);

        (await harness.StopAsync()).Should().BeTrue();

        harness.Monitor.ExecuteTask!.Status.Should().Be(TaskStatus.RanToCompletion);
        harness.Clock.ArmedDueIn.Should().BeEmpty("the delays were cancelled");
        harness.Factory.For(Endpoint(8080)).Disposed.Should().BeTrue();
        harness.Factory.For(Endpoint(8081)).Disposed.Should().BeTrue();
        harness.Clock.Advance(Interval * 2);
        harness.Factory.For(Endpoint(8080)).Calls.Should().Be(1);
        harness.Factory.For(Endpoint(8081)).Calls.Should().Be(1);
    }

    [Fact]
    public async Task StopAsync_WhileProbing_CancelsTheProbeAndRecordsNothing()
    {
        await using var harness = new MonitorHarness(0, Check("web", 8080));
        var probe = harness.Factory.For(Endpoint(8080));
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        probe.Behaviour = async ct =>
        {
            using var registration = ct.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.Infinite, ct);
            return FakeProbe.Pass;
        };
        await harness.StartAsync();
        await probe.WaitForCallsAsync(1, Deadline);

        (await harness.StopAsync()).Should().BeTrue();

        cancelled.Task.IsCompleted.Should().BeTrue("the probe is handed the stopping token");
        harness.Monitor.ExecuteTask!.Status.Should().Be(TaskStatus.RanToCompletion);
        harness.Store.Get("web")!.LastResult.Should().BeNull();
        probe.Disposed.Should().BeTrue();
    }

    [Fact]
    public async Task ExecuteAsync_FactoryRejectsAnEndpoint_FaultsAtOnceAndDisposesTheOtherProbes()
    {
        await using var harness = new MonitorHarness(0, Check("good", 8080), Check("bad", 8081));
        harness.Factory.Rejects = Endpoint(8081);

        await harness.StartAsync();
        var act = () => harness.Monitor.ExecuteTask!.WaitAsync(Deadline);

        // Not left to surface at shutdown while the check stays unprobed (and served as healthy).
        (await act.Should().ThrowAsync<ArgumentException>()).WithMessage("Cannot form a request to http://127.0.0.1:8081/.*");
        harness.Factory.Created.Should().Equal(Endpoint(8080), Endpoint(8081));
        harness.Factory.For(Endpoint(8080)).Calls.Should().Be(0, "no loop starts before every probe exists");
        harness.Factory.For(Endpoint(8080)).Disposed.Should().BeTrue();
    }

    [Fact]
    public async Task ExecuteAsync_NothingToProbe_IdlesUntilStopped()
    {
        await using var harness = new MonitorHarness(0, Check("off", 8080) with { Disabled = true });

        await harness.StartAsync();

        // ExecuteAsync runs on the thread pool (since .NET 10): give it time to end if it were going to.
        (await Task.WhenAny(harness.Monitor.ExecuteTask!, Task.Delay(300))).Should().NotBeSameAs(harness.Monitor.ExecuteTask, "a reload may add checks");
        (await harness.StopAsync()).Should().BeTrue();
        harness.Factory.Created.Should().BeEmpty();
    }

    [Fact]
    public async Task Reconcile_NewEndpoint_ProbedAtOnceBesideTheOldOnes()
    {
        await using var harness = new MonitorHarness(0, Check("a", 8080));
        await harness.StartAsync();
        await harness.ParkedAsync();

        harness.Monitor.Reconcile([Check("a", 8080), Check("b", 8081)]);
        await harness.Factory.For(Endpoint(8081)).WaitForCallsAsync(1, Deadline);
        await harness.ParkedAsync(2);

        harness.Factory.For(Endpoint(8080)).Calls.Should().Be(1, "an endpoint still wanted keeps its loop and its rhythm");
        harness.Clock.GetUtcNow().Should().Be(MonitorHarness.Start, "the new check did not wait for an interval");
        harness.Monitor.Probes.Select(p => (p.Endpoint, string.Join(",", p.Checks))).Should().BeEquivalentTo([(Endpoint(8080), "a"), (Endpoint(8081), "b")]);
    }

    [Fact]
    public async Task Reconcile_EndpointNoLongerWanted_LoopStopsAndProbeDisposed()
    {
        await using var harness = new MonitorHarness(0, Check("a", 8080), Check("b", 8081));
        await harness.StartAsync();
        await harness.ParkedAsync(2);

        harness.Monitor.Reconcile([Check("a", 8080)]);
        var removed = harness.Factory.For(Endpoint(8081));
        await WaitUntilAsync(() => removed.Disposed);
        harness.Clock.Advance(Interval);
        await harness.Factory.For(Endpoint(8080)).WaitForCallsAsync(2, Deadline);
        await harness.ParkedAsync();

        removed.Calls.Should().Be(1);
        harness.Store.Get("b")!.Probes.Should().Be(1);
    }

    [Fact]
    public async Task Reconcile_CheckMovesOntoAnotherChecksEndpoint_SharedProbeFeedsBoth()
    {
        await using var harness = new MonitorHarness(0, Check("a", 8080), Check("b", 8081));
        await harness.StartAsync();
        await harness.ParkedAsync(2);

        harness.Monitor.Reconcile([Check("a", 8080), Check("b", 8080)]);
        harness.Clock.Advance(Interval);
        await harness.Factory.For(Endpoint(8080)).WaitForCallsAsync(2, Deadline);
        await harness.ParkedAsync();

        harness.Store.Get("a")!.Probes.Should().Be(2);
        harness.Store.Get("b")!.Probes.Should().Be(2, "one probe of 8081 at start, then the shared probe of 8080");
        await WaitUntilAsync(() => harness.Factory.For(Endpoint(8081)).Disposed);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            clock.Elapsed.Should().BeLessThan(Deadline);
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task ExecuteAsync_MoreProbesThanMaxInFlight_TheRestWaitForTheirTurn()
    {
        var checks = Enumerable.Range(0, 5).Select(i => Check($"c{i}", 8080 + i)).ToArray();
        await using var harness = new MonitorHarness(new LocalVerdictAggregator(), new HealthMonitorOptions { Jitter = 0, MaxProbesInFlight = 2 }, checks);
        var release = new TaskCompletionSource<ProbeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var probes = checks.Select(c => harness.Factory.For(c.Endpoint!)).ToList();
        probes.ForEach(p => p.Behaviour = _ => release.Task);

        await harness.StartAsync();
        await UntilAsync(() => probes.Sum(p => p.Calls) == 2, "two probes started");
        await Task.Delay(100); // room for a third to start, were it let
        probes.Sum(p => p.Calls).Should().Be(2, "the others wait for a turn");

        release.SetResult(FakeProbe.Pass);
        await UntilAsync(() => probes.Sum(p => p.Calls) == 5, "every probe run once the first ones finish");
    }

    /// <summary>Waits (at most 10 s, in 10 ms steps) until <paramref name="condition"/> holds.</summary>
    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        condition().Should().BeTrue(what);
    }

    private static EndpointCheckOptions Endpoint(int port) => TestProbes.Http(port) with { Interval = Interval };

    private static HealthCheckDefinition Check(string name, int port) => new() { Name = name, Endpoint = Endpoint(port) };
}
