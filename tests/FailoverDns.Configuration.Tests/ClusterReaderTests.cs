using FailoverDns.Health.Policy;

namespace FailoverDns.Configuration.Tests;

/// <summary>The <c>cluster</c> section: defaults, every key, and every mistake with its position, never quoting the password.</summary>
public sealed class ClusterReaderTests
{
    private static ConfigLoadResult LoadResult(string cluster, Func<string, string?>? environment = null) =>
        ConfigLoader.LoadText("cluster: " + cluster + "\n" + LoadErrors.Zone, "/etc/failoverdns/test.yaml", environment ?? (_ => null));

    private static ClusterOptions Load(string cluster, Func<string, string?>? environment = null)
    {
        var result = LoadResult(cluster, environment);
        result.Errors.Should().BeEmpty();
        return result.Config!.Cluster!;
    }

    private static IEnumerable<string> Errors(string cluster) => LoadResult(cluster).Errors.Select(e => e.ToString());

    [Fact]
    public void LoadText_NoClusterSection_IsNull()
    {
        ConfigLoader.LoadText(LoadErrors.Zone, "test.yaml").Config!.Cluster.Should().BeNull("one instance on its own, as before");
    }

    [Fact]
    public void LoadText_LocationAndEndpoints_DefaultsForTheRest()
    {
        var cluster = Load("{ location: fra1, etcd: { endpoints: ['http://127.0.0.1:2379'] } }");

        cluster.Location.Should().Be("fra1");
        cluster.Label.Should().BeNull();
        cluster.Endpoints.Should().Equal(new Uri("http://127.0.0.1:2379"));
        cluster.Prefix.Should().Be("/failoverdns/");
        cluster.Timeout.Should().Be(TimeSpan.FromSeconds(2));
        cluster.LeaseTtl.Should().Be(TimeSpan.FromSeconds(10));
        cluster.Quorum.Should().Be(QuorumRule.Route53);
        cluster.OwnVerdictsAfter.Should().BeNull("by default an instance cut off from etcd never acts on its own view");
        cluster.Username.Should().BeNull();
    }

    [Fact]
    public void LoadText_EveryKey_Read()
    {
        var cluster = Load(string.Join("\n  ", [
            "",
            "location: ams-2",
            "label: Amsterdam",
            "quorum: 2",
            "minLocations: 3",
            "leaseTtl: 5s",
            "ownVerdictsAfter: 10m",
            "etcd:",
            "  endpoints: ['https://10.0.0.5:2379', 'https://10.0.0.6:2379']",
            "  prefix: /failoverdns/prod/",
            "  timeout: 500ms",
            "  username: fdns",
            "  password: s3cret-pass",
            "  tls: { caFile: ca.pem, certFile: tls/client.pem, keyFile: /abs/client-key.pem }"]));

        cluster.Location.Should().Be("ams-2");
        cluster.Label.Should().Be("Amsterdam");
        cluster.Quorum.Should().Be(new QuorumRule(QuorumKind.AtLeast, 2, 3));
        cluster.LeaseTtl.Should().Be(TimeSpan.FromSeconds(5));
        cluster.OwnVerdictsAfter.Should().Be(TimeSpan.FromMinutes(10));
        cluster.Endpoints.Should().HaveCount(2);
        cluster.Prefix.Should().Be("/failoverdns/prod/");
        cluster.Timeout.Should().Be(TimeSpan.FromMilliseconds(500));
        (cluster.Username, cluster.Password).Should().Be(("fdns", "s3cret-pass"));
        cluster.CaFile.Should().Be("/etc/failoverdns/ca.pem", "relative to the config file");
        cluster.CertFile.Should().Be("/etc/failoverdns/tls/client.pem");
        cluster.KeyFile.Should().Be("/abs/client-key.pem");
        cluster.ToString().Should().NotContain("s3cret", "the options may be logged");
    }

    [Theory]
    [InlineData("route53", QuorumKind.Route53)]
    [InlineData("majority", QuorumKind.Majority)]
    [InlineData("all", QuorumKind.All)]
    [InlineData("1", QuorumKind.AtLeast)]
    public void LoadText_Quorum_EachRule(string text, QuorumKind kind)
    {
        Load($"{{ location: a, quorum: {text}, etcd: {{ endpoints: ['http://127.0.0.1:2379'] }} }}").Quorum.Kind.Should().Be(kind);
    }

    [Fact]
    public void LoadText_PasswordFromTheEnvironment_WinsOverTheFile()
    {
        var cluster = Load("{ location: a, etcd: { endpoints: ['http://127.0.0.1:2379'], username: fdns, password: in-file } }", name => name == ClusterOptions.PasswordVariable ? "from-env" : null);

        cluster.Password.Should().Be("from-env");
    }

    [Theory]
    [InlineData("{ etcd: { endpoints: ['http://127.0.0.1:2379'] } }", "/etc/failoverdns/test.yaml:1:10: cluster needs 'location', this instance's name among the probe locations (such as fra1)")]
    [InlineData("{ location: 'a/b', etcd: { endpoints: ['http://127.0.0.1:2379'] } }", "/etc/failoverdns/test.yaml:1:22: 'location' must be 1 to 63 letters, digits, '.', '-' or '_', not 'a/b'")]
    [InlineData("{ location: a }", "/etc/failoverdns/test.yaml:1:10: cluster needs 'etcd', with at least 'endpoints'")]
    [InlineData("{ location: a, etcd: { prefix: /x/ } }", "/etc/failoverdns/test.yaml:1:31: etcd needs 'endpoints', a list of its client URLs")]
    [InlineData("{ location: a, etcd: { endpoints: ['127.0.0.1:2379'] } }", "/etc/failoverdns/test.yaml:1:45: etcd endpoints are URLs such as http://10.0.0.5:2379 or https://etcd1.example.net:2379, not '127.0.0.1:2379'")]
    [InlineData("{ location: a, etcd: { endpoints: ['http://127.0.0.1:2379'], prefix: failoverdns } }", "/etc/failoverdns/test.yaml:1:79: 'prefix' must start and end with '/' (such as /failoverdns/prod/), not 'failoverdns'")]
    [InlineData("{ location: a, quorum: most, etcd: { endpoints: ['http://127.0.0.1:2379'] } }", "/etc/failoverdns/test.yaml:1:33: 'quorum' must be route53, majority, all or a number of locations (1 to 1000), not 'most'")]
    [InlineData("{ location: a, leaseTtl: 1s, etcd: { endpoints: ['http://127.0.0.1:2379'] } }", "/etc/failoverdns/test.yaml:1:35: 'leaseTtl' must be a duration from 2s to 10m (like 500ms, 10s, 1m), not '1s'")]
    [InlineData("{ location: a, etcd: { endpoints: ['http://127.0.0.1:2379'], tls: { caFile: ca.pem } } }", "/etc/failoverdns/test.yaml:1:76: 'tls' needs every endpoint to be an https URL")]
    [InlineData("{ location: a, etcd: { endpoints: ['https://127.0.0.1:2379'], tls: { certFile: c.pem } } }", "/etc/failoverdns/test.yaml:1:89: give 'certFile' and 'keyFile' together")]
    [InlineData("{ location: a, lcoation: b, etcd: { endpoints: ['http://127.0.0.1:2379'] } }", "/etc/failoverdns/test.yaml:1:25: unknown key 'lcoation' (expected one of: etcd, label, leaseTtl, location, minLocations, ownVerdictsAfter, quorum)")]
    public void LoadText_Mistake_NamedWithItsPosition(string cluster, string error)
    {
        Errors(cluster).Should().Equal(error);
    }

    [Fact]
    public void LoadText_PasswordWithoutUser_RefusedWithoutQuotingIt()
    {
        var errors = Errors("{ location: a, etcd: { endpoints: ['http://127.0.0.1:2379'], password: hunter2-secret } }").ToList();

        errors.Should().ContainSingle().Which.Should().Contain("give 'username' and 'password' (or FAILOVERDNS_ETCD_PASSWORD) together").And.NotContain("hunter2");
    }
}
