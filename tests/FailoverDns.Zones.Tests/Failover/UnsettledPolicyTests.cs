using FailoverDns.Zones.Failover;

namespace FailoverDns.Zones.Tests.Failover;

/// <summary>
/// When an answer is unsettled (README, TTLs): a turning check (part of the way to its threshold) whose
/// crossing would change the tier served. Primary and secondary guarded by checks p and s, unless noted.
/// </summary>
public sealed class UnsettledPolicyTests
{
    private const bool Healthy = true;
    private const bool Unhealthy = false;

    public static TheoryData<string, bool, bool, bool, bool, int> Table => new()
    {
        // row, primary healthy, primary turning, secondary healthy, secondary turning, turning tier (-1: settled)
        { "both healthy, steady", Healthy, false, Healthy, false, -1 },
        { "served primary failing", Healthy, true, Healthy, false, 0 },
        { "served primary failing, secondary down: it would fail open to the primary anyway", Healthy, true, Unhealthy, false, -1 },
        { "secondary failing behind a served primary", Healthy, false, Healthy, true, -1 },
        { "secondary recovering behind a served primary", Healthy, false, Unhealthy, true, -1 },
        { "failed over, primary still down", Unhealthy, false, Healthy, false, -1 },
        { "failed over, primary recovering", Unhealthy, true, Healthy, false, 0 },
        { "failed over, served secondary failing", Unhealthy, false, Healthy, true, 1 },
        { "all unhealthy (primary served), secondary recovering", Unhealthy, false, Unhealthy, true, 1 },
        { "all unhealthy (primary served), primary recovering", Unhealthy, true, Unhealthy, false, -1 },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void TurningTier_PrimaryAndSecondary_FollowsTheTable(string row, bool primary, bool primaryTurning, bool secondary, bool secondaryTurning, int expected)
    {
        _ = row;

        UnsettledPolicy.TurningTier(["p", "s"], [primary, secondary], [primaryTurning, secondaryTurning], AllUnhealthyPolicy.Primary).Should().Be(expected);
    }

    [Fact]
    public void TurningTier_AllUnhealthyServesNoData_PrimaryRecoveringUnsettlesIt()
    {
        UnsettledPolicy.TurningTier(["p", "s"], [Unhealthy, Unhealthy], [true, false], AllUnhealthyPolicy.NoData).Should().Be(0, "its recovery would end the NODATA");
    }

    [Fact]
    public void TurningTier_TierWithoutCheck_NeverTurns()
    {
        UnsettledPolicy.TurningTier(["p", null], [Unhealthy, Healthy], [false, true], AllUnhealthyPolicy.Primary).Should().Be(-1);
    }

    [Fact]
    public void TurningTier_OneCheckGuardsBothTiers_TurnsThemTogether()
    {
        // The primary alone failing would serve the secondary; both failing fail open to the primary.
        UnsettledPolicy.TurningTier(["p", "p"], [Healthy, Healthy], [true, true], AllUnhealthyPolicy.Primary).Should().Be(-1);
    }
}
