using FailoverDns.Server.Tests.Support;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Transport;

/// <summary>The real host on loopback, asked by dig, kdig and nslookup over UDP and TCP.</summary>
public sealed class DigIntegrationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<DigResult> DigAsync(params string[] arguments) =>
        DigResult.Parse(await Tool.DigAsync(server.Port, ["+norec", .. arguments]));

    [Theory]
    [InlineData("+notcp", "+edns=0")]
    [InlineData("+notcp", "+noedns")]
    [InlineData("+tcp", "+edns=0")]
    [InlineData("+tcp", "+noedns")]
    public async Task Dig_ExactName_AnswersWithTtl(string transport, string edns)
    {
        var result = await DigAsync(transport, edns, "www.example.test", "A");

        result.Status.Should().Be("NOERROR");
        result.Flags.Should().Be("qr aa");
        result.Answer.Should().Equal("www.example.test. 60 IN A 192.0.2.1");
        (result.Edns is not null).Should().Be(edns == "+edns=0");
    }

    [Fact]
    public async Task Dig_RecursionDesired_IsCopiedAndNotAvailable()
    {
        var result = DigResult.Parse(await Tool.DigAsync(server.Port, "+rec", "www.example.test"));

        result.Flags.Should().Be("qr aa rd");
        result.Raw.Should().Contain("recursion requested but not available");
    }

    [Theory]
    [InlineData("+notcp")]
    [InlineData("+tcp")]
    public async Task Dig_MissingName_IsNxDomainWithSoa(string transport)
    {
        var result = await DigAsync(transport, "nothere.example.test", "AAAA");

        result.Status.Should().Be("NXDOMAIN");
        result.Flags.Should().Be("qr aa");
        result.Answer.Should().BeEmpty();
        result.Authority.Should().Equal("example.test. 120 IN SOA ns1.example.test. hostmaster.example.test. 2026112101 3600 900 1209600 120");
    }

    [Fact]
    public async Task Dig_CnameChain_IsFollowed()
    {
        var result = await DigAsync("chain.example.test", "A");

        result.Answer.Should().Equal(
            "chain.example.test. 300 IN CNAME ftp.example.test.",
            "ftp.example.test. 300 IN CNAME www.example.test.",
            "www.example.test. 60 IN A 192.0.2.1");
    }

    [Fact]
    public async Task Dig_Delegation_IsReferralWithoutAa()
    {
        var result = await DigAsync("host.sub.example.test", "A");

        result.Status.Should().Be("NOERROR");
        result.Flags.Should().Be("qr");
        result.Authority.Should().Equal("sub.example.test. 300 IN NS ns.sub.example.test.");
        result.Additional.Should().Equal("ns.sub.example.test. 300 IN A 192.0.2.200");
    }

    [Fact]
    public async Task Dig_OutOfZone_IsRefused()
    {
        (await DigAsync("www.example.org", "A")).Status.Should().Be("REFUSED");
    }

    [Fact]
    public async Task Dig_BigAnswerOverUdp_IsTruncatedAndRetriedOverTcp()
    {
        var udp = await DigAsync("+ignore", "+notcp", "big.example.test", "TXT");
        var retried = await DigAsync("+notcp", "big.example.test", "TXT");

        udp.Flags.Should().Be("qr aa tc");
        udp.Answer.Should().BeEmpty();
        retried.Raw.Should().Contain("Truncated, retrying in TCP mode");
        retried.Answer.Should().HaveCount(40);
    }

    [Fact]
    public async Task Dig_EdnsVersion1_IsBadVers()
    {
        var result = await DigAsync("+edns=1", "+noednsneg", "www.example.test");

        result.Status.Should().Be("BADVERS");
        result.Answer.Should().BeEmpty();
    }

    [Fact]
    public async Task Dig_DnssecOk_IsEchoed()
    {
        (await DigAsync("+dnssec", "www.example.test")).Edns.Should().Contain("flags: do").And.Contain("udp: 1232");
    }

    [Fact]
    public async Task Dig_PipelinedTcpQueries_AreAllAnswered()
    {
        // dig +keepopen sends every query of the batch over one TCP connection.
        var output = await Tool.DigAsync(server.Port, "+tcp", "+keepopen", "+norec", "+short", "www.example.test", "A", "api.example.test", "A", "mail.example.test", "AAAA");

        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal("192.0.2.1", "192.0.2.2", "192.0.2.3", "2001:db8::25");
    }

    [Theory]
    [InlineData("+notcp")]
    [InlineData("+tcp")]
    public async Task Kdig_Answer_MatchesDig(string transport)
    {
        var (exitCode, output) = await Tool.RunAsync("kdig", "@127.0.0.1", "-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), transport, "+norec", "+short", "+time=2", "+retry=0", "api.example.test", "A");

        exitCode.Should().Be(0, output);
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal("192.0.2.2", "192.0.2.3");
    }

    [Fact]
    public async Task Nslookup_Answer_IsPrinted()
    {
        var (exitCode, output) = await Tool.RunAsync("nslookup", "-port=" + server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-timeout=2", "-retry=1", "www.example.test", "127.0.0.1");

        exitCode.Should().Be(0, output);
        output.Should().Contain("Name:\twww.example.test").And.Contain("Address: 192.0.2.1").And.Contain("Address: 2001:db8::1");
    }
}
