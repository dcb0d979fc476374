using FailoverDns.Zones.Failover;

namespace FailoverDns.Zones.Tests.Failover;

/// <summary>
/// The decision table of the README (Failover records and health checks), row by row. The policy sees one flag per tier: a tier whose
/// check is healthy, has no verdict yet, or that has no check at all, is healthy.
/// </summary>
public sealed class FailoverPolicyTests
{
    private const bool Healthy = true;
    private const bool Unhealthy = false;

    // The caller maps "not yet probed" and "no health check" to healthy; the table lists them apart.
    private const bool NotYetProbed = Healthy;
    private const bool Unchecked = Healthy;

    public static TheoryData<string, bool, bool, int, bool> DecisionTable => new()
    {
        // row, primary, secondary, tier served, all unhealthy
        { "healthy/healthy", Healthy, Healthy, 0, false },
        { "healthy/unhealthy", Healthy, Unhealthy, 0, false },
        { "not yet probed/unhealthy", NotYetProbed, Unhealthy, 0, false },
        { "not yet probed/not yet probed", NotYetProbed, NotYetProbed, 0, false },
        { "unhealthy/healthy", Unhealthy, Healthy, 1, false },
        { "unhealthy/no check", Unhealthy, Unchecked, 1, false },
        { "unhealthy/not yet probed", Unhealthy, NotYetProbed, 1, false },
        // Route 53 "fails open" to the primary when every record is unhealthy.
        { "unhealthy/unhealthy", Unhealthy, Unhealthy, 0, true },
    };

    [Theory]
    [MemberData(nameof(DecisionTable))]
    public void Choose_PrimaryAndSecondary_FollowsTheDecisionTable(string row, bool primary, bool secondary, int tier, bool allUnhealthy)
    {
        _ = row; // names the table row in the test's display name

        var decision = FailoverPolicy.Choose([primary, secondary], AllUnhealthyPolicy.Primary);

        decision.Should().Be(new FailoverDecision(tier, allUnhealthy, AllUnhealthyPolicy.Primary));
        decision.ServesTier.Should().BeTrue();
    }

    [Fact]
    public void Choose_StepsOfTheDesignExample_FlipToSecondaryAndBack()
    {
        // The README's five steps: healthy, healthy, unhealthy, unhealthy, healthy → primary, primary, secondary, secondary, primary.
        var steps = new[] { Healthy, Healthy, Unhealthy, Unhealthy, Healthy };

        var served = steps.Select(primary => FailoverPolicy.Choose([primary, Unchecked], AllUnhealthyPolicy.Primary).Tier);

        served.Should().Equal(0, 0, 1, 1, 0);
    }

    public static TheoryData<bool[], int> FirstHealthyTierCases => new()
    {
        { [Healthy, Healthy], 0 },
        { [Unhealthy, Healthy], 1 },
        { [Healthy, Healthy, Healthy], 0 },
        { [Unhealthy, Healthy, Healthy], 1 },
        { [Unhealthy, Unhealthy, Healthy], 2 },
        { [Healthy, Unhealthy, Unhealthy], 0 },
        { [Unhealthy, Healthy, Unhealthy], 1 },
        { [Healthy, Healthy, Healthy, Healthy, Healthy], 0 },
        { [Unhealthy, Healthy, Healthy, Healthy, Healthy], 1 },
        { [Unhealthy, Unhealthy, Healthy, Unhealthy, Healthy], 2 },
        { [Unhealthy, Unhealthy, Unhealthy, Healthy, Healthy], 3 },
        { [Unhealthy, Unhealthy, Unhealthy, Unhealthy, Healthy], 4 },
    };

    [Theory]
    [MemberData(nameof(FirstHealthyTierCases))]
    public void Choose_SomeTierHealthy_FirstHealthyTierWins(bool[] tiers, int expected)
    {
        foreach (var policy in Enum.GetValues<AllUnhealthyPolicy>())
        {
            var decision = FailoverPolicy.Choose(tiers, policy);

            decision.Should().Be(new FailoverDecision(expected, false, policy), "the all-unhealthy policy ({0}) plays no part while a tier is healthy", policy);
            decision.ServesTier.Should().BeTrue();
        }
    }

    public static TheoryData<int, AllUnhealthyPolicy, int> AllUnhealthyCases => new()
    {
        { 2, AllUnhealthyPolicy.Primary, 0 },
        { 3, AllUnhealthyPolicy.Primary, 0 },
        { 5, AllUnhealthyPolicy.Primary, 0 },
        { 2, AllUnhealthyPolicy.LastTier, 1 },
        { 3, AllUnhealthyPolicy.LastTier, 2 },
        { 5, AllUnhealthyPolicy.LastTier, 4 },
        { 2, AllUnhealthyPolicy.NoData, -1 },
        { 3, AllUnhealthyPolicy.NoData, -1 },
        { 5, AllUnhealthyPolicy.NoData, -1 },
        { 2, AllUnhealthyPolicy.ServFail, -1 },
        { 3, AllUnhealthyPolicy.ServFail, -1 },
        { 5, AllUnhealthyPolicy.ServFail, -1 },
    };

    [Theory]
    [MemberData(nameof(AllUnhealthyCases))]
    public void Choose_AllTiersUnhealthy_PolicyDecides(int tierCount, AllUnhealthyPolicy policy, int expected)
    {
        var decision = FailoverPolicy.Choose(Enumerable.Repeat(Unhealthy, tierCount).ToArray(), policy);

        decision.Should().Be(new FailoverDecision(expected, true, policy));
        decision.ServesTier.Should().Be(expected >= 0);
    }

    [Fact]
    public void Choose_AllUnhealthyWithServFail_CarriesServFailPolicyAndNoTier()
    {
        var decision = FailoverPolicy.Choose([Unhealthy, Unhealthy, Unhealthy], AllUnhealthyPolicy.ServFail);

        decision.Tier.Should().Be(-1);
        decision.ServesTier.Should().BeFalse();
        decision.AllUnhealthy.Should().BeTrue();
        decision.Policy.Should().Be(AllUnhealthyPolicy.ServFail);
    }

    [Fact]
    public void Choose_AllUnhealthyWithNoData_CarriesNoDataPolicyAndNoTier()
    {
        var decision = FailoverPolicy.Choose([Unhealthy, Unhealthy], AllUnhealthyPolicy.NoData);

        decision.Tier.Should().Be(-1);
        decision.ServesTier.Should().BeFalse();
        decision.AllUnhealthy.Should().BeTrue();
        decision.Policy.Should().Be(AllUnhealthyPolicy.NoData);
    }
}
