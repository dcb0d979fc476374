using FailoverDns.Health.Checks;
using FailoverDns.Health.Policy;

namespace FailoverDns.Health.Tests.Policy;

public sealed class QuorumRuleTests
{
    private const HealthStatus U = HealthStatus.Unknown;
    private const HealthStatus H = HealthStatus.Healthy;
    private const HealthStatus X = HealthStatus.Unhealthy;

    [Theory]
    [InlineData("HXX", H)]          // 1 of 3 healthy: 33 % > 18 %
    [InlineData("XXX", X)]
    [InlineData("HXXXXX", X)]       // 1 of 6: 16.7 %, not more than 18 %
    [InlineData("HXXXX", H)]        // 1 of 5: 20 %
    [InlineData("HX", H)]
    [InlineData("XU", X)]           // a location with no verdict yet does not vote
    public void Route53_HealthyWhileMoreThan18PercentSaySo(string verdicts, HealthStatus expected)
    {
        QuorumRule.Route53.Decide(Parse(verdicts)).Should().Be(expected);
    }

    [Theory]
    [InlineData(QuorumKind.Majority, 1, "HHX", H)]
    [InlineData(QuorumKind.Majority, 1, "HX", X)]
    [InlineData(QuorumKind.All, 1, "HHH", H)]
    [InlineData(QuorumKind.All, 1, "HHX", X)]
    [InlineData(QuorumKind.AtLeast, 2, "HHX", H)]
    [InlineData(QuorumKind.AtLeast, 2, "HXX", X)]
    public void OtherRules(QuorumKind kind, int atLeast, string verdicts, HealthStatus expected)
    {
        new QuorumRule(kind, atLeast).Decide(Parse(verdicts)).Should().Be(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("UU")]
    [InlineData("X")]
    public void TooFewVotingLocations_NoDecision(string verdicts)
    {
        new QuorumRule(QuorumKind.Route53, MinLocations: 2).Decide(Parse(verdicts)).Should().BeNull();
    }

    [Fact]
    public void Describes_ItsRule()
    {
        new QuorumRule(QuorumKind.AtLeast, 2, 3).ToString().Should().Be("healthy while at least 2 live location(s) say so, with at least 3 live locations (else the last decision stands)");
    }

    private static HealthStatus[] Parse(string verdicts) => [.. verdicts.Select(c => c switch { 'H' => H, 'X' => X, _ => U })];
}
