using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using FailoverDns.Health.Tests.Probes;

namespace FailoverDns.Health.Tests.State;

public sealed class HealthStateStoreTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly ManualClock _clock = new(Start);
    private readonly List<HealthTransition> _transitions = [];

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

        store.Record("web", Failed("HTTP 503"));
        _clock.Advance(TimeSpan.FromSeconds(30));
        store.Record("web", Failed("HTTP 503"));
        _clock.Advance(TimeSpan.FromSeconds(30));
        _transitions.Should().BeEmpty("two failures are below the threshold of 3");

        store.Record("web", Failed("HTTP 503"));
        var at = Start + TimeSpan.FromSeconds(60);
        _clock.Advance(TimeSpan.FromSeconds(30));
        store.Record("web", Failed("HTTP 503"));
        store.Record("web", Failed("HTTP 503"));

        _transitions.Should().Equal(new HealthTransition("web", HealthStatus.Unknown, HealthStatus.Unhealthy, "HTTP 503, 3 failed in a row", at));
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

        store.Record("web", Passed("HTTP 200"));
        store.Record("web", Passed("HTTP 200"));

        _transitions.Should().Equal(new HealthTransition("web", HealthStatus.Unknown, HealthStatus.Healthy, "HTTP 200, 1 passed in a row", Start + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Record_FailAndRecover_AnnouncesEachChangeOnce()
    {
        var store = CreateStore(Endpoint("web") with { FailureThreshold = 2, RecoveryThreshold = 3 });

        foreach (var passed in new[] { true, false, false, false, true, true, false, true, true, true, true })
        {
            _clock.Advance(TimeSpan.FromSeconds(10));
            store.Record("web", passed ? Passed("HTTP 200") : Failed("HTTP 500"));
        }

        _transitions.Should().Equal(
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
        store.Transitioned += t => seen.Add(store.Get(t.Check)!.Status);

        store.Record("web", Failed("HTTP 500"));
        store.Record("web", Passed("HTTP 200"));
        store.Record("web", Passed("HTTP 200"));
        store.Record("web", Passed("HTTP 200"));

        seen.Should().Equal(HealthStatus.Unhealthy, HealthStatus.Healthy);
    }

    [Fact]
    public void Record_Inverted_PassingProbeCountsAsFailure()
    {
        var store = CreateStore(Endpoint("web") with { Invert = true, FailureThreshold = 2, RecoveryThreshold = 2 });

        store.Record("web", Passed("HTTP 200"));
        store.Record("web", Passed("HTTP 200"));

        _transitions.Should().Equal(new HealthTransition("web", HealthStatus.Unknown, HealthStatus.Unhealthy, "HTTP 200 (inverted), 2 failed in a row", Start));
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

        store.Record("web", failure);

        _transitions.Should().Equal(new HealthTransition("web", HealthStatus.Unknown, HealthStatus.Healthy, "connection refused (inverted), 1 passed in a row", Start));
        store.Get("web")!.LastFailure.Should().BeSameAs(failure);
    }

    [Fact]
    public void Record_DisabledCheck_StaysHealthyAndIgnoresResults()
    {
        var store = CreateStore(Endpoint("web") with { Disabled = true, FailureThreshold = 1 });

        store.Record("web", Failed("HTTP 500"));
        store.Record("web", Failed("HTTP 500"));

        _transitions.Should().BeEmpty();
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

        store.Record("other", Failed("HTTP 500"));

        _transitions.Should().BeEmpty();
        store.All.Should().ContainSingle().Which.Probes.Should().Be(0);
    }

    [Fact]
    public void Record_ChildFails_CalculatedAllFollowsAfterTheChild()
    {
        var store = CreateStore(Flappy("a"), Endpoint("b"), Calculated("all", 2, "a", "b"));
        _clock.Advance(TimeSpan.FromSeconds(5));

        store.Record("a", Failed("HTTP 500"));

        _transitions.Should().Equal(
            new HealthTransition("a", HealthStatus.Unknown, HealthStatus.Unhealthy, "HTTP 500, 1 failed in a row", Start + TimeSpan.FromSeconds(5)),
            new HealthTransition("all", HealthStatus.Unknown, HealthStatus.Unhealthy, "1 of 2 checks healthy, 2 required", Start + TimeSpan.FromSeconds(5)));
        store.Get("all")!.Since.Should().Be(Start + TimeSpan.FromSeconds(5));
        store.Get("all")!.Transitions.Should().Be(1);
    }

    [Fact]
    public void Record_ChildChanges_CalculatedAnyRecomputedOnlyWhenItsAnswerChanges()
    {
        var store = CreateStore(Flappy("a"), Flappy("b"), Calculated("any", 1, "a", "b"));

        store.Record("a", Passed("HTTP 200"));
        store.Record("b", Failed("HTTP 500"));
        store.Record("a", Failed("HTTP 500"));
        store.Record("b", Passed("HTTP 200"));

        _transitions.Select(t => (t.Check, t.From, t.To)).Should().Equal(
            ("a", HealthStatus.Unknown, HealthStatus.Healthy),
            ("any", HealthStatus.Unknown, HealthStatus.Healthy),
            ("b", HealthStatus.Unknown, HealthStatus.Unhealthy),
            ("a", HealthStatus.Healthy, HealthStatus.Unhealthy),
            ("any", HealthStatus.Healthy, HealthStatus.Unhealthy),
            ("b", HealthStatus.Unhealthy, HealthStatus.Healthy),
            ("any", HealthStatus.Unhealthy, HealthStatus.Healthy));
        _transitions.Where(t => t.Check == "any").Select(t => t.Reason).Should().Equal(
            "2 of 2 checks healthy, 1 required",
            "0 of 2 checks healthy, 1 required",
            "1 of 2 checks healthy, 1 required");
    }

    [Fact]
    public void Record_ChildChanges_AtLeastTwoOfThree()
    {
        var store = CreateStore(
            Flappy("a"),
            Flappy("b"),
            Flappy("c"),
            Calculated("two", 2, "a", "b", "c"));

        store.Record("a", Failed("HTTP 500"));
        store.Get("two")!.Status.Should().Be(HealthStatus.Healthy, "b and c have no verdict and count as healthy");

        store.Record("b", Failed("HTTP 500"));
        store.Get("two")!.Status.Should().Be(HealthStatus.Unhealthy);

        store.Record("c", Passed("HTTP 200"));
        store.Get("two")!.Status.Should().Be(HealthStatus.Unhealthy);

        store.Record("a", Passed("HTTP 200"));
        store.Get("two")!.Status.Should().Be(HealthStatus.Healthy);
        _transitions.Where(t => t.Check == "two").Select(t => t.To).Should().Equal(HealthStatus.Healthy, HealthStatus.Unhealthy, HealthStatus.Healthy);
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

        store.Record("a", Failed("HTTP 500"));
        store.Record("c", Failed("HTTP 500"));
        store.Record("a", Passed("HTTP 200"));

        // mid is unhealthy at once, while top stays healthy on c, which has no verdict yet.
        _transitions.Select(t => (t.Check, t.From, t.To)).Should().Equal(
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

        store.Record("a", Failed("HTTP 500"));

        _transitions.Select(t => t.Check).Should().BeEquivalentTo(["a", "left", "right", "top"]);
        _transitions.Should().ContainSingle(t => t.Check == "top").Which.To.Should().Be(HealthStatus.Unhealthy);
        store.Get("top")!.Transitions.Should().Be(1);
    }

    [Fact]
    public void Record_InvertedCalculated_InvertsTheRule()
    {
        var store = CreateStore(Flappy("a"), Calculated("down", 1, "a") with { Invert = true });

        store.Record("a", Passed("HTTP 200"));
        store.Get("down")!.Status.Should().Be(HealthStatus.Unhealthy);

        store.Record("a", Failed("HTTP 500"));
        store.Get("down")!.Status.Should().Be(HealthStatus.Healthy);
    }

    [Fact]
    public void Record_DisabledCalculated_StaysHealthy()
    {
        var store = CreateStore(Flappy("a"), Calculated("all", 1, "a") with { Disabled = true });

        store.Record("a", Failed("HTTP 500"));

        store.Get("all")!.Status.Should().Be(HealthStatus.Healthy);
        _transitions.Should().ContainSingle().Which.Check.Should().Be("a");
    }

    [Fact]
    public void Record_DisabledChild_CountsAsHealthyInTheCalculation()
    {
        var store = CreateStore(
            Flappy("a"),
            Endpoint("b") with { Disabled = true },
            Calculated("any", 1, "a", "b"));

        store.Record("a", Failed("HTTP 500"));

        store.Get("any")!.Status.Should().Be(HealthStatus.Healthy);
    }

    [Fact]
    public void Record_ManyResults_KeepsTheLastTwentyInOrder()
    {
        var store = CreateStore(Endpoint("web"));

        for (var i = 1; i <= 25; i++)
        {
            store.Record("web", i % 5 == 0 ? Failed($"#{i}") : Passed($"#{i}"));
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
            store.Record("web", passed ? Passed("HTTP 200") : Failed("HTTP 500"));
        }

        var state = store.Get("web")!;
        state.Probes.Should().Be(6);
        state.Failures.Should().Be(3);
        state.ConsecutiveFailures.Should().Be(2);
        state.ConsecutiveSuccesses.Should().Be(0);
        state.Transitions.Should().Be(1);
        state.Status.Should().Be(HealthStatus.Healthy);

        store.Record("web", Passed("HTTP 200"));
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

        store.Record("web", failure);
        store.Record("web", success);
        store.Record("web", Passed("HTTP 204"));

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

        store.Record("a", Failed("HTTP 500"));
        store.FirstRoundComplete.Should().BeFalse("b has no result yet");

        store.Record("b", Passed("HTTP 200"));
        store.FirstRoundComplete.Should().BeTrue("disabled and calculated checks are not probed");
    }

    [Fact]
    public void FirstRoundComplete_NothingToProbe_True()
    {
        CreateStore().FirstRoundComplete.Should().BeTrue();
        CreateStore(Endpoint("off") with { Disabled = true }, Calculated("all", 1, "off")).FirstRoundComplete.Should().BeTrue();
    }

    [Fact]
    public void SetOverride_Unhealthy_ForcesStateWhileProbesGoOnUnderneath()
    {
        var store = CreateStore(Flappy("web"));
        store.Record("web", Passed("HTTP 200"));
        _transitions.Clear();

        store.SetOverride("web", new HealthOverride(HealthStatus.Unhealthy, null, "maintenance", Start)).Should().BeTrue();
        store.Record("web", Passed("HTTP 200"));

        var state = store.Get("web")!;
        state.Status.Should().Be(HealthStatus.Unhealthy);
        state.ProbedStatus.Should().Be(HealthStatus.Healthy);
        state.Probes.Should().Be(2);
        _transitions.Should().Equal(new HealthTransition("web", HealthStatus.Healthy, HealthStatus.Unhealthy, "overridden to unhealthy: maintenance", Start));
    }

    [Fact]
    public void SetOverride_Cleared_ReturnsToWhatTheProbesSay()
    {
        var store = CreateStore(Flappy("web"));
        store.SetOverride("web", new HealthOverride(HealthStatus.Unhealthy, null, "drill", Start));
        store.Record("web", Failed("HTTP 500"));
        store.Record("web", Passed("HTTP 200"));
        _transitions.Clear();

        store.SetOverride("web", null);

        store.Get("web")!.Status.Should().Be(HealthStatus.Healthy);
        store.Get("web")!.Override.Should().BeNull();
        _transitions.Should().Equal(new HealthTransition("web", HealthStatus.Unhealthy, HealthStatus.Healthy, "override cleared; probes say healthy", Start));
    }

    [Fact]
    public void SetOverride_UnknownCheck_ReturnsFalse()
    {
        CreateStore(Endpoint("web")).SetOverride("nope", new HealthOverride(HealthStatus.Healthy, null, "", Start)).Should().BeFalse();
    }

    [Fact]
    public void SetOverride_ChildForced_CalculatedParentFollows()
    {
        var store = CreateStore(Flappy("a"), Flappy("b"), Calculated("both", 2, "a", "b"));

        store.SetOverride("a", new HealthOverride(HealthStatus.Unhealthy, null, "drill", Start));

        store.Get("both")!.Status.Should().Be(HealthStatus.Unhealthy);
    }

    [Fact]
    public void ExpireOverrides_UntilPassed_ClearsOnlyThoseDue()
    {
        var store = CreateStore(Flappy("a"), Flappy("b"));
        store.SetOverride("a", new HealthOverride(HealthStatus.Unhealthy, Start + TimeSpan.FromMinutes(5), "short", Start));
        store.SetOverride("b", new HealthOverride(HealthStatus.Unhealthy, Start + TimeSpan.FromMinutes(60), "long", Start));

        _clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        store.ExpireOverrides().Should().BeEmpty();
        _clock.Advance(TimeSpan.FromSeconds(1));
        store.ExpireOverrides().Should().Equal("a");

        store.Get("a")!.Override.Should().BeNull();
        store.Get("a")!.Status.Should().Be(HealthStatus.Unknown, "no probe has spoken yet");
        store.Get("b")!.Status.Should().Be(HealthStatus.Unhealthy);
    }

    [Fact]
    public void Reconcile_UnchangedCheck_KeepsStateHistoryAndCounters()
    {
        var store = CreateStore(Flappy("web"), Flappy("gone"));
        store.Record("web", Failed("HTTP 500"));
        var before = store.Get("web")!;
        _transitions.Clear();

        store.Reconcile([Flappy("web"), Flappy("new")]).Should().Equal("new");

        store.Get("web").Should().Be(before);
        store.Get("gone").Should().BeNull();
        store.Get("new")!.Status.Should().Be(HealthStatus.Unknown);
        _transitions.Should().BeEmpty("the caller re-decides every answer after a reload");
    }

    [Fact]
    public void Reconcile_OnlyIntervalAndThresholdsChanged_KeepsTheVerdict()
    {
        var store = CreateStore(Flappy("web"));
        store.Record("web", Failed("HTTP 500"));
        var changed = Flappy("web") with { FailureThreshold = 5, Endpoint = Flappy("web").Endpoint! with { Interval = TimeSpan.FromSeconds(1) } };

        store.Reconcile([changed]).Should().BeEmpty();

        store.Get("web")!.Status.Should().Be(HealthStatus.Unhealthy, "an unhealthy primary must not be served again because its interval changed");
        store.Get("web")!.Definition.Should().Be(changed);
    }

    [Fact]
    public void Reconcile_TargetChanged_StartsOverButKeepsTheOverride()
    {
        var store = CreateStore(Flappy("web"));
        store.Record("web", Failed("HTTP 500"));
        store.SetOverride("web", new HealthOverride(HealthStatus.Healthy, null, "known good", Start));
        var moved = Flappy("web") with { Endpoint = TestProbes.Http(8081, "web.example") };

        store.Reconcile([moved]).Should().Equal("web");

        var state = store.Get("web")!;
        state.ProbedStatus.Should().Be(HealthStatus.Unknown);
        state.Status.Should().Be(HealthStatus.Healthy, "the override still holds");
        state.History.Should().BeEmpty();
    }

    private HealthStateStore CreateStore(params HealthCheckDefinition[] definitions)
    {
        var store = new HealthStateStore(definitions, _clock);
        store.Transitioned += _transitions.Add;
        return store;
    }

    private static HealthCheckDefinition Endpoint(string name) => new() { Name = name, Endpoint = TestProbes.Http(8080, $"{name}.example") };

    /// <summary>A check that follows every result: thresholds of 1 both ways.</summary>
    private static HealthCheckDefinition Flappy(string name) => Endpoint(name) with { FailureThreshold = 1, RecoveryThreshold = 1 };

    private static HealthCheckDefinition Calculated(string name, int requiredHealthy, params string[] children) =>
        new() { Name = name, Calculated = new CalculatedCheck(children, requiredHealthy) };

    private ProbeResult Passed(string detail) => ProbeResult.Success(TimeSpan.FromMilliseconds(3), _clock.GetUtcNow(), detail, 200);

    private ProbeResult Failed(string detail) => ProbeResult.Failed(ProbeFailure.StatusCode, detail, TimeSpan.FromMilliseconds(3), _clock.GetUtcNow(), 500);
}
