using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using Microsoft.Extensions.Time.Testing;
using static FailoverDns.Health.Tests.State.TestChecks;

namespace FailoverDns.Health.Tests.State;

public sealed class HealthStateStoreTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly RecordingHandler _handler = new();
    private HealthPipeline? _pipeline;

    private HealthPipeline Pipeline => _pipeline ?? throw new InvalidOperationException("CreateStore first");

    [Fact]
    public void Constructor_Definitions_EnabledUnknownDisabledHealthySinceNow()
    {
        var store = CreateStore(Endpoint("web"), Endpoint("off") with { Disabled = true }, Calculated("all", 2, "web", "off"));

        // The calculated check already has a verdict: its disabled child is healthy, the unknown one counts as healthy.
        store.All.Select(s => (s.Name, s.Status)).Should().Equal(
            ("all", HealthStatus.Healthy),
            ("off", HealthStatus.Healthy),
            ("web", HealthStatus.Unknown));
        store.All.Should().OnlyContain(s => s.Since == Start && s.IsHealthy && s.History.Count == 0 && s.LastResult == null);
        store.Get("missing").Should().BeNull();
    }

    [Fact]
    public void Record_FailuresReachThreshold_AnnouncesOneTransitionWithReasonAndTime()
    {
        var store = CreateStore(Endpoint("web"));

        Pipeline.Record("web", Failed("HTTP 503"));
        _clock.Advance(TimeSpan.FromSeconds(30));
        Pipeline.Record("web", Failed("HTTP 503"));
        _clock.Advance(TimeSpan.FromSeconds(30));
        _handler.Transitions.Should().BeEmpty("two failures are below the threshold of 3");

        Pipeline.Record("web", Failed("HTTP 503"));
        var at = Start + TimeSpan.FromSeconds(60);
        _clock.Advance(TimeSpan.FromSeconds(30));
        Pipeline.Record("web", Failed("HTTP 503"));
        Pipeline.Record("web", Failed("HTTP 503"));

        _handler.Transitions.Should().Equal(new HealthTransition("web", HealthStatus.Unknown, HealthStatus.Unhealthy, "HTTP 503, 3 failed in a row", at));
        var state = store.Get("web")!;
        state.Status.Should().Be(HealthStatus.Unhealthy);
        state.IsHealthy.Should().BeFalse();
        state.Since.Should().Be(at);
        state.Transitions.Should().Be(1);
    }

    [Fact]
    public void Record_FirstSuccess_AnnouncesUnknownToHealthy()
    {
        var store = CreateStore(Endpoint("web"));
        _clock.Advance(TimeSpan.FromSeconds(1));

        Pipeline.Record("web", Passed("HTTP 200"));
        Pipeline.Record("web", Passed("HTTP 200"));

        _handler.Transitions.Should().Equal(new HealthTransition("web", HealthStatus.Unknown, HealthStatus.Healthy, "HTTP 200, 1 passed in a row", Start + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Record_FailAndRecover_AnnouncesEachChangeOnce()
    {
        var store = CreateStore(Endpoint("web") with { FailureThreshold = 2, RecoveryThreshold = 3 });

        foreach (var passed in new[] { true, false, false, false, true, true, false, true, true, true, true })
        {
            _clock.Advance(TimeSpan.FromSeconds(10));
            Pipeline.Record("web", passed ? Passed("HTTP 200") : Failed("HTTP 500"));
        }

        _handler.Transitions.Should().Equal(
            new HealthTransition("web", HealthStatus.Unknown, HealthStatus.Healthy, "HTTP 200, 1 passed in a row", Start + TimeSpan.FromSeconds(10)),
            new HealthTransition("web", HealthStatus.Healthy, HealthStatus.Unhealthy, "HTTP 500, 2 failed in a row", Start + TimeSpan.FromSeconds(30)),
            new HealthTransition("web", HealthStatus.Unhealthy, HealthStatus.Healthy, "HTTP 200, 3 passed in a row", Start + TimeSpan.FromSeconds(100)));
        store.Get("web")!.Transitions.Should().Be(3);
        store.Get("web")!.Since.Should().Be(Start + TimeSpan.FromSeconds(100));
    }

    [Fact]
    public void Record_HandlerReadsStore_SeesTheNewState()
    {
        var store = CreateStore(Flappy("web"));
        var seen = new List<HealthStatus>();
        _handler.OnTransition = t => seen.Add(store.Get(t.Check)!.Status);

        Pipeline.Record("web", Failed("HTTP 500"));
        Pipeline.Record("web", Passed("HTTP 200"));
        Pipeline.Record("web", Passed("HTTP 200"));
        Pipeline.Record("web", Passed("HTTP 200"));

        seen.Should().Equal(HealthStatus.Unhealthy, HealthStatus.Healthy);
    }

    [Fact]
    public void Record_Inverted_PassingProbeCountsAsFailure()
    {
        var store = CreateStore(Endpoint("web") with { Invert = true, FailureThreshold = 2, RecoveryThreshold = 2 });

        Pipeline.Record("web", Passed("HTTP 200"));
        Pipeline.Record("web", Passed("HTTP 200"));

        _handler.Transitions.Should().Equal(new HealthTransition("web", HealthStatus.Unknown, HealthStatus.Unhealthy, "HTTP 200 (inverted), 2 failed in a row", Start));
        var state = store.Get("web")!;
        state.ConsecutiveFailures.Should().Be(2);
        state.Failures.Should().Be(0, "the counters count what the probe saw");
        state.LastFailure.Should().BeNull();
    }

    [Fact]
    public void Record_InvertedFailingProbe_Healthy()
    {
        var store = CreateStore(Endpoint("web") with { Invert = true });
        var failure = Failed("connection refused");

        Pipeline.Record("web", failure);

        _handler.Transitions.Should().Equal(new HealthTransition("web", HealthStatus.Unknown, HealthStatus.Healthy, "connection refused (inverted), 1 passed in a row", Start));
        store.Get("web")!.LastFailure.Should().BeSameAs(failure);
    }

    [Fact]
    public void Record_DisabledCheck_StaysHealthyAndIgnoresResults()
    {
        var store = CreateStore(Endpoint("web") with { Disabled = true, FailureThreshold = 1 });

        Pipeline.Record("web", Failed("HTTP 500"));
        Pipeline.Record("web", Failed("HTTP 500"));

        _handler.Transitions.Should().BeEmpty();
        var state = store.Get("web")!;
        state.Status.Should().Be(HealthStatus.Healthy);
        state.Probes.Should().Be(0);
        state.LastResult.Should().BeNull();
        state.History.Should().BeEmpty();
    }

    [Fact]
    public void Record_UnknownCheck_Ignored()
    {
        var store = CreateStore(Endpoint("web"));

        Pipeline.Record("other", Failed("HTTP 500"));

        _handler.Transitions.Should().BeEmpty();
        store.All.Should().ContainSingle().Which.Probes.Should().Be(0);
    }

    [Fact]
    public void Record_ChildFails_CalculatedAllFollowsAfterTheChild()
    {
        var store = CreateStore(Flappy("a"), Endpoint("b"), Calculated("all", 2, "a", "b"));
        _clock.Advance(TimeSpan.FromSeconds(5));

        Pipeline.Record("a", Failed("HTTP 500"));

        _handler.Transitions.Should().Equal(
            new HealthTransition("a", HealthStatus.Unknown, HealthStatus.Unhealthy, "HTTP 500, 1 failed in a row", Start + TimeSpan.FromSeconds(5)),
            new HealthTransition("all", HealthStatus.Unknown, HealthStatus.Unhealthy, "0 of 2 checks healthy, 2 required; unhealthy: a; no verdict yet, counted as healthy: b", Start + TimeSpan.FromSeconds(5)));
        store.Get("all")!.Since.Should().Be(Start + TimeSpan.FromSeconds(5));
        store.Get("all")!.Transitions.Should().Be(1);
    }

    [Fact]
    public void Record_ChildChanges_CalculatedAnyRecomputedOnlyWhenItsAnswerChanges()
    {
        var store = CreateStore(Flappy("a"), Flappy("b"), Calculated("any", 1, "a", "b"));

        Pipeline.Record("a", Passed("HTTP 200"));
        Pipeline.Record("b", Failed("HTTP 500"));
        Pipeline.Record("a", Failed("HTTP 500"));
        Pipeline.Record("b", Passed("HTTP 200"));

        _handler.Transitions.Select(t => (t.Check, t.From, t.To)).Should().Equal(
            ("a", HealthStatus.Unknown, HealthStatus.Healthy),
            ("any", HealthStatus.Unknown, HealthStatus.Healthy),
            ("b", HealthStatus.Unknown, HealthStatus.Unhealthy),
            ("a", HealthStatus.Healthy, HealthStatus.Unhealthy),
            ("any", HealthStatus.Healthy, HealthStatus.Unhealthy),
            ("b", HealthStatus.Unhealthy, HealthStatus.Healthy),
            ("any", HealthStatus.Unhealthy, HealthStatus.Healthy));
        _handler.Transitions.Where(t => t.Check == "any").Select(t => t.Reason).Should().Equal(
            "1 of 2 checks healthy, 1 required; no verdict yet, counted as healthy: b",
            "0 of 2 checks healthy, 1 required; unhealthy: a, b",
            "1 of 2 checks healthy, 1 required; unhealthy: a");
    }

    [Fact]
    public void Record_BothChildrenFail_CountsAreRealAndTheStateNamesEveryUnhealthyChild()
    {
        var store = CreateStore(Flappy("east"), Endpoint("db"), Calculated("east-and-db", 2, "east", "db"));

        Pipeline.Record("db", Failed("connection refused"));
        Pipeline.Record("east", Failed("HTTP 503"));
        Pipeline.Record("db", Failed("connection refused"));
        Pipeline.Record("db", Failed("connection refused"));

        // db was failing too, below its threshold, when east turned the calculation: it had no verdict yet.
        _handler.Transitions.Should().ContainSingle(t => t.Check == "east-and-db").Which.Reason.Should().Be(
            "0 of 2 checks healthy, 2 required; unhealthy: east; no verdict yet, counted as healthy: db");
        store.Get("db")!.Status.Should().Be(HealthStatus.Unhealthy);
        store.Get("east-and-db")!.Calculation.Should().Be("0 of 2 checks healthy, 2 required; unhealthy: east, db", "kept current though the check itself did not change");
        store.Get("east")!.Calculation.Should().BeNull();
    }

    [Fact]
    public void Record_ChildChanges_AtLeastTwoOfThree()
    {
        var store = CreateStore(
            Flappy("a"),
            Flappy("b"),
            Flappy("c"),
            Calculated("two", 2, "a", "b", "c"));

        Pipeline.Record("a", Failed("HTTP 500"));
        store.Get("two")!.Status.Should().Be(HealthStatus.Healthy, "b and c have no verdict and count as healthy");

        Pipeline.Record("b", Failed("HTTP 500"));
        store.Get("two")!.Status.Should().Be(HealthStatus.Unhealthy);

        Pipeline.Record("c", Passed("HTTP 200"));
        store.Get("two")!.Status.Should().Be(HealthStatus.Unhealthy);

        Pipeline.Record("a", Passed("HTTP 200"));
        store.Get("two")!.Status.Should().Be(HealthStatus.Healthy);
        _handler.Transitions.Where(t => t.Check == "two").Select(t => t.To).Should().Equal(HealthStatus.Healthy, HealthStatus.Unhealthy, HealthStatus.Healthy);
    }

    [Fact]
    public void Record_NestedCalculated_ChangesPropagateUpward()
    {
        // top = any of (mid, c); mid = all of (a, b).
        var store = CreateStore(
            Flappy("a"),
            Flappy("b"),
            Flappy("c"),
            Calculated("mid", 2, "a", "b"),
            Calculated("top", 1, "mid", "c"));

        Pipeline.Record("a", Failed("HTTP 500"));
        Pipeline.Record("c", Failed("HTTP 500"));
        Pipeline.Record("a", Passed("HTTP 200"));

        // mid is unhealthy at once, while top stays healthy on c, which has no verdict yet.
        _handler.Transitions.Select(t => (t.Check, t.From, t.To)).Should().Equal(
            ("a", HealthStatus.Unknown, HealthStatus.Unhealthy),
            ("mid", HealthStatus.Unknown, HealthStatus.Unhealthy),
            ("top", HealthStatus.Unknown, HealthStatus.Healthy),
            ("c", HealthStatus.Unknown, HealthStatus.Unhealthy),
            ("top", HealthStatus.Healthy, HealthStatus.Unhealthy),
            ("a", HealthStatus.Unhealthy, HealthStatus.Healthy),
            ("mid", HealthStatus.Unhealthy, HealthStatus.Healthy),
            ("top", HealthStatus.Unhealthy, HealthStatus.Healthy));
    }

    [Fact]
    public void Record_DiamondOfCalculatedChecks_AnnouncesTheTopOnce()
    {
        var store = CreateStore(
            Flappy("a"),
            Calculated("left", 1, "a"),
            Calculated("right", 1, "a"),
            Calculated("top", 2, "left", "right"));

        Pipeline.Record("a", Failed("HTTP 500"));

        _handler.Transitions.Select(t => t.Check).Should().BeEquivalentTo(["a", "left", "right", "top"]);
        _handler.Transitions.Should().ContainSingle(t => t.Check == "top").Which.To.Should().Be(HealthStatus.Unhealthy);
        store.Get("top")!.Transitions.Should().Be(1);
    }

    [Fact]
    public void Record_InvertedCalculated_InvertsTheRule()
    {
        var store = CreateStore(Flappy("a"), Calculated("down", 1, "a") with { Invert = true });

        Pipeline.Record("a", Passed("HTTP 200"));
        store.Get("down")!.Status.Should().Be(HealthStatus.Unhealthy);

        Pipeline.Record("a", Failed("HTTP 500"));
        store.Get("down")!.Status.Should().Be(HealthStatus.Healthy);
    }

    [Fact]
    public void Record_DisabledCalculated_StaysHealthy()
    {
        var store = CreateStore(Flappy("a"), Calculated("all", 1, "a") with { Disabled = true });

        Pipeline.Record("a", Failed("HTTP 500"));

        store.Get("all")!.Status.Should().Be(HealthStatus.Healthy);
        _handler.Transitions.Should().ContainSingle().Which.Check.Should().Be("a");
    }

    [Fact]
    public void Record_DisabledChild_CountsAsHealthyInTheCalculation()
    {
        var store = CreateStore(
            Flappy("a"),
            Endpoint("b") with { Disabled = true },
            Calculated("any", 1, "a", "b"));

        Pipeline.Record("a", Failed("HTTP 500"));

        store.Get("any")!.Status.Should().Be(HealthStatus.Healthy);
    }

    [Fact]
    public void Record_ManyResults_KeepsTheLastTwentyInOrder()
    {
        var store = CreateStore(Endpoint("web"));

        for (var i = 1; i <= 25; i++)
        {
            Pipeline.Record("web", i % 5 == 0 ? Failed($"#{i}") : Passed($"#{i}"));
        }

        var state = store.Get("web")!;
        HealthStateStore.HistorySize.Should().Be(20);
        state.History.Select(r => r.Detail).Should().Equal(Enumerable.Range(6, 20).Select(i => $"#{i}"));
        state.LastResult!.Detail.Should().Be("#25");
    }

    [Fact]
    public void Record_Results_CountsProbesFailuresAndRuns()
    {
        var store = CreateStore(Endpoint("web"));

        foreach (var passed in new[] { true, false, true, true, false, false })
        {
            Pipeline.Record("web", passed ? Passed("HTTP 200") : Failed("HTTP 500"));
        }

        var state = store.Get("web")!;
        state.Probes.Should().Be(6);
        state.Failures.Should().Be(3);
        state.ConsecutiveFailures.Should().Be(2);
        state.ConsecutiveSuccesses.Should().Be(0);
        state.Transitions.Should().Be(1);
        state.Status.Should().Be(HealthStatus.Healthy);

        Pipeline.Record("web", Passed("HTTP 200"));
        state = store.Get("web")!;
        state.ConsecutiveFailures.Should().Be(0);
        state.ConsecutiveSuccesses.Should().Be(1);
    }

    [Fact]
    public void Record_SuccessAfterFailure_KeepsLastFailure()
    {
        var store = CreateStore(Endpoint("web"));
        var failure = Failed("HTTP 503");
        var success = Passed("HTTP 200");

        Pipeline.Record("web", failure);
        Pipeline.Record("web", success);
        Pipeline.Record("web", Passed("HTTP 204"));

        var state = store.Get("web")!;
        state.LastFailure.Should().BeSameAs(failure);
        state.LastResult!.Detail.Should().Be("HTTP 204");
        state.History.Should().HaveCount(3).And.HaveElementAt(1, success);
    }

    [Fact]
    public void FirstRoundComplete_EveryEnabledEndpointCheckHasAResult_True()
    {
        var store = CreateStore(
            Endpoint("a"),
            Endpoint("b"),
            Endpoint("off") with { Disabled = true },
            Calculated("all", 2, "a", "b"));

        store.FirstRoundComplete.Should().BeFalse();

        Pipeline.Record("a", Failed("HTTP 500"));
        store.FirstRoundComplete.Should().BeFalse("b has no result yet");

        Pipeline.Record("b", Passed("HTTP 200"));
        store.FirstRoundComplete.Should().BeTrue("disabled and calculated checks are not probed");
    }

    [Fact]
    public void FirstRoundComplete_NothingToProbe_True()
    {
        CreateStore().FirstRoundComplete.Should().BeTrue();
        CreateStore(Endpoint("off") with { Disabled = true }, Calculated("all", 1, "off")).FirstRoundComplete.Should().BeTrue();
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
