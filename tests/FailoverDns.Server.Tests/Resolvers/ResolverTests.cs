using System.Globalization;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing;
using FailoverDns.Testing.Http;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Resolvers;

/// <summary>
/// Real resolvers pointed at FailoverDns with the README's snippets (samples/resolvers/): Unbound
/// with a stub zone and BIND with a forward zone, asked with dig, following a failover.
/// </summary>
public sealed class ResolverTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("failoverdns-resolver-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Config(int backendPort) => $$"""
        listen: [127.0.0.1:0]
        logging: { level: Warning }
        healthChecks:
          - { name: web, type: tcp, target: 127.0.0.1, port: {{backendPort}}, interval: 200ms, failureThreshold: 1, recoveryThreshold: 1 }
        zones:
          - name: example.test
            soa: { email: hostmaster@example.test, negativeTtl: 1 }
            nameservers: [ns1.example.test.]
            records:
              - { name: ns1, type: A, value: 192.0.2.53 }
              - { name: mail, type: A, ttl: 300, value: 192.0.2.25 }
            failover:
              - name: www
                type: A
                ttl: 1
                primary: { value: 10.0.0.1, healthCheck: web }
                secondary: { value: 10.0.1.1 }
        """;

    /// <summary>A sample snippet with FailoverDns's port in place of 5300.</summary>
    private string Snippet(string name, int port)
    {
        var text = File.ReadAllText(Repository.PathOf("samples", "resolvers", name)).Replace("5300", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Unbound_StubZone_AnswersFromFailoverDnsAndFollowsFailover()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));
        var port = FreePort.Next();
        var config = Path.Combine(_directory, "unbound.conf");
        File.WriteAllText(config, $"""
            server:
                interface: 127.0.0.1
                port: {port}
                do-ip6: no
                do-daemonize: no
                username: ""
                chroot: ""
                directory: "{_directory}"
                pidfile: ""
                use-syslog: no
                logfile: ""
                num-threads: 1
                access-control: 127.0.0.0/8 allow
            include: "{Snippet("unbound-stub-zone.conf", server.Port)}"
            """);
        await using var unbound = await Daemon.StartAsync("unbound", "unbound", port, "example.test", "-d", "-c", config);

        var first = DigResult.Parse(await Tool.DigAsync(port, "www.example.test"));
        var mail = DigResult.Parse(await Tool.DigAsync(port, "mail.example.test"));
        await backend.StopAsync();
        var after = await Poll.UntilAsync(async () => DigResult.Parse(await Tool.DigAsync(port, "www.example.test")), r => r.Answer.Any(a => a.EndsWith("10.0.1.1", StringComparison.Ordinal)), "the secondary through Unbound");

        first.Flags.Should().Be("qr rd ra", "a resolver's answer, not the authority's");
        first.Answer.Should().ContainSingle().Which.Should().MatchRegex(@"^www\.example\.test\. [01] IN A 10\.0\.0\.1$");
        mail.Answer.Should().ContainSingle().Which.Should().MatchRegex(@"^mail\.example\.test\. 300 IN A 192\.0\.2\.25$");
        after.Status.Should().Be("NOERROR");
    }

    [Fact]
    public async Task Bind_ForwardZone_AnswersFromFailoverDns()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));
        var port = FreePort.Next();
        var config = Path.Combine(_directory, "named.conf");
        File.WriteAllText(config, $$"""
            options {
                directory "{{_directory}}";
                pid-file none;
                listen-on port {{port}} { 127.0.0.1; };
                listen-on-v6 { none; };
                recursion yes;
                allow-query { 127.0.0.0/8; };
                dnssec-validation no;
            };
            include "{{Snippet("named-forward-zone.conf", server.Port)}}";
            """);
        await using var named = await Daemon.StartAsync("named", "bind9", port, "example.test", "-g", "-c", config);

        var www = DigResult.Parse(await Tool.DigAsync(port, "www.example.test"));
        var missing = DigResult.Parse(await Tool.DigAsync(port, "nothere.example.test"));
        await backend.StopAsync();
        var after = await Poll.UntilAsync(async () => DigResult.Parse(await Tool.DigAsync(port, "www.example.test")), r => r.Answer.Any(a => a.EndsWith("10.0.1.1", StringComparison.Ordinal)), "the secondary through BIND");

        www.Flags.Should().Be("qr rd ra");
        www.Answer.Should().ContainSingle().Which.Should().MatchRegex(@"^www\.example\.test\. [01] IN A 10\.0\.0\.1$");
        missing.Status.Should().Be("NXDOMAIN");
        after.Status.Should().Be("NOERROR");
    }
}
