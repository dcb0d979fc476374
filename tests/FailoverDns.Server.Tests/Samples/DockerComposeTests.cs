using System.Net;
using FailoverDns.Configuration;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;
using YamlDotNet.RepresentationModel;

namespace FailoverDns.Server.Tests.Samples;

/// <summary>
/// samples/docker-compose.yml cannot be run here (no Docker engine), so its parts are checked
/// against each other: the compose file, the config it mounts, and the Dockerfile.
/// </summary>
public sealed class DockerComposeTests
{
    private static readonly YamlMappingNode Compose = Load();
    private static readonly Dockerfile Image = Dockerfile.Read(Repository.PathOf("Dockerfile"));

    [Fact]
    public void Compose_MountsItsConfigWhereTheImageReadsIt()
    {
        var volumes = Strings(Service("failoverdns")["volumes"]);
        var configDirectory = Path.GetDirectoryName(Image.Environment["FAILOVERDNS_CONFIG"])!;
        var mount = volumes.Single(v => v.Split(':')[1] == configDirectory);

        var local = Path.Combine(Repository.PathOf("samples"), mount.Split(':')[0]);
        var loaded = ConfigLoader.Load(Path.Combine(local, Path.GetFileName(Image.Environment["FAILOVERDNS_CONFIG"])));

        loaded.Errors.Should().BeEmpty();
        mount.Should().EndWith(":ro", "the server only reads its config");
        volumes.Should().Contain(v => v.Split(':')[1] == Path.GetDirectoryName(Image.Environment["FAILOVERDNS_STATE_FILE"]), "overrides need the state volume");
        ((YamlScalarNode)Service("failoverdns")["build"]).Value.Should().Be("..");
    }

    [Fact]
    public void Compose_PublishesTheImagesDnsPortOverUdpAndTcp()
    {
        var exposed = Image.Expose.Select(e => e.Split('/')[0]).Distinct().Single();

        Strings(Service("failoverdns")["ports"]).Should().BeEquivalentTo($"{exposed}:{exposed}/udp", $"{exposed}:{exposed}/tcp");
        Image.Environment["FAILOVERDNS_LISTEN"].Should().EndWith(":" + exposed);
    }

    [Fact]
    public void Compose_ConfigServesTheWebServersAddressesAndProbesThePrimary()
    {
        var config = ConfigLoader.Load(Repository.PathOf("samples", "docker", "failoverdns.yaml")).Config!;
        var set = config.Zones.Single().Failover.Single();
        var check = config.HealthChecks.Single(c => c.Name == set.Tiers[0].HealthCheck);
        var subnet = ((YamlScalarNode)((YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)Compose["networks"])["failover"])["ipam"]["config"])[0])["subnet"]).Value!;

        new IPAddress(set.Tiers[0].Data[0]).Should().Be(IPAddress.Parse(Address("primary")));
        new IPAddress(set.Tiers[1].Data[0]).Should().Be(IPAddress.Parse(Address("secondary")));
        check.Endpoint!.Target.Should().Be("primary", "the check probes the primary web server's container by its service name");
        check.Endpoint.Port.Should().Be(80, "nginx's port");
        foreach (var service in new[] { "failoverdns", "primary", "secondary" })
        {
            IPNetwork.Parse(subnet).Contains(IPAddress.Parse(Address(service))).Should().BeTrue($"{service} is on the network's subnet");
        }
    }

    private static YamlMappingNode Load()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Repository.PathOf("samples", "docker-compose.yml"))));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlMappingNode Service(string name) => (YamlMappingNode)((YamlMappingNode)Compose["services"])[name];

    private static string Address(string service) =>
        ((YamlScalarNode)((YamlMappingNode)((YamlMappingNode)Service(service)["networks"])["failover"])["ipv4_address"]).Value!;

    private static List<string> Strings(YamlNode node) => [.. ((YamlSequenceNode)node).Children.Select(c => ((YamlScalarNode)c).Value!)];
}
