using FailoverDns.Health.Checks;
using FailoverDns.Health.Policy;

namespace FailoverDns.Health.Tests.Policy;

public sealed class ThresholdPolicyTests
{
    private const HealthStatus U = HealthStatus.Unknown;
    private const HealthStatus H = HealthStatus.Healthy;
    private const HealthStatus X = HealthStatus.Unhealthy;

    /// <summary>
    /// Results as '+' (passed) and '-' (failed), and the state after each one as 'U' (unknown),
    /// 'H' (healthy) and 'X' (unhealthy); spaces only group the steps for reading.
    /// </summary>
    [Theory]
    // 3/3: no verdict takes the full failure threshold, then the full recovery threshold back.
    [InlineData(3, 3, "-- - ++ + ---", "UU X XX H HHX")]
    // A first success from no verdict is healthy at once.
    [InlineData(3, 3, "+ --- +", "H HHX X")]
    // A success resets the failure run; a failure resets the success run.
    [InlineData(3, 3, "--+ --+ --- ++-++ +", "UUH HHH HHX XXXXX H")]
    // Asymmetric: two failures to fall, four successes to rise.
    [InlineData(2, 4, "+ -- +++ + -+ --", "H HX XXX H HH HX")]
    [InlineData(2, 4, "- - +++- ++++", "U X XXXX XXXH")]
    // Threshold 1 follows every result.
    [InlineData(1, 1, "- + - - + +", "X H X X H H")]
    [InlineData(1, 1, "+ - +", "H X H")]
    // Staying unhealthy past the threshold changes nothing.
    [InlineData(1, 2, "----- + +", "XXXXX X H")]
    public void Apply_Sequence_WalksStatesStepByStep(int failureThreshold, int recoveryThreshold, string results, string expected)
    {
        var steps = results.Replace(" ", "", StringComparison.Ordinal);
        var statuses = expected.Replace(" ", "", StringComparison.Ordinal);
        steps.Length.Should().Be(statuses.Length, "the test data pairs every result with a state");

        var state = ThresholdState.Initial;
        for (var i = 0; i < steps.Length; i++)
        {
            state = ThresholdPolicy.Apply(state, steps[i] == '+', failureThreshold, recoveryThreshold);

            state.Status.Should().Be(Parse(statuses[i]), $"after step {i + 1} of \"{results}\" ({failureThreshold}/{recoveryThreshold})");
        }
    }

    [Fact]
    public void Apply_Sequence_CountsRunsAndResetsThemOnTheOppositeResult()
    {
        var expected = new (bool Passed, ThresholdState After)[]
        {
            (false, new(U, 0, 1)),
            (false, new(U, 0, 2)),
            (true, new(H, 1, 0)),
            (true, new(H, 2, 0)),
            (false, new(H, 0, 1)),
            (false, new(H, 0, 2)),
            (false, new(X, 0, 3)),
            (false, new(X, 0, 4)),
            (true, new(X, 1, 0)),
            (true, new(X, 2, 0)),
            (false, new(X, 0, 1)),
            (true, new(X, 1, 0)),
            (true, new(X, 2, 0)),
            (true, new(H, 3, 0)),
            (true, new(H, 4, 0)),
        };

        var state = ThresholdState.Initial;
        for (var i = 0; i < expected.Length; i++)
        {
            state = ThresholdPolicy.Apply(state, expected[i].Passed, 3, 3);

            state.Should().Be(expected[i].After, $"after step {i + 1}");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Apply_FirstProbeFromUnknown_TheResultDecides(bool passed)
    {
        var next = ThresholdPolicy.Apply(ThresholdState.Initial, passed, 3, 3, InitialState.FirstProbe);

        next.Should().Be(passed ? new ThresholdState(H, 1, 0) : new ThresholdState(HealthStatus.Unhealthy, 0, 1));
    }

    [Fact]
    public void Apply_FirstProbeFromAKnownState_TheThresholdsApply()
    {
        ThresholdPolicy.Apply(new ThresholdState(H, 4, 0), false, 3, 3, InitialState.FirstProbe).Should().Be(new ThresholdState(H, 0, 1));
    }

    [Fact]
    public void Initial_NoResult_IsUnknownWithEmptyRuns()
    {
        ThresholdState.Initial.Should().Be(new ThresholdState(U, 0, 0));
    }

    [Theory]
    [InlineData(U)]
    [InlineData(H)]
    public void Apply_FailuresBelowThreshold_KeepStatus(HealthStatus status)
    {
        var next = ThresholdPolicy.Apply(new ThresholdState(status, 5, 0), false, 2, 2);

        next.Should().Be(new ThresholdState(status, 0, 1));
    }

    [Fact]
    public void Apply_FailureAtThresholdFromHealthy_Unhealthy()
    {
        var next = ThresholdPolicy.Apply(new ThresholdState(H, 0, 9), false, 10, 1);

        next.Should().Be(new ThresholdState(X, 0, 10));
    }

    [Fact]
    public void Apply_SuccessFromUnknown_HealthyWhateverTheRecoveryThreshold()
    {
        var next = ThresholdPolicy.Apply(new ThresholdState(U, 0, 2), true, 3, 10);

        next.Should().Be(new ThresholdState(H, 1, 0));
    }

    [Theory]
    // All of three.
    [InlineData("HHH", 3, H)]
    [InlineData("HHX", 3, X)]
    [InlineData("HUU", 3, H)]
    [InlineData("UXU", 3, X)]
    // Any of three.
    [InlineData("XXH", 1, H)]
    [InlineData("XXX", 1, X)]
    [InlineData("XXU", 1, H)]
    // At least two of three.
    [InlineData("HXX", 2, X)]
    [InlineData("HXH", 2, H)]
    [InlineData("UXH", 2, H)]
    [InlineData("UXX", 2, X)]
    // No child has a verdict: no verdict.
    [InlineData("UUU", 3, U)]
    [InlineData("UUU", 1, U)]
    [InlineData("U", 1, U)]
    // One child.
    [InlineData("H", 1, H)]
    [InlineData("X", 1, X)]
    public void Calculate_Children_CountsUnknownAsHealthy(string children, int requiredHealthy, HealthStatus expected)
    {
        var statuses = children.Select(Parse).ToList();

        ThresholdPolicy.Calculate(statuses, requiredHealthy).Should().Be(expected);
    }

    [Theory]
    [InlineData(H, X)]
    [InlineData(X, H)]
    [InlineData(U, U)]
    public void Invert_Status_SwapsHealthyAndUnhealthyKeepsUnknown(HealthStatus status, HealthStatus expected)
    {
        ThresholdPolicy.Invert(status).Should().Be(expected);
    }

    private static HealthStatus Parse(char status) => status switch
    {
        'U' => U,
        'H' => H,
        'X' => X,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "U, H or X"),
    };
}
