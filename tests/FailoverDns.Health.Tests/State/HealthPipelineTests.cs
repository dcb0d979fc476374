using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using Microsoft.Extensions.Time.Testing;
using static FailoverDns.Health.Tests.State.TestChecks;

namespace FailoverDns.Health.Tests.State;

/// <summary>The steps after the monitor as plain calls: threshold verdict, aggregation, state, handlers.</summary>
public sealed class HealthPipelineTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly RecordingHandler _handler = new();

    [Fact]
    public void Record_LocalAggregator_PassesThisLocationsVerdictThrough()
    {
        var aggregator = new ScriptedAggregator(v => new LocalVerdictAggregator().Aggregate(v));
        var (store, pipeline) = Create(aggregator, Flappy("web"));

        pipeline.Record("web", Failed("HTTP 500"));

        aggregator.Given.Should().Equal(new CheckVerdict(store.Get("web")!.Definition, HealthStatus.Unhealthy, "HTTP 500, 1 failed in a row"));
        _handler.Transitions.Should().Equal(new HealthTransition("web", HealthStatus.Unknown, HealthStatus.Unhealthy, "HTTP 500, 1 failed in a row", Start));
    }

    [Fact]
    public void Record_AggregatorDecidesOtherwise_StateFollowsTheAggregateAndThresholdsStayLocal()
    {
        // Other locations still see the check healthy: the quorum keeps it so.
        var (store, pipeline) = Create(new ScriptedAggregator(v => [v with { Status = HealthStatus.Healthy, Reason = "2 of 3 locations healthy" }]), Flappy("web"), Calculated("all", 1, "web"));

        pipeline.Record("web", Failed("HTTP 500"));
        pipeline.Record("web", Failed("HTTP 500"));

        var state = store.Get("web")!;
        state.LocationStatus.Should().Be(HealthStatus.Unhealthy);
        state.ConsecutiveFailures.Should().Be(2);
        state.ProbedStatus.Should().Be(HealthStatus.Healthy);
        state.Status.Should().Be(HealthStatus.Healthy);
        store.Get("all")!.Status.Should().Be(HealthStatus.Healthy, "calculated checks follow the aggregate");
        _handler.Transitions.Should().Equal(
            new HealthTransition("web", HealthStatus.Unknown, HealthStatus.Healthy, "2 of 3 locations healthy", Start),
            new HealthTransition("all", HealthStatus.Unknown, HealthStatus.Healthy, "1 of 1 checks healthy, 1 required", Start));
    }

    [Fact]
    public void Record_AggregatorWithholds_NothingAppliedButTheResultIsKept()
    {
        var (store, pipeline) = Create(new ScriptedAggregator(_ => []), Flappy("web"));
        var result = Failed("HTTP 500");

        pipeline.Record("web", result);

        _handler.Recorded.Should().Equal(("web", result));
        _handler.Transitions.Should().BeEmpty();
        store.Get("web")!.LastResult.Should().BeSameAs(result);
        store.Get("web")!.Status.Should().Be(HealthStatus.Unknown);
    }

    [Fact]
    public void Apply_VerdictForACheckRedefinedSince_Dropped()
    {
        var aggregator = new ScriptedAggregator(_ => []);
        var (store, pipeline) = Create(aggregator, Flappy("web"));
        pipeline.Record("web", Failed("HTTP 500"));
        store.Reconcile([Flappy("web") with { Endpoint = Flappy("web").Endpoint! with { Path = "/other" } }]);

        store.Apply(aggregator.Given).Should().BeEmpty("the check started over after the verdict was made");

        store.Get("web")!.Status.Should().Be(HealthStatus.Unknown);
    }

    [Fact]
    public void Apply_VerdictForACheckOnlyRetimedSince_Applied()
    {
        var aggregator = new ScriptedAggregator(_ => []);
        var (store, pipeline) = Create(aggregator, Flappy("web"));
        pipeline.Record("web", Failed("HTTP 500"));
        store.Reconcile([Flappy("web") with { FailureThreshold = 2 }]);

        store.Apply(aggregator.Given).Should().ContainSingle().Which.To.Should().Be(HealthStatus.Unhealthy);
    }

    [Fact]
    public void Record_SeveralHandlers_EachToldInOrderTransitionsThenResult()
    {
        var order = new List<string>();
        var first = new OrderHandler("first", order);
        var second = new OrderHandler("second", order);
        var store = new HealthStateStore([Flappy("web")], _clock);
        var pipeline = new HealthPipeline(store, new LocalVerdictAggregator(), [first, second]);

        pipeline.Record("web", Passed("HTTP 200"));
        pipeline.SetOverride("web", new HealthOverride(HealthStatus.Unhealthy, null, "drill", Start)).Should().BeTrue();

        order.Should().Equal(
            "first web Unknown->Healthy", "second web Unknown->Healthy",
            "first recorded web", "second recorded web",
            "first web Healthy->Unhealthy", "second web Healthy->Unhealthy");
    }

    [Fact]
    public void ExpireOverrides_Due_TransitionsHandedOn()
    {
        var (_, pipeline) = Create(new LocalVerdictAggregator(), Flappy("web"));
        pipeline.SetOverride("web", new HealthOverride(HealthStatus.Unhealthy, Start + TimeSpan.FromMinutes(1), "drill", Start));
        _handler.Clear();

        _clock.Advance(TimeSpan.FromMinutes(1));
        pipeline.ExpireOverrides().Should().Equal("web");

        _handler.Transitions.Should().Equal(new HealthTransition("web", HealthStatus.Unhealthy, HealthStatus.Unknown, "override cleared; probes say unknown", Start + TimeSpan.FromMinutes(1)));
    }

    private (HealthStateStore Store, HealthPipeline Pipeline) Create(IVerdictAggregator aggregator, params HealthCheckDefinition[] definitions)
    {
        var store = new HealthStateStore(definitions, _clock);
        return (store, new HealthPipeline(store, aggregator, [_handler]));
    }

    private ProbeResult Passed(string detail) => ProbeResult.Success(TimeSpan.FromMilliseconds(3), _clock.GetUtcNow(), detail, 200);

    private ProbeResult Failed(string detail) => ProbeResult.Failed(ProbeFailure.StatusCode, detail, TimeSpan.FromMilliseconds(3), _clock.GetUtcNow(), 500);

    private sealed class OrderHandler(string name, List<string> order) : IHealthStateHandler
    {
        public void Recorded(string check, ProbeResult result) => order.Add($"{name} recorded {check}");

        public void Transitioned(IReadOnlyList<HealthTransition> transitions) =>
            order.AddRange(transitions.Select(t => $"{name} {t.Check} {t.From}->{t.To}"));
    }
}
