using FailoverDns.Health.Checks;
using FailoverDns.Health.Policy;
using FailoverDns.Health.State;
using FailoverDns.Server.Cluster;
using FluentAssertions;
using Microsoft.Extensions.Time.Testing;

namespace FailoverDns.Server.Tests.Cluster;

/// <summary>The pure parts of cluster mode: the decision over the locations' verdicts, the key layout, and what a location publishes.</summary>
public sealed class QuorumDecisionTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly HealthCheckDefinition Web = new()
    {
        Name = "web",
        Endpoint = new EndpointCheckOptions { Protocol = ProbeProtocol.Http, Target = "192.0.2.1", Port = 80, ConnectTimeout = TimeSpan.FromSeconds(2) },
    };

    private static Dictionary<string, LocationVerdict> Votes(params (string Location, string Status)[] votes) =>
        votes.ToDictionary(v => v.Location, v => new LocationVerdict(v.Status, $"{v.Location} says so", At, Web.Judgement));

    [Theory]
    [InlineData("healthy,unhealthy,unhealthy", HealthStatus.Healthy)] // 1 of 3 = 33 % > 18 %
    [InlineData("unhealthy,unhealthy,unhealthy", HealthStatus.Unhealthy)]
    [InlineData("healthy,unhealthy,unhealthy,unhealthy,unhealthy,unhealthy", HealthStatus.Unhealthy)] // 1 of 6 = 17 %
    [InlineData("healthy,unhealthy", HealthStatus.Healthy)]
    public void Decide_Route53Rule_HealthyWhileMoreThan18PercentSaySo(string statuses, HealthStatus expected)
    {
        var votes = Votes([.. statuses.Split(',').Select((s, i) => ($"loc{i}", s))]);

        QuorumDecision.Decide(Web, votes, QuorumRule.Route53).Status.Should().Be(expected);
    }

    [Fact]
    public void Decide_TooFewLocations_NoDecisionAndTheReasonSaysTheLastStands()
    {
        var decision = QuorumDecision.Decide(Web, Votes(("a", "unhealthy")), QuorumRule.Route53 with { MinLocations = 2 });

        decision.Status.Should().BeNull();
        decision.Reason.Should().StartWith("no decision, the last one stands: 0 of 1 locations say healthy; unhealthy: a");
    }

    [Fact]
    public void Decide_ALocationJudgingAnotherDefinition_IsShownButNotCounted()
    {
        var votes = Votes(("a", "healthy"), ("b", "unhealthy"), ("c", "unhealthy"));
        votes["a"] = votes["a"] with { Judgement = "an older config" };

        var decision = QuorumDecision.Decide(Web, votes, new QuorumRule(QuorumKind.Majority));

        decision.Status.Should().Be(HealthStatus.Unhealthy);
        decision.Votes.Select(v => (v.Location, v.Counts)).Should().Equal(("a", false), ("b", true), ("c", true));
        decision.Reason.Should().Be("unhealthy: 0 of 2 locations say healthy; unhealthy: b, c; not counted, judging another definition of the check: a; rule: healthy while more than half of live locations say so");
    }

    [Fact]
    public void Decide_SameVerdictsInAnyOrder_SameDecisionAndReason()
    {
        var one = QuorumDecision.Decide(Web, Votes(("b", "healthy"), ("a", "unhealthy"), ("c", "healthy")), QuorumRule.Route53);
        var other = QuorumDecision.Decide(Web, Votes(("c", "healthy"), ("b", "healthy"), ("a", "unhealthy")), QuorumRule.Route53);

        other.Should().BeEquivalentTo(one, "every instance must compute the same state from the same data");
        one.Reason.Should().Be("healthy: 2 of 3 locations say healthy (b, c); unhealthy: a; rule: healthy while more than 18 % of live locations say so");
    }

    [Theory]
    [InlineData("web", "loc-a")]
    [InlineData("db/primary", "fra1")]
    [InlineData("ünïcode name", "x.y_z-1")]
    public void ClusterKeys_EveryKey_ParsesBackToWhatItNames(string check, string location)
    {
        var keys = new ClusterKeys("/failoverdns/prod/");

        keys.Parse(keys.Verdict(check, location)).Should().Be(new ClusterKey(ClusterKeyKind.Verdict, check, location));
        keys.Parse(keys.Override(check)).Should().Be(new ClusterKey(ClusterKeyKind.Override, check, null));
        keys.Parse(keys.Location(location)).Should().Be(new ClusterKey(ClusterKeyKind.Location, null, location));
        keys.Parse("/failoverdns/other/verdicts/web/a").Should().BeNull("another cluster's key");
        keys.Parse("/failoverdns/prod/verdicts/web").Should().BeNull("no location");
        keys.Parse("/failoverdns/prod/future/thing").Should().BeNull("a kind this version does not know");
    }

    [Fact]
    public void ClusterVerdicts_PublishOnlyWhenALocationsVerdictChanges_AndActOnNoneOfThemDirectly()
    {
        var verdicts = new ClusterVerdicts(new FakeTimeProvider(At));
        CheckVerdict Local(HealthStatus status, string reason) => new(Web, status, reason);

        verdicts.Aggregate(Local(HealthStatus.Healthy, "HTTP 200, 1 passed in a row")).Should().BeEmpty("the agreed state comes back from etcd");
        verdicts.Aggregate(Local(HealthStatus.Healthy, "HTTP 200, 2 passed in a row"));
        verdicts.TakeUnpublished().Should().ContainSingle().Which.Verdict!.Reason.Should().Be("HTTP 200, 1 passed in a row", "a probe that changes nothing writes nothing");
        verdicts.TakeUnpublished().Should().BeEmpty();

        verdicts.Aggregate(Local(HealthStatus.Unknown, "no decision yet"));
        verdicts.TakeUnpublished().Should().BeEmpty("a location with no verdict does not vote");

        verdicts.Aggregate(Local(HealthStatus.Unhealthy, "connection refused, 2 failed in a row"));
        verdicts.TakeUnpublished().Single().Verdict!.Status.Should().Be("unhealthy");

        verdicts.Reconcile([]);
        verdicts.TakeUnpublished().Should().Equal([("web", (LocationVerdict?)null)], "a check a reload removed: its verdict is taken back");
    }

    [Fact]
    public void ClusterVerdicts_ActingOnOwn_PassesEachVerdictThroughAndHandsBackTheKnownOnes()
    {
        var verdicts = new ClusterVerdicts(new FakeTimeProvider(At));
        var unhealthy = new CheckVerdict(Web, HealthStatus.Unhealthy, "connection refused, 2 failed in a row");
        verdicts.Aggregate(unhealthy);

        verdicts.ActOnOwn(true).Should().Equal(unhealthy);
        verdicts.Aggregate(unhealthy).Should().Equal(unhealthy);
        verdicts.ActOnOwn(false).Should().BeEmpty();
        verdicts.Aggregate(unhealthy).Should().BeEmpty();
    }
}
