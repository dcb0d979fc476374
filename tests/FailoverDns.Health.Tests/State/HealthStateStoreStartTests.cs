using FailoverDns.Health.Checks;
using FailoverDns.Health.Policy;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using Microsoft.Extensions.Time.Testing;
using static FailoverDns.Health.Tests.State.TestChecks;

namespace FailoverDns.Health.Tests.State;

/// <summary>
/// How a check starts: from its state saved before a restart, from its first probe result, or (Route 53)
/// healthy until its failure threshold; and a check redefined by a reload keeps its state until its
/// probes decide.
/// </summary>
public sealed class HealthStateStoreStartTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly DateTimeOffset Earlier = Start.AddHours(-2);

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly RecordingHandler _handler = new();

    [Fact]
    public void FirstProbe_FirstFailure_MakesTheCheckUnhealthyAtOnce()
    {
        var pipeline = CreatePipeline(InitialState.FirstProbe, null, Endpoint("web"));

        pipeline.Record("web", Failed());

        pipeline.Store.Get("web")!.Status.Should().Be(HealthStatus.Unhealthy, "the failure threshold of 3 counts from a known state only");
        _handler.Transitions.Select(t => (t.From, t.To)).Should().Equal((HealthStatus.Unknown, HealthStatus.Unhealthy));
        pipeline.Store.Undecided.Should().BeEmpty();
    }

    [Fact]
    public void FirstProbe_ThenTheThresholdsApply()
    {
        var pipeline = CreatePipeline(InitialState.FirstProbe, null, Endpoint("web"));

        pipeline.Record("web", Passed());
        pipeline.Record("web", Failed());
        pipeline.Record("web", Failed());

        pipeline.Store.Get("web")!.Status.Should().Be(HealthStatus.Healthy, "two failures are under the threshold of 3");
    }

    [Fact]
    public void Healthy_FirstFailure_LeavesTheCheckCountedHealthy()
    {
        var pipeline = CreatePipeline(InitialState.Healthy, null, Endpoint("web"));

        pipeline.Record("web", Failed());

        var state = pipeline.Store.Get("web")!;
        state.Status.Should().Be(HealthStatus.Unknown);
        state.IsHealthy.Should().BeTrue("Route 53 counts a check healthy until its failure threshold");
        pipeline.Store.Undecided.Should().Equal("web");
    }

    [Fact]
    public void Saved_SameJudgement_RestoredAndTheThresholdAppliesFromIt()
    {
        var saved = new SavedCheckState("web", Endpoint("web").Judgement, HealthStatus.Unhealthy, Earlier);
        var pipeline = CreatePipeline(InitialState.FirstProbe, [saved], Endpoint("web"), Endpoint("new"));

        var state = pipeline.Store.Get("web")!;
        state.Status.Should().Be(HealthStatus.Unhealthy);
        state.Since.Should().Be(Earlier);
        pipeline.Store.Undecided.Should().Equal("new");
        pipeline.Store.Known.Should().Equal(saved);

        pipeline.Record("web", Passed());
        pipeline.Store.Get("web")!.Status.Should().Be(HealthStatus.Unhealthy, "a restored state is known: recovery takes the threshold");
    }

    [Fact]
    public void Saved_DifferentJudgement_NotRestored()
    {
        var before = Endpoint("web") with { Endpoint = Endpoint("web").Endpoint! with { Path = "/old" } };
        var saved = new SavedCheckState("web", before.Judgement, HealthStatus.Unhealthy, Earlier);

        var pipeline = CreatePipeline(InitialState.FirstProbe, [saved], Endpoint("web"));

        pipeline.Store.Get("web")!.Status.Should().Be(HealthStatus.Unknown);
        pipeline.Store.Undecided.Should().Equal("web");
    }

    [Fact]
    public void Reconcile_RedefinedWhileUnhealthy_KeepsItsStateUntilTheFirstProbeAgrees()
    {
        var pipeline = CreatePipeline(InitialState.FirstProbe, null, Endpoint("web"));
        pipeline.Record("web", Failed());
        _handler.Clear();

        pipeline.Store.Reconcile([Endpoint("web") with { Endpoint = Endpoint("web").Endpoint! with { Path = "/index.html" } }]);
        pipeline.Store.Get("web")!.Status.Should().Be(HealthStatus.Unhealthy, "nothing is known yet of the new definition");
        pipeline.Record("web", Failed());

        pipeline.Store.Get("web")!.Status.Should().Be(HealthStatus.Unhealthy);
        _handler.Transitions.Should().BeEmpty("the state never changed, so nothing is announced");
    }

    [Fact]
    public void Reconcile_RedefinedWhileUnhealthy_FirstPassingProbeDecides()
    {
        var pipeline = CreatePipeline(InitialState.FirstProbe, null, Endpoint("web"));
        pipeline.Record("web", Failed());
        _handler.Clear();

        pipeline.Store.Reconcile([Endpoint("web") with { Endpoint = Endpoint("web").Endpoint! with { Path = "/index.html" } }]);
        pipeline.Record("web", Passed());

        _handler.Transitions.Select(t => (t.From, t.To)).Should().Equal((HealthStatus.Unhealthy, HealthStatus.Healthy));
    }

    [Fact]
    public void Reconcile_RedefinedInRoute53Mode_KeepsItsStateWhileUnderTheThreshold()
    {
        var pipeline = CreatePipeline(InitialState.Healthy, null, Endpoint("web") with { FailureThreshold = 1 });
        pipeline.Record("web", Failed());
        _handler.Clear();

        pipeline.Store.Reconcile([Endpoint("web") with { FailureThreshold = 3, Endpoint = Endpoint("web").Endpoint! with { Path = "/index.html" } }]);
        pipeline.Record("web", Failed());

        pipeline.Store.Get("web")!.Status.Should().Be(HealthStatus.Unhealthy, "a verdict of unknown is no decision, so the state it had stands");
        _handler.Transitions.Should().BeEmpty();
    }

    [Fact]
    public void Judgement_EqualExactlyWhenTheChecksJudgeTheSame()
    {
        var web = Endpoint("web");
        var slower = web with { FailureThreshold = 5, Endpoint = web.Endpoint! with { Interval = TimeSpan.FromMinutes(1), SourceAddress = System.Net.IPAddress.Loopback } };
        var otherPath = web with { Endpoint = web.Endpoint! with { Path = "/x" } };
        var quoted = web with { Endpoint = web.Endpoint! with { Match = "a'|'b" } };
        var split = web with { Endpoint = web.Endpoint! with { Match = "a", HostHeader = "b" } };

        slower.Judgement.Should().Be(web.Judgement);
        slower.JudgesSameAs(web).Should().BeTrue();
        var head = web with { Endpoint = web.Endpoint! with { Method = "HEAD" } };
        var agent = web with { Endpoint = web.Endpoint! with { UserAgent = "other" } };
        var header = web with { Endpoint = web.Endpoint! with { Headers = [new("Authorization", "Bearer a")] } };
        var otherSecret = web with { Endpoint = web.Endpoint! with { Headers = [new("Authorization", "Bearer b")] } };
        using var ca = Testing.Http.TestCertificates.Authority("Judgement CA");
        var trusting = web with { Endpoint = web.Endpoint! with { TrustedCertificates = [ca] } };

        head.JudgesSameAs(web).Should().BeFalse();
        header.JudgesSameAs(otherSecret).Should().BeFalse();
        trusting.JudgesSameAs(trusting with { }).Should().BeTrue();
        new[] { otherPath, quoted, split, web with { Invert = true }, Calculated("web", 1, "a"), head, agent, header, otherSecret, trusting }
            .Select(d => d.Judgement).Should().OnlyHaveUniqueItems().And.NotContain(web.Judgement);
    }

    private HealthPipeline CreatePipeline(InitialState initial, IEnumerable<SavedCheckState>? saved, params HealthCheckDefinition[] definitions) =>
        new(new HealthStateStore(definitions, _clock, initial, saved), new LocalVerdictAggregator(), [_handler]);

    private ProbeResult Passed() => ProbeResult.Success(TimeSpan.FromMilliseconds(3), _clock.GetUtcNow(), "HTTP 200", 200);

    private ProbeResult Failed() => ProbeResult.Failed(ProbeFailure.StatusCode, "HTTP 500", TimeSpan.FromMilliseconds(3), _clock.GetUtcNow(), 500);
}
