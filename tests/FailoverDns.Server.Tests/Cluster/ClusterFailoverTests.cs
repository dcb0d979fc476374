using System.Net;
using System.Net.Http.Json;
using FailoverDns.Health.Checks;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing.Http;
using FluentAssertions;
using static FailoverDns.Server.Tests.Cluster.ClusterInstances;

namespace FailoverDns.Server.Tests.Cluster;

/// <summary>
/// Issue 14 with the real parts: three FailoverDns instances, each a probe location, agreeing through
/// a real etcd started on loopback; a backend that one location may be unable to reach.
/// </summary>
public sealed class ClusterFailoverTests
{
    [Fact]
    public async Task OneLocationCannotReachThePrimary_NoInstanceFailsOver_AllFailOverWhenItStops_AndAllFailBack()
    {
        await using var etcd = await EtcdCluster.StartAsync();
        await using var backend = LoopbackHttpServer.Start();
        backend.RefuseFrom(Source(2));
        await using var instances = await ClusterInstances.StartAsync(etcd.Endpoints, backend.Port);

        await instances.UntilVotesAsync(3, l => l == "loc-c" ? HealthStatus.Unhealthy : HealthStatus.Healthy, "two locations healthy and loc-c unhealthy, seen by every instance");
        (await instances.AnswersAsync()).Should().Be($"{Primary} / {Primary} / {Primary}", "one location's bad path fails nothing over (1 of 3 unhealthy)");
        Web(instances[2]).LocationStatus.Should().Be(HealthStatus.Unhealthy, "loc-c's own probes fail");
        Web(instances[2]).Status.Should().Be(HealthStatus.Healthy, "but it serves what the locations agree on");
        using (var response = await instances[0].Admin.GetAsync("/metrics"))
        {
            var metrics = PrometheusScrape.Parse(await response.Content.ReadAsStringAsync());
            metrics.Sum("failoverdns_cluster_location_verdict", ("check", "web"), ("location", "loc-c")).Should().Be(0);
            metrics.Sum("failoverdns_cluster_location_verdict", ("check", "web"), ("location", "loc-b")).Should().Be(1);
            metrics.Matching("failoverdns_cluster_verdict_age_seconds", ("check", "web")).Should().HaveCount(3);
            metrics.Sum("failoverdns_cluster_locations").Should().Be(3);
            metrics.Sum("failoverdns_cluster_connected").Should().Be(1);
        }

        await backend.StopAsync();
        await instances.UntilAllAnswerAsync(Secondary, "every instance failing over when the primary really stops");

        backend.RefuseFrom();
        backend.Restart();
        await instances.UntilAllAnswerAsync(Primary, "every instance failing back");
        var view = await instances[0].GetJsonAsync("/api/health-checks/web");
        view.GetProperty("cluster").GetProperty("locations").GetArrayLength().Should().Be(3);
        view.GetProperty("cluster").GetProperty("decision").GetString().Should().StartWith("healthy: ").And.Contain("rule: healthy while more than 18 % of live locations say so");
    }

    [Fact]
    public async Task Override_SetThroughOneInstance_ServedByTheOthers_AndSurvivesRestartingAllThree()
    {
        await using var etcd = await EtcdCluster.StartAsync();
        await using var backend = LoopbackHttpServer.Start();
        await using var instances = await ClusterInstances.StartAsync(etcd.Endpoints, backend.Port);
        await instances.UntilAllAnswerAsync(Primary, "the primary everywhere");

        using var response = await instances[0].Admin.PutAsJsonAsync("/api/health-checks/web/override", new { state = "unhealthy", reason = "drill" });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await DnsAnswers.AskAsync(instances[0], "www.example.test")).Should().Be(Secondary, "the instance that took it applies it at once");
        await instances.UntilAllAnswerAsync(Secondary, "the override served by B and C");

        // Restarted with no state file of their own: the override can only come from etcd.
        for (var i = 0; i < 3; i++)
        {
            await instances.StopAsync(i);
        }

        for (var i = 0; i < 3; i++)
        {
            await instances.StartAsync(i, freshStateFile: true);
            (await DnsAnswers.AskAsync(instances[i], "www.example.test")).Should().Be(Secondary, $"instance {i} restarted: the override from its first answer");
        }

        (await instances[1].GetJsonAsync("/api/health-checks/web")).GetProperty("override").GetProperty("reason").GetString().Should().Be("drill");
        using var cleared = await instances[2].Admin.DeleteAsync("/api/health-checks/web/override");
        cleared.StatusCode.Should().Be(HttpStatusCode.OK);
        await instances.UntilAllAnswerAsync(Primary, "the override cleared through C, everywhere");
    }

    [Fact]
    public async Task EtcdStopped_AnswersDoNotChange_ReadinessAndMetricsSaySo_AndTheyCatchUpWhenItIsBack()
    {
        await using var etcd = await EtcdCluster.StartAsync();
        await using var backend = LoopbackHttpServer.Start();
        await using var instances = await ClusterInstances.StartAsync(etcd.Endpoints, backend.Port);
        await instances.UntilAllAnswerAsync(Primary, "the primary everywhere");

        await etcd.StopAsync(0);
        await Poll.UntilAsync(() => instances.Running.All(s => !ClusterOf(s).Connected), "every instance noticing etcd is gone");
        await backend.StopAsync();
        await Poll.UntilAsync(() => instances.Running.All(s => Web(s).LocationStatus == HealthStatus.Unhealthy), "every location's own probes failing");

        (await instances.AnswersAsync()).Should().Be($"{Primary} / {Primary} / {Primary}", "without etcd no instance fails over on its own view");
        var ready = await instances[0].GetJsonAsync("/readyz");
        ready.GetProperty("ready").GetBoolean().Should().BeTrue("it serves the last agreed state");
        ready.GetProperty("clusterConnected").GetBoolean().Should().BeFalse();
        ready.GetProperty("reason").GetString().Should().Contain("etcd out of reach since").And.Contain("serving the last agreed state");
        using (var metrics = await instances[1].Admin.GetAsync("/metrics"))
        {
            PrometheusScrape.Parse(await metrics.Content.ReadAsStringAsync()).Sum("failoverdns_cluster_connected").Should().Be(0);
        }

        // Each instance retries within its backoff (up to 5 s), and one cut off longer than a lease then
        // holds its decisions for the settle (backoff + timeout, 6 s here): up to 11 s before a loaded
        // machine's delays, so a longer wait than Poll's default.
        await etcd.StartNodeAsync(0);
        await instances.UntilAllAnswerAsync(Secondary, "every instance catching up with the agreed state once etcd is back", TimeSpan.FromSeconds(45));
        instances.Running.Should().OnlyContain(s => ClusterOf(s).Connected);
    }

    [Fact]
    public async Task ThreeNodeEtcd_OneNodeKilled_NothingChanges_AndTheClusterStillDecides()
    {
        await using var etcd = await EtcdCluster.StartAsync(nodes: 3);
        await using var backend = LoopbackHttpServer.Start();
        await using var instances = await ClusterInstances.StartAsync(etcd.Endpoints, backend.Port);
        await instances.UntilVotesAsync(3, _ => HealthStatus.Healthy, "three healthy votes everywhere");

        // Node 0 is every instance's first endpoint, so every session is on it.
        await etcd.KillAsync(0);
        (await instances.AnswersAsync()).Should().Be($"{Primary} / {Primary} / {Primary}");

        // Writes stall until the two left elect a leader; an instance cut off longer than a lease then
        // holds its decisions a few seconds more (ClusterService's settle), so the failover below may wait for both.
        await etcd.WaitUntilServingAsync(1);
        await etcd.WaitUntilServingAsync(2);
        await Poll.UntilAsync(() => instances.Running.All(s => ClusterOf(s).Connected), "every instance on one of the two nodes left");
        // With every core busy (the whole suite runs at once) this once took longer than Poll's 15 s.
        await instances.UntilVotesAsync(3, _ => HealthStatus.Healthy, "three healthy votes everywhere, through the nodes left", TimeSpan.FromSeconds(30));
        (await instances.AnswersAsync()).Should().Be($"{Primary} / {Primary} / {Primary}", "a lost etcd node changes no answer");

        await backend.StopAsync();
        await instances.UntilAllAnswerAsync(Secondary, "the two nodes left still carrying the decision to fail over", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task InstanceRestartedWhilePrimaryIsDown_ServesTheSecondaryFromItsFirstAnswer()
    {
        await using var etcd = await EtcdCluster.StartAsync();
        await using var backend = LoopbackHttpServer.Start();
        await using var instances = await ClusterInstances.StartAsync(etcd.Endpoints, backend.Port);
        await backend.StopAsync();
        await instances.UntilAllAnswerAsync(Secondary, "every instance failed over");

        await instances.StopAsync(0);
        await instances.StartAsync(0, freshStateFile: true);

        (await DnsAnswers.AskAsync(instances[0], "www.example.test")).Should().Be(Secondary, "the start-up gate waits for the agreed state");
    }
}
