using FailoverDns.Health.Checks;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing;
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

    /// <summary>The README's etcdctl commands, as written there; <see cref="ReadmeEtcdctlCommands_MakeTheUserAnInstanceConnectsAs"/> runs them.</summary>
    public static readonly string[] ReadmeEtcdctlCommands =
    [
        "etcdctl role add failoverdns",
        "etcdctl role grant-permission failoverdns --prefix=true readwrite /failoverdns/prod/",
        "etcdctl user add failoverdns --new-user-password \"$FAILOVERDNS_ETCD_PASSWORD\"",
        "etcdctl user grant-role failoverdns failoverdns",
    ];

    [Fact]
    public async Task ReadmeEtcdctlCommands_MakeTheUserAnInstanceConnectsAs()
    {
        await using var etcd = await EtcdCluster.StartAsync();
        await using var backend = LoopbackHttpServer.Start();
        const string Password = "readme-password-42";
        var environment = new Dictionary<string, string> { ["ETCDCTL_ENDPOINTS"] = etcd.ClientUrls[0], ["FAILOVERDNS_ETCD_PASSWORD"] = Password };
        string[] enableAuth = ["etcdctl user add root --new-user-password rootpw", "etcdctl user grant-role root root", "etcdctl auth enable"];
        var readme = await File.ReadAllTextAsync(Repository.PathOf("README.md"));
        ReadmeEtcdctlCommands.Should().OnlyContain(c => readme.Contains("\n" + c + "\n", StringComparison.Ordinal), "these are the README's lines");
        foreach (var command in ReadmeEtcdctlCommands.Concat(enableAuth))
        {
            var (exitCode, output) = await Tool.RunAsync("bash", environment, TimeSpan.FromSeconds(20), "-c", command);
            exitCode.Should().Be(0, $"`{command}` printed:\n{output}");
        }

        await using var server = await ServerFixture.StartAsync(Config("loc-a", Source(0), backend.Port, Etcd(etcd.Endpoints, $", prefix: /failoverdns/prod/, username: failoverdns, password: {Password}")));

        await Poll.UntilAsync(() => ClusterOf(server).Explain(Web(server).Definition).Votes.Count == 1, "this location's verdict under /failoverdns/prod/, as the user the README's commands made");
        var (_, keys) = await Tool.RunAsync("bash", environment, TimeSpan.FromSeconds(20), "-c", "etcdctl --user root:rootpw get --prefix --keys-only /failoverdns/prod/verdicts/");
        keys.Should().Contain("/failoverdns/prod/verdicts/web/loc-a");
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

    [Fact]
    public async Task SessionLostWhileSettling_TheNextSessionDecidesWhenTheSettleEnds()
    {
        await using var etcd = await EtcdCluster.StartAsync();
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config("loc-a", Source(0), backend.Port, Etcd(etcd.Endpoints)));
        await Poll.UntilAsync(() => DnsAnswers.AskAsync(server, "www.example.test"), a => a == Primary, "the primary agreed");

        // Cut off longer than a lease (3 s), with its own verdict turned: the session it comes back
        // with holds decisions back for the settle (6 s here).
        await etcd.StopAsync(0);
        await backend.StopAsync();
        await Poll.UntilAsync(() => Web(server).LocationStatus == HealthStatus.Unhealthy && ClusterOf(server).LostSince < DateTimeOffset.UtcNow.AddSeconds(-4), "its own probes failing, etcd gone longer than a lease");
        await etcd.StartNodeAsync(0);
        await Poll.UntilAsync(() => ClusterOf(server).Connected, "back on etcd, settling");

        // That session ends within its settle, and the next one comes back sooner than a lease: nothing
        // new arrives on its watch, so only the end of the settle can decide.
        await etcd.StopAsync(0);
        await etcd.StartNodeAsync(0);
        await Poll.UntilAsync(() => DnsAnswers.AskAsync(server, "www.example.test"), a => a == Secondary, "its unhealthy verdict decided once the settle is over", TimeSpan.FromSeconds(30));
    }
}
