using FailoverDns.Health.Checks;
using FailoverDns.Health.Policy;
using Microsoft.Extensions.Time.Testing;

namespace FailoverDns.Health.Tests.Policy;

public sealed class FlapDamperTests
{
    private const HealthStatus H = HealthStatus.Healthy;
    private const HealthStatus X = HealthStatus.Unhealthy;

    private static readonly FlapDampingOptions Options = new() { MaxChanges = 4, Window = TimeSpan.FromMinutes(5), HoldFor = TimeSpan.FromMinutes(2) };

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private FlapState _state = FlapState.Initial;

    [Fact]
    public void Apply_FourChangesInWindow_NotDamped()
    {
        var steps = Feed(TimeSpan.FromSeconds(30), H, X, H, X, H);

        steps.Select(s => s.Status).Should().Equal(H, X, H, X, H);
        steps.Should().OnlyContain(s => s.Edge == FlapEdge.None);
        _state.Damped.Should().BeFalse();
    }

    [Fact]
    public void Apply_FifthChangeInWindow_HeldUnhealthyFromThatStep()
    {
        var started = _clock.GetUtcNow() + TimeSpan.FromSeconds(180);

        var steps = Feed(TimeSpan.FromSeconds(30), H, X, H, X, H, X, H);

        // Changes at steps 2-6; the fifth (to X) damps, and the next H is held.
        steps.Select(s => s.Status).Should().Equal(H, X, H, X, H, X, X);
        steps.Select(s => s.Edge).Should().Equal(FlapEdge.None, FlapEdge.None, FlapEdge.None, FlapEdge.None, FlapEdge.None, FlapEdge.Started, FlapEdge.None);
        _state.DampedSince.Should().Be(started);
        _state.Changes.Should().HaveCount(5);
    }

    [Fact]
    public void Apply_FifthChangeToHealthy_StartsDampingAndHoldsUnhealthy()
    {
        var steps = Feed(TimeSpan.FromSeconds(10), X, H, X, H, X, H);

        steps[^1].Should().Be(new FlapStep(X, _state, FlapEdge.Started));
    }

    [Fact]
    public void Apply_ChangesSpreadWiderThanWindow_NeverDamped()
    {
        // A change every 76s: five changes span 5m04s, so never more than 4 within 5m.
        var steps = Feed(TimeSpan.FromSeconds(76), H, X, H, X, H, X, H, X, H, X, H, X);

        steps.Select(s => s.Status).Should().Equal(H, X, H, X, H, X, H, X, H, X, H, X);
        _state.Damped.Should().BeFalse();
        _state.Changes.Count.Should().BeLessThanOrEqualTo(Options.MaxChanges + 1, "only what decides is kept");
    }

    [Fact]
    public void Apply_FirstVerdictFromUnknown_IsNotAChange()
    {
        var steps = Feed(TimeSpan.FromSeconds(1), HealthStatus.Unknown, HealthStatus.Unknown, X, H, X, H, X);

        steps.Should().OnlyContain(s => s.Edge == FlapEdge.None);
        _state.Changes.Should().HaveCount(4);
    }

    [Fact]
    public void Apply_Damped_ReleasedToCurrentVerdictOnceStableForHoldFor()
    {
        Feed(TimeSpan.FromSeconds(10), H, X, H, X, H, X);
        _state.Damped.Should().BeTrue();

        // Stable healthy from the next step on: held until 2m after that change, then released.
        var changedAt = _clock.GetUtcNow() + TimeSpan.FromSeconds(10);
        var steps = Feed(TimeSpan.FromSeconds(10), Enumerable.Repeat(H, 13).ToArray());

        steps.Take(12).Should().OnlyContain(s => s.Status == X && s.Edge == FlapEdge.None);
        steps[^1].Status.Should().Be(H);
        steps[^1].Edge.Should().Be(FlapEdge.Released);
        (_clock.GetUtcNow() - changedAt).Should().Be(Options.HoldFor);
        _state.Damped.Should().BeFalse();
    }

    [Fact]
    public void Apply_Damped_StableUnhealthyReleasedAsUnhealthy()
    {
        Feed(TimeSpan.FromSeconds(10), H, X, H, X, H, X);

        var steps = Feed(TimeSpan.FromMinutes(1), X, X);

        steps.Select(s => (s.Status, s.Edge)).Should().Equal((X, FlapEdge.None), (X, FlapEdge.Released));
    }

    [Fact]
    public void Apply_ChangeWhileDamped_RestartsTheHold()
    {
        Feed(TimeSpan.FromSeconds(10), H, X, H, X, H, X);

        // 1m stable, one change, then 1m30s: 2m30s since damping but only 1m30s since the change.
        var steps = Feed(TimeSpan.FromSeconds(30), X, X, H, H, H, H);

        steps.Should().OnlyContain(s => s.Status == X && s.Edge == FlapEdge.None);
        Feed(TimeSpan.FromSeconds(30), H).Single().Edge.Should().Be(FlapEdge.Released);
    }

    [Fact]
    public void Apply_FlapsAgainSoonAfterRelease_DampedAgainAtItsNextChange()
    {
        Feed(TimeSpan.FromSeconds(10), H, X, H, X, H, X);
        Feed(TimeSpan.FromMinutes(2), X).Single().Edge.Should().Be(FlapEdge.Released);

        // Its five changes are still within the window: one more is still flapping.
        var step = Feed(TimeSpan.FromSeconds(10), H).Single();

        step.Edge.Should().Be(FlapEdge.Started);
        step.Status.Should().Be(X);
    }

    [Fact]
    public void Apply_Off_PassesEveryVerdictThrough()
    {
        var steps = Feed(TimeSpan.FromSeconds(1), FlapDampingOptions.Off, H, X, H, X, H, X, H, X, H);

        steps.Select(s => s.Status).Should().Equal(H, X, H, X, H, X, H, X, H);
        steps.Should().OnlyContain(s => s.Edge == FlapEdge.None && !s.State.Damped);
    }

    [Fact]
    public void Apply_MaxChangesZero_FirstChangeDamps()
    {
        var steps = Feed(TimeSpan.FromSeconds(1), Options with { MaxChanges = 0 }, H, X);

        steps[^1].Edge.Should().Be(FlapEdge.Started);
    }

    [Fact]
    public void Describe_Edges_SayWhatHappensInOperatorWords()
    {
        var steps = Feed(TimeSpan.FromSeconds(10), H, X, H, X, H, X, X);
        var released = Feed(TimeSpan.FromMinutes(2), X).Single();

        FlapDamper.Describe(steps[0], Options).Should().BeNull();
        FlapDamper.Describe(steps[5], Options).Should().Be("flapping: 5 changes within 5m; held unhealthy until stable for 2m");
        FlapDamper.Describe(steps[6], Options).Should().Be("flapping: held unhealthy until stable for 2m");
        FlapDamper.Describe(released, Options).Should().Be("stable for 2m after flapping; no longer held unhealthy");
    }

    private List<FlapStep> Feed(TimeSpan every, params HealthStatus[] verdicts) => Feed(every, Options, verdicts);

    /// <summary>Advances the clock by <paramref name="every"/>, then applies each verdict in turn.</summary>
    private List<FlapStep> Feed(TimeSpan every, FlapDampingOptions options, params HealthStatus[] verdicts)
    {
        var steps = new List<FlapStep>();
        foreach (var verdict in verdicts)
        {
            _clock.Advance(every);
            var step = FlapDamper.Apply(_state, verdict, _clock.GetUtcNow(), options);
            _state = step.State;
            steps.Add(step);
        }

        return steps;
    }
}
