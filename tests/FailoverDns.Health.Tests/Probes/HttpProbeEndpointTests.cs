using FailoverDns.Health.Probes;

namespace FailoverDns.Health.Tests.Probes;

public sealed class HttpProbeEndpointTests
{
    [Fact]
    public void FromOptions_StandardHttpsPort_HostWithoutPortAndSniFromIt()
    {
        var endpoint = HttpProbeEndpoint.FromOptions(TestProbes.Https(443, "www.example.com") with { Path = "/status?x=1" });

        endpoint.RequestUri.Should().Be(new Uri("http://www.example.com:443/status?x=1"));
        endpoint.HostHeader.Should().Be("www.example.com");
        endpoint.SniHostName.Should().Be("www.example.com");
        endpoint.CertificateHostName.Should().Be("www.example.com");
    }

    [Fact]
    public void FromOptions_StandardHttpPort_HostWithoutPort() =>
        HttpProbeEndpoint.FromOptions(TestProbes.Http(80, "www.example.com")).HostHeader.Should().Be("www.example.com");

    [Fact]
    public void FromOptions_HttpsOnPort80_HostWithPort() =>
        HttpProbeEndpoint.FromOptions(TestProbes.Https(80, "www.example.com")).HostHeader.Should().Be("www.example.com:80");

    [Fact]
    public void FromOptions_Ipv6Target_BracketsUriAndHost()
    {
        var endpoint = HttpProbeEndpoint.FromOptions(TestProbes.Http(8080, "2001:db8::1"));

        endpoint.RequestUri.Host.Should().Be("[2001:db8::1]");
        endpoint.HostHeader.Should().Be("[2001:db8::1]:8080");
        endpoint.SniHostName.Should().Be("2001:db8::1");
    }

    [Fact]
    public void FromOptions_ServerName_UsedForSniAndCertificate()
    {
        var endpoint = HttpProbeEndpoint.FromOptions(TestProbes.Https(8443, "10.0.0.1") with { HostHeader = "www.example.com", ServerName = "origin.example.com" });

        endpoint.HostHeader.Should().Be("www.example.com");
        endpoint.SniHostName.Should().Be("origin.example.com");
        endpoint.CertificateHostName.Should().Be("origin.example.com");
    }

    [Fact]
    public void FromOptions_SniOff_KeepsCertificateName()
    {
        var endpoint = HttpProbeEndpoint.FromOptions(TestProbes.Https(8443, "10.0.0.1") with { HostHeader = "www.example.com:8443", Sni = false });

        endpoint.SniHostName.Should().BeNull();
        endpoint.CertificateHostName.Should().Be("www.example.com");
    }

    [Theory]
    [InlineData("health")]
    [InlineData("")]
    public void FromOptions_PathWithoutSlash_Throws(string path)
    {
        var act = () => HttpProbeEndpoint.FromOptions(TestProbes.Http(80) with { Path = path });

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void FromOptions_InvalidHostHeader_Throws()
    {
        var act = () => HttpProbeEndpoint.FromOptions(TestProbes.Http(80) with { HostHeader = "bad host/" });

        act.Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData("www.example.com:8080", "www.example.com")]
    [InlineData("www.example.com", "www.example.com")]
    [InlineData("[::1]:8443", "::1")]
    [InlineData("[::1]", "::1")]
    [InlineData("::1", "::1")]
    public void HostOf_HostHeader_DropsPortAndBrackets(string hostHeader, string expected) =>
        HttpProbeEndpoint.HostOf(hostHeader).Should().Be(expected);
}
