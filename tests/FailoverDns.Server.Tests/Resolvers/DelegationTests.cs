using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Resolvers;

/// <summary>
/// The README's delegation: a parent zone (served by Knot) delegates dyn.example.com to FailoverDns
/// with NS and glue; the parent refers, FailoverDns answers with authority.
/// </summary>
public sealed class DelegationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("failoverdns-delegation-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Delegation_ParentRefersChildAnswers()
    {
        await using var server = await ServerFixture.StartAsync("""
            listen: [127.0.0.1:0]
            logging: { level: Warning }
            zones:
              - name: dyn.example.com
                soa: { email: hostmaster@example.com }
                nameservers: [ns1.dyn.example.com.]
                records:
                  - { name: ns1, type: A, value: 127.0.0.1 }
                  - { name: www, type: A, ttl: 60, value: 198.51.100.10 }
            """);
        var zoneFile = Path.Combine(_directory, "example.com.zone");
        File.WriteAllText(zoneFile, """
            $ORIGIN example.com.
            $TTL 3600
            @        SOA ns1 hostmaster 1 3600 900 1209600 300
            @        NS  ns1
            ns1      A   127.0.0.1
            ; the delegation, as the README shows it: NS records at the cut and glue for them
            dyn      NS  ns1.dyn.example.com.
            ns1.dyn  A   127.0.0.1
            """);
        var port = FreePort.Next();
        await using var knot = await Daemon.StartKnotAsync(_directory, port, "example.com", zoneFile);

        var referral = DigResult.Parse(await Tool.DigAsync(port, "+norec", "www.dyn.example.com"));
        var answer = DigResult.Parse(await Tool.DigAsync(server.Port, "+norec", "www.dyn.example.com"));
        var apex = DigResult.Parse(await Tool.DigAsync(server.Port, "+norec", "dyn.example.com", "NS"));

        referral.Flags.Should().Be("qr", "the parent is not the authority for the child: no aa");
        referral.Authority.Should().Equal("dyn.example.com. 3600 IN NS ns1.dyn.example.com.");
        referral.Additional.Should().Equal("ns1.dyn.example.com. 3600 IN A 127.0.0.1");
        answer.Flags.Should().Be("qr aa");
        answer.Answer.Should().Equal("www.dyn.example.com. 60 IN A 198.51.100.10");
        apex.Answer.Should().Equal(["dyn.example.com. 3600 IN NS ns1.dyn.example.com."], "the child's NS match the parent's delegation");
    }
}
