using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using FailoverDns.Health.Tests.Probes;
using Microsoft.Extensions.Time.Testing;
using static FailoverDns.Health.Tests.State.TestChecks;

namespace FailoverDns.Health.Tests.State;

/// <summary>Overrides forced and cleared through the pipeline, and the store across a config reload.</summary>
public sealed class HealthStateStoreOverrideTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly RecordingHandler _handler = new();
    private HealthPipeline? _pipeline;

    private HealthPipeline Pipeline => _pipeline ?? throw new InvalidOperationException("CreateStore first");

    [Fact]
    public void SetOverride_Unhealthy_ForcesStateWhileProbesGoOnUnderneath()
    {
        var store = CreateStore(Flappy("web"));
        Pipeline.Record("web", Passed("HTTP 200"));
        _handler.Clear();

        Pipeline.SetOverride("web", new HealthOverride(HealthStatus.Unhealthy, null, "maintenance", Start)).Should().BeTrue();
        Pipeline.Record("web", Passed("HTTP 200"));

        var state = store.Get("web")!;
        state.Status.Should().Be(HealthStatus.Unhealthy);
        state.ProbedStatus.Should().Be(HealthStatus.Healthy);
        state.Probes.Should().Be(2);
        _handler.Transitions.Should().Equal(new HealthTransition("web", HealthStatus.Healthy, HealthStatus.Unhealthy, "overridden to unhealthy: maintenance", Start));
    }

    [Fact]
    public void SetOverride_Cleared_ReturnsToWhatTheProbesSay()
    {
        var store = CreateStore(Flappy("web"));
        Pipeline.SetOverride("web", new HealthOverride(HealthStatus.Unhealthy, null, "drill", Start));
        Pipeline.Record("web", Failed("HTTP 500"));
        Pipeline.Record("web", Passed("HTTP 200"));
        _handler.Clear();

        Pipeline.SetOverride("web", null);

        store.Get("web")!.Status.Should().Be(HealthStatus.Healthy);
        store.Get("web")!.Override.Should().BeNull();
        _handler.Transitions.Should().Equal(new HealthTransition("web", HealthStatus.Unhealthy, HealthStatus.Healthy, "override cleared; probes say healthy", Start));
    }

    [Fact]
    public void SetOverride_UnknownCheck_ReturnsFalse()
    {
        CreateStore(Endpoint("web"));
        Pipeline.SetOverride("nope", new HealthOverride(HealthStatus.Healthy, null, "", Start)).Should().BeFalse();
    }

    [Fact]
    public void SetOverride_ChildForced_CalculatedParentFollows()
    {
        var store = CreateStore(Flappy("a"), Flappy("b"), Calculated("both", 2, "a", "b"));

        Pipeline.SetOverride("a", new HealthOverride(HealthStatus.Unhealthy, null, "drill", Start));

        store.Get("both")!.Status.Should().Be(HealthStatus.Unhealthy);
    }

    [Fact]
    public void ExpireOverrides_UntilPassed_ClearsOnlyThoseDue()
    {
        var store = CreateStore(Flappy("a"), Flappy("b"));
        Pipeline.SetOverride("a", new HealthOverride(HealthStatus.Unhealthy, Start + TimeSpan.FromMinutes(5), "short", Start));
        Pipeline.SetOverride("b", new HealthOverride(HealthStatus.Unhealthy, Start + TimeSpan.FromMinutes(60), "long", Start));

        _clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Pipeline.ExpireOverrides().Should().BeEmpty();
        _clock.Advance(TimeSpan.FromSeconds(1));
        Pipeline.ExpireOverrides().Should().Equal("a");

        store.Get("a")!.Override.Should().BeNull();
        store.Get("a")!.Status.Should().Be(HealthStatus.Unknown, "no probe has spoken yet");
        store.Get("b")!.Status.Should().Be(HealthStatus.Unhealthy);
    }

    [Fact]
    public void Reconcile_UnchangedCheck_KeepsStateHistoryAndCounters()
    {
        var store = CreateStore(Flappy("web"), Flappy("gone"));
        Pipeline.Record("web", Failed("HTTP 500"));
        var before = store.Get("web")!;
        _handler.Clear();

        store.Reconcile([Flappy("web"), Flappy("new")]).Should().Equal("new");

        store.Get("web").Should().Be(before);
        store.Get("gone").Should().BeNull();
        store.Get("new")!.Status.Should().Be(HealthStatus.Unknown);
        _handler.Transitions.Should().BeEmpty("the caller re-decides every answer after a reload");
    }

    [Fact]
    public void Reconcile_OnlyIntervalAndThresholdsChanged_KeepsTheVerdict()
    {
        var store = CreateStore(Flappy("web"));
        Pipeline.Record("web", Failed("HTTP 500"));
        var changed = Flappy("web") with { FailureThreshold = 5, Endpoint = Flappy("web").Endpoint! with { Interval = TimeSpan.FromSeconds(1) } };

        store.Reconcile([changed]).Should().BeEmpty();

        store.Get("web")!.Status.Should().Be(HealthStatus.Unhealthy, "an unhealthy primary must not be served again because its interval changed");
        store.Get("web")!.Definition.Should().Be(changed);
    }

    [Fact]
    public void Reconcile_TargetChanged_StartsOverKeepingItsStateAndTheOverride()
    {
        var store = CreateStore(Flappy("web"));
        Pipeline.Record("web", Failed("HTTP 500"));
        Pipeline.SetOverride("web", new HealthOverride(HealthStatus.Healthy, null, "known good", Start));
        var moved = Flappy("web") with { Endpoint = TestProbes.Http(8081, "web.example") };

        store.Reconcile([moved]).Should().Equal("web");

        var state = store.Get("web")!;
        state.ProbedStatus.Should().Be(HealthStatus.Unhealthy, "it stands until the probes of the new definition decide");
        state.LocationStatus.Should().Be(HealthStatus.Unknown, "the probes start over");
        state.Status.Should().Be(HealthStatus.Healthy, "the override still holds");
        state.History.Should().BeEmpty();
    }

    private HealthStateStore CreateStore(params HealthCheckDefinition[] definitions)
    {
        var store = new HealthStateStore(definitions, _clock);
        _pipeline = new HealthPipeline(store, new LocalVerdictAggregator(), [_handler]);
        return store;
    }

    private ProbeResult Passed(string detail) => ProbeResult.Success(TimeSpan.FromMilliseconds(3), _clock.GetUtcNow(), detail, 200);

    private ProbeResult Failed(string detail) => ProbeResult.Failed(ProbeFailure.StatusCode, detail, TimeSpan.FromMilliseconds(3), _clock.GetUtcNow(), 500);
}
