using FailoverDns.Health.Checks;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing.Http;
using FluentAssertions;
using static FailoverDns.Server.Tests.Cluster.ClusterInstances;

namespace FailoverDns.Server.Tests.Cluster;

/// <summary>How an instance reaches etcd: a user and password, TLS client certificates, and what it does when it cannot.</summary>
public sealed class ClusterConnectionTests
{
    [Fact]
    public async Task Password_RightOne_PublishesAndDecides_WrongOne_ReportedWithoutTheSecret()
    {
        await using var etcd = await EtcdCluster.StartAsync(security: EtcdSecurity.Password);
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config("loc-a", Source(0), backend.Port, Etcd(etcd.Endpoints, $", username: {EtcdCluster.Username}, password: {EtcdCluster.Password}")));

        await Poll.UntilAsync(() => ClusterOf(server).Explain(Web(server).Definition).Votes.Count == 1, "this location's verdict, written and read back through etcd as the failoverdns user");
        ClusterOf(server).Connected.Should().BeTrue();

        const string Wrong = "not-the-password-7";
        await using var refused = await ServerFixture.StartAsync(Config("loc-b", Source(1), backend.Port, Etcd(etcd.Endpoints, $", username: {EtcdCluster.Username}, password: {Wrong}"), top: "health: { startupWait: 0s }"));
        await Poll.UntilAsync(() => ClusterOf(refused).LastError is not null, "the refusal reported");
        ClusterOf(refused).Connected.Should().BeFalse();
        ClusterOf(refused).LastError.Should().Contain("authentication failed").And.NotContain(Wrong);
        var view = await refused.GetJsonAsync("/api/cluster");
        view.GetProperty("connected").GetBoolean().Should().BeFalse();
        view.GetRawText().Should().NotContain(Wrong);
    }

    [Fact]
    public async Task Tls_ClientCertificateAndCa_Connects()
    {
        await using var etcd = await EtcdCluster.StartAsync(security: EtcdSecurity.Tls);
        await using var backend = LoopbackHttpServer.Start();
        var tls = $", tls: {{ caFile: {etcd.CaFile}, certFile: {etcd.ClientCertFile}, keyFile: {etcd.ClientKeyFile} }}";
        await using var server = await ServerFixture.StartAsync(Config("loc-a", Source(0), backend.Port, Etcd(etcd.Endpoints, tls)));

        await Poll.UntilAsync(() => ClusterOf(server).Explain(Web(server).Definition).Votes.Count == 1, "this location's verdict through etcd over TLS");
        (await DnsAnswers.AskAsync(server, "www.example.test")).Should().Be(Primary);
    }

    [Fact]
    public async Task EtcdNeverReached_NothingAgreed_ActsOnItsOwnVerdictsOnlyAfterOwnVerdictsAfter()
    {
        await using var backend = LoopbackHttpServer.Start();
        await backend.StopAsync();
        var nowhere = $"[http://127.0.0.1:{FreePort.Next()}]";
        await using var patient = await ServerFixture.StartAsync(Config("loc-a", Source(0), backend.Port, Etcd(nowhere), top: "health: { startupWait: 0s }"));
        await using var impatient = await ServerFixture.StartAsync(Config("loc-b", Source(1), backend.Port, Etcd(nowhere), "  ownVerdictsAfter: 1s"));

        await Poll.UntilAsync(() => Web(patient).LocationStatus == HealthStatus.Unhealthy && ClusterOf(patient).LastError is not null, "the patient instance's own probes failing, etcd unreachable");
        await Poll.UntilAsync(() => DnsAnswers.AskAsync(impatient, "www.example.test"), a => a == Secondary, "the impatient instance acting on its own verdict after 1 s without etcd");
        ClusterOf(impatient).ActingOnOwnVerdicts.Should().BeTrue();
        (await DnsAnswers.AskAsync(patient, "www.example.test")).Should().Be(Primary, "by default no instance acts alone on its own view");
        (await impatient.GetJsonAsync("/readyz")).GetProperty("reason").GetString().Should().Contain("acting on this location's own verdicts");
    }
}
