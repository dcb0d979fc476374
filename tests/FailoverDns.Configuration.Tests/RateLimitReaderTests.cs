using System.Net;

namespace FailoverDns.Configuration.Tests;

public sealed class RateLimitReaderTests
{
    private const string Zones = "zones:\n  - { name: example.test, soa: {}, nameservers: [ns1.example.net.] }\n";

    [Fact]
    public void LoadText_NoRateLimitSection_OnWithTheDefaults()
    {
        var result = ConfigLoader.LoadText(Zones, "t.yaml");

        result.Errors.Should().BeEmpty();
        var options = result.Config!.Server.RateLimit;
        options.Enabled.Should().BeTrue();
        options.Should().BeEquivalentTo(new { ResponsesPerSecond = 200, Slip = 2, Window = 15, Ipv4PrefixLength = 24, Ipv6PrefixLength = 56, TableSize = 1 << 19 });
        options.Whitelist.Should().Equal(IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128"));
    }

    [Fact]
    public void LoadText_RateLimitSection_Read()
    {
        var result = ConfigLoader.LoadText("""
            server:
              rateLimit:
                responsesPerSecond: 50
                slip: 3
                window: 5
                ipv4PrefixLength: 28
                ipv6PrefixLength: 64
                tableSize: 1000
                whitelist: [192.0.2.0/24, "2001:db8::1"]
            """ + "\n" + Zones, "t.yaml");

        result.Errors.Should().BeEmpty();
        result.Config!.Server.RateLimit.Should().BeEquivalentTo(new RateLimitOptions
        {
            ResponsesPerSecond = 50,
            Slip = 3,
            Window = 5,
            Ipv4PrefixLength = 28,
            Ipv6PrefixLength = 64,
            TableSize = 1000,
            Whitelist = [IPNetwork.Parse("192.0.2.0/24"), IPNetwork.Parse("2001:db8::1/128")],
        });
    }

    [Fact]
    public void LoadText_SameWhitelistTwice_ServerOptionsEqual()
    {
        // A reload compares the server options to say what needs a restart: the same file must compare equal.
        const string Yaml = "server:\n  rateLimit: { whitelist: [192.0.2.0/24] }\n" + Zones;

        var first = ConfigLoader.LoadText(Yaml, "t.yaml").Config!.Server;
        var second = ConfigLoader.LoadText(Yaml, "t.yaml").Config!.Server;

        second.Should().Be(first);
        (second with { RateLimit = second.RateLimit with { Whitelist = [] } }).Should().NotBe(first);
    }

    [Fact]
    public void LoadText_ZeroRate_Off()
    {
        var result = ConfigLoader.LoadText("server:\n  rateLimit: { responsesPerSecond: 0 }\n" + Zones, "t.yaml");

        result.Errors.Should().BeEmpty();
        result.Config!.Server.RateLimit.Enabled.Should().BeFalse();
    }

    [Theory]
    [InlineData("{ slip: -1 }", "t.yaml:2:22: 'slip' must be a whole number from 0 to 100, not '-1'")]
    [InlineData("{ ipv4PrefixLength: 33 }", "t.yaml:2:34: 'ipv4PrefixLength' must be a whole number from 0 to 32, not '33'")]
    [InlineData("{ whitelist: [192.0.2.0/33] }", "t.yaml:2:28: '192.0.2.0/33' is not an address or prefix (write 192.0.2.0/24 or 2001:db8::/32)")]
    [InlineData("{ rate: 5 }", "t.yaml:2:16: unknown key 'rate' (expected one of: ipv4PrefixLength, ipv6PrefixLength, responsesPerSecond, slip, tableSize, whitelist, window)")]
    public void LoadText_BadRateLimit_Reported(string section, string error)
    {
        var result = ConfigLoader.LoadText($"server:\n  rateLimit: {section}\n" + Zones, "t.yaml");

        result.Errors.Select(e => e.ToString()).Should().Contain(error);
    }
}
