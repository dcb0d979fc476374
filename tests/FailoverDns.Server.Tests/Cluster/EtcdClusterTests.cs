using dotnet_etcd;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;
using Grpc.Core;
using Grpc.Net.Client;

namespace FailoverDns.Server.Tests.Cluster;

/// <summary>The etcd harness the cluster-mode tests stand on, proved against real etcd.</summary>
public sealed class EtcdClusterTests
{
    [Fact]
    public async Task OneNode_StoresAndReturnsAValue()
    {
        await using var cluster = await EtcdCluster.StartAsync();
        using var client = new EtcdClient(cluster.ConnectionString, configureChannelOptions: FailFast);

        await client.PutAsync("/failoverdns/one", "value", deadline: Deadline());

        (await client.GetValAsync("/failoverdns/one", deadline: Deadline())).Should().Be("value");
        cluster.Endpoints.Should().Be($"[{cluster.ClientUrls[0]}]");
    }

    [Fact]
    public async Task ThreeNodes_OneKilled_OthersKeepServing_AndItComesBack()
    {
        await using var cluster = await EtcdCluster.StartAsync(nodes: 3);

        await cluster.KillAsync(0);
        await cluster.WaitUntilServingAsync(1);
        await cluster.WaitUntilServingAsync(2);
        using (var survivors = new EtcdClient(string.Join(',', cluster.ClientUrls.Skip(1)), configureChannelOptions: FailFast))
        {
            await survivors.PutAsync("/failoverdns/three", "while node0 was down", deadline: Deadline());
            (await survivors.GetValAsync("/failoverdns/three", deadline: Deadline())).Should().Be("while node0 was down");
        }

        await cluster.StartNodeAsync(0);
        using var restarted = new EtcdClient(cluster.ClientUrls[0], configureChannelOptions: FailFast);
        (await restarted.GetValAsync("/failoverdns/three", deadline: Deadline())).Should().Be("while node0 was down");
    }

    [Fact]
    public async Task Password_TheFailoverDnsUserWritesOnlyUnderItsPrefix()
    {
        await using var cluster = await EtcdCluster.StartAsync(security: EtcdSecurity.Password);
        using var user = new EtcdClient(cluster.ConnectionString, EtcdCluster.Username, EtcdCluster.Password, configureChannelOptions: FailFast);
        using var anonymous = new EtcdClient(cluster.ConnectionString, configureChannelOptions: FailFast);

        await user.PutAsync(EtcdCluster.KeyPrefix + "allowed", "yes", deadline: Deadline());
        (await user.GetValAsync(EtcdCluster.KeyPrefix + "allowed", deadline: Deadline())).Should().Be("yes");

        var elsewhere = () => user.PutAsync("/elsewhere", "no", deadline: Deadline());
        (await elsewhere.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.PermissionDenied);
        var withoutCredentials = () => anonymous.PutAsync(EtcdCluster.KeyPrefix + "anonymous", "no", deadline: Deadline());
        await withoutCredentials.Should().ThrowAsync<RpcException>();
    }

    [Fact]
    public async Task Tls_ServesAClientWithItsCertificate_RefusesOneWithout()
    {
        await using var cluster = await EtcdCluster.StartAsync(security: EtcdSecurity.Tls);
        cluster.ClientUrls.Should().OnlyContain(url => url.StartsWith("https://127.0.0.1:", StringComparison.Ordinal));
        using var withCertificate = new EtcdClient(
            cluster.ConnectionString,
            ssl => TlsOptions.Apply(ssl, cluster.CaFile, cluster.ClientCertFile, cluster.ClientKeyFile),
            serverName: "localhost",
            configureChannelOptions: FailFast);
        using var withoutCertificate = new EtcdClient(
            cluster.ConnectionString,
            ssl => TlsOptions.Apply(ssl, cluster.CaFile),
            serverName: "localhost",
            configureChannelOptions: FailFast);

        await withCertificate.PutAsync("/failoverdns/tls", "secret", deadline: Deadline());
        (await withCertificate.GetValAsync("/failoverdns/tls", deadline: Deadline())).Should().Be("secret");

        var refused = () => withoutCertificate.GetValAsync("/failoverdns/tls", deadline: Deadline());
        await refused.Should().ThrowAsync<RpcException>();
    }

    // Every call is bounded, so a broken cluster fails the test instead of hanging it.
    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(10);

    // dotnet-etcd retries Unavailable with back-off; a refusal should show at once, and these
    // clients only talk to nodes that serve.
    private static void FailFast(GrpcChannelOptions options) => options.ServiceConfig!.MethodConfigs.Clear();
}
