using System.Net;
using FailoverDns.Configuration;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;
using YamlDotNet.RepresentationModel;

namespace FailoverDns.Server.Tests.Samples;

/// <summary>
/// samples/cluster/compose.yaml cannot be run here (no Docker engine), so its parts are checked
/// against each other: the etcd nodes, the three instances, the configs they mount and the image.
/// </summary>
public sealed class ClusterComposeTests
{
    private static readonly string[] Instances = ["failoverdns-a", "failoverdns-b", "failoverdns-c"];
    private static readonly YamlMappingNode Compose = Load();
    private static readonly Dockerfile Image = Dockerfile.Read(Repository.PathOf("Dockerfile"));

    private static FailoverDnsConfig Config(string service)
    {
        var path = ((YamlScalarNode)((YamlMappingNode)Get(service, "environment"))["FAILOVERDNS_CONFIG"]).Value!;
        Path.GetDirectoryName(path).Should().Be(Path.GetDirectoryName(Image.Environment["FAILOVERDNS_CONFIG"]), "the image reads its config there");
        var loaded = ConfigLoader.Load(Repository.PathOf("samples", "cluster", Path.GetFileName(path)));
        loaded.Errors.Should().BeEmpty();
        return loaded.Config!;
    }

    [Fact]
    public void Instances_EachAtItsOwnLocation_NameEveryEtcdNode()
    {
        var etcdNodes = ((YamlMappingNode)Compose["services"]).Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Where(n => n.StartsWith("etcd-", StringComparison.Ordinal)).ToList();
        var advertised = etcdNodes.Select(n => Strings(Get(n, "command")).SkipWhile(a => a != "--advertise-client-urls").ElementAt(1)).ToList();
        etcdNodes.Should().HaveCount(3);

        var clusters = Instances.Select(i => Config(i).Cluster!).ToList();

        clusters.Select(c => c.Location).Should().OnlyHaveUniqueItems();
        clusters.Should().OnlyContain(c => c.Endpoints.Select(e => e.ToString().TrimEnd('/')).SequenceEqual(advertised), "every instance can reach every etcd node");
        clusters.Select(c => (c.Prefix, c.Quorum, c.LeaseTtl)).Distinct().Should().ContainSingle("one cluster, one rule");
        var initialCluster = ((YamlScalarNode)((YamlMappingNode)Get("etcd-0", "environment"))["ETCD_INITIAL_CLUSTER"]).Value!;
        etcdNodes.Should().OnlyContain(n => initialCluster.Contains($"{n}=http://{n}:2380", StringComparison.Ordinal), "the three nodes make one etcd cluster");
    }

    [Fact]
    public void Instances_JudgeTheSameChecksAndServeTheSameZones()
    {
        var configs = Instances.Select(Config).ToList();

        configs.Select(c => string.Join(",", c.HealthChecks.Select(h => h.Judgement))).Distinct().Should().ContainSingle("a location's verdict counts only where the definitions agree");
        configs.Select(c => string.Join(";", c.Zones.SelectMany(z => z.Failover).Select(f => $"{f}: {string.Join(" | ", f.Tiers.Select(t => $"{t.HealthCheck} {string.Join(",", t.Data.Select(Convert.ToHexString))}"))}")))
            .Distinct().Should().ContainSingle("every instance serves the same failover sets");
    }

    [Fact]
    public void Instances_PublishTheirListenAndAdminPorts_AndTheSetServesTheWebServers()
    {
        foreach (var instance in Instances)
        {
            var config = Config(instance);
            var ports = Strings(Get(instance, "ports"));
            ports.Should().Contain(p => p.EndsWith($":{config.Listen.Single().EndPoint.Port}/udp", StringComparison.Ordinal))
                .And.Contain(p => p.EndsWith($":{config.Listen.Single().EndPoint.Port}/tcp", StringComparison.Ordinal))
                .And.Contain(p => p.EndsWith($":{config.Admin.Listen!.Port}/tcp", StringComparison.Ordinal));
            Strings(Get(instance, "volumes")).Should().Contain(v => v.EndsWith(":" + Path.GetDirectoryName(Image.Environment["FAILOVERDNS_CONFIG"]) + ":ro", StringComparison.Ordinal));

            var set = config.Zones.Single().Failover.Single();
            new IPAddress(set.Tiers[0].Data[0]).Should().Be(IPAddress.Parse(Address("primary")));
            new IPAddress(set.Tiers[1].Data[0]).Should().Be(IPAddress.Parse(Address("secondary")));
            config.HealthChecks.Single(c => c.Name == set.Tiers[0].HealthCheck).Endpoint!.Target.Should().Be("primary");
        }
    }

    private static YamlMappingNode Load()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Repository.PathOf("samples", "cluster", "compose.yaml"))));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    /// <summary>A service's key, or the one it takes from its <c>&lt;&lt;: *anchor</c> (merge keys are not resolved by the YAML model).</summary>
    private static YamlNode Get(string service, string key)
    {
        var node = (YamlMappingNode)((YamlMappingNode)Compose["services"])[service];
        if (node.Children.TryGetValue(new YamlScalarNode(key), out var value))
        {
            return value;
        }

        return ((YamlMappingNode)node[new YamlScalarNode("<<")])[key];
    }

    private static string Address(string service) =>
        ((YamlScalarNode)((YamlMappingNode)((YamlMappingNode)Get(service, "networks"))["cluster"])["ipv4_address"]).Value!;

    private static List<string> Strings(YamlNode node) => [.. ((YamlSequenceNode)node).Children.Select(c => ((YamlScalarNode)c).Value!)];
}
