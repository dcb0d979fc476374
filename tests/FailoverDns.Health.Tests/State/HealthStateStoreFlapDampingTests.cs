using FailoverDns.Health.Checks;
using FailoverDns.Health.Policy;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using Microsoft.Extensions.Time.Testing;
using static FailoverDns.Health.Tests.State.TestChecks;

namespace FailoverDns.Health.Tests.State;

/// <summary>Flap damping as the store applies it, after the threshold policy and before the aggregation step.</summary>
public sealed class HealthStateStoreFlapDampingTests
{
    private const string Damped = "flapping: 5 changes within 10m; held unhealthy until stable for 5m";
    private static readonly DateTimeOffset Start = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly RecordingHandler _handler = new();
    private HealthPipeline? _pipeline;

    private HealthPipeline Pipeline => _pipeline ?? throw new InvalidOperationException("CreateStore first");

    [Fact]
    public void Record_FifthChangeWithinWindow_HeldUnhealthyAndDampingToldOnce()
    {
        var store = CreateStore(new FlapDampingOptions(), Flappy("web"));

        // + - + - + -: healthy first (not a change), then five changes, the fifth to unhealthy.
        Probe(true, false, true, false, true, false);

        var at = Start + (6 * Interval);
        _handler.Damping.Should().Equal(new FlapDampingChange("web", true, Damped, at));
        _handler.Transitions[^1].Should().Be(new HealthTransition("web", HealthStatus.Healthy, HealthStatus.Unhealthy, $"HTTP 500, 1 failed in a row; {Damped}", at));
        var state = store.Get("web")!;
        state.Status.Should().Be(HealthStatus.Unhealthy);
        state.Flap.DampedSince.Should().Be(at);
    }

    [Fact]
    public void Record_DampedThenPassing_StaysUnhealthyWhileTheProbesPass()
    {
        var store = CreateStore(new FlapDampingOptions(), Flappy("web"));
        Probe(true, false, true, false, true, false);
        var transitions = _handler.Transitions.Count;

        Probe(true, true, true);

        _handler.Transitions.Should().HaveCount(transitions, "a damped check is held unhealthy");
        var state = store.Get("web")!;
        state.Status.Should().Be(HealthStatus.Unhealthy);
        state.LocationStatus.Should().Be(HealthStatus.Healthy, "the threshold policy's own state goes on underneath");
        state.ConsecutiveSuccesses.Should().Be(3);
    }

    [Fact]
    public void Record_DampingStartsWhileUnhealthy_ToldWithoutATransition()
    {
        var store = CreateStore(new FlapDampingOptions(), Flappy("web"));
        Probe(false, true, false, true, false);
        var transitions = _handler.Transitions.Count;

        // The fifth change is to healthy: held unhealthy, so the served state does not change.
        Probe(true);

        _handler.Transitions.Should().HaveCount(transitions);
        _handler.Damping.Should().ContainSingle().Which.Damped.Should().BeTrue();
        store.Get("web")!.Status.Should().Be(HealthStatus.Unhealthy);
    }

    [Fact]
    public void Record_StableForHoldFor_ReleasedAndRecovers()
    {
        var store = CreateStore(new FlapDampingOptions(), Flappy("web"));
        Probe(true, false, true, false, true, false);
        Probe(true);
        var changedAt = _clock.GetUtcNow();

        // Probes every 10s: 29 more passes are 4m50s after the last change, the 30th is 5m.
        Probe(Enumerable.Repeat(true, 29).ToArray());
        store.Get("web")!.Status.Should().Be(HealthStatus.Unhealthy);
        Probe(true);

        var released = "stable for 5m after flapping; no longer held unhealthy";
        _clock.GetUtcNow().Should().Be(changedAt + TimeSpan.FromMinutes(5));
        _handler.Damping.Select(d => (d.Damped, d.Reason)).Should().Equal((true, Damped), (false, released));
        _handler.Transitions[^1].Should().Be(new HealthTransition("web", HealthStatus.Unhealthy, HealthStatus.Healthy, $"HTTP 200, 31 passed in a row; {released}", _clock.GetUtcNow()));
        store.Get("web")!.Flap.Damped.Should().BeFalse();
    }

    [Fact]
    public void Record_DefaultOptions_AreOnWithFourChangesInTenMinutesHeldForFive()
    {
        new FlapDampingOptions().Should().Be(new FlapDampingOptions { Enabled = true, MaxChanges = 4, Window = TimeSpan.FromMinutes(10), HoldFor = TimeSpan.FromMinutes(5) });
    }

    [Fact]
    public void Record_NoOptionsGiven_NeverDamped()
    {
        // Existing callers construct the store without options: damping is off for them.
        var store = new HealthStateStore([Flappy("web")], _clock);
        _pipeline = new HealthPipeline(store, new LocalVerdictAggregator(), [_handler]);

        Probe(true, false, true, false, true, false, true, false, true);

        _handler.Damping.Should().BeEmpty();
        _handler.Transitions.Should().HaveCount(9);
        store.Get("web")!.Status.Should().Be(HealthStatus.Healthy);
    }

    [Fact]
    public void Record_DampedChild_CalculatedParentFollowsTheHeldState()
    {
        var store = CreateStore(new FlapDampingOptions(), Flappy("web"), Calculated("all", 1, "web"));
        Probe(false, true, false, true, false, true);

        store.Get("all")!.Status.Should().Be(HealthStatus.Unhealthy);
    }

    [Fact]
    public void SetOverride_WhileDamped_OverrideDecidesAndClearingReturnsToTheHeldState()
    {
        var store = CreateStore(new FlapDampingOptions(), Flappy("web"));
        Probe(true, false, true, false, true, false, true);

        Pipeline.SetOverride("web", new HealthOverride(HealthStatus.Healthy, null, "drill", Start)).Should().BeTrue();
        store.Get("web")!.Status.Should().Be(HealthStatus.Healthy);
        Pipeline.SetOverride("web", null);

        store.Get("web")!.Status.Should().Be(HealthStatus.Unhealthy, "the probes' verdict is still held");
    }

    private HealthStateStore CreateStore(FlapDampingOptions flapDamping, params HealthCheckDefinition[] definitions)
    {
        var store = new HealthStateStore(definitions, _clock, flapDamping: flapDamping);
        _pipeline = new HealthPipeline(store, new LocalVerdictAggregator(), [_handler]);
        return store;
    }

    /// <summary>One probe of 'web' per result, each <see cref="Interval"/> after the one before.</summary>
    private void Probe(params bool[] results)
    {
        foreach (var passed in results)
        {
            _clock.Advance(Interval);
            Pipeline.Record("web", passed
                ? ProbeResult.Success(TimeSpan.FromMilliseconds(3), _clock.GetUtcNow(), "HTTP 200", 200)
                : ProbeResult.Failed(ProbeFailure.StatusCode, "HTTP 500", TimeSpan.FromMilliseconds(3), _clock.GetUtcNow(), 500));
        }
    }
}
