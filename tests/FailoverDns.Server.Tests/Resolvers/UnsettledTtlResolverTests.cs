using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing;
using FailoverDns.Testing.Http;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Resolvers;

/// <summary>
/// The unsettled TTL through a real Unbound (README, TTLs): asked while the primary's check is failing
/// but has not yet crossed its threshold, Unbound caches the primary for the low TTL only, and follows
/// the switch within about that TTL instead of the set's 30 s.
/// </summary>
public sealed class UnsettledTtlResolverTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("failoverdns-unsettled-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // Ten failures 300 ms apart: the primary is served, failing, for about 2.7 s before the switch.
    private static string Config(int backendPort) => $$"""
        listen: [127.0.0.1:0]
        logging: { level: Warning }
        healthChecks:
          - { name: web, type: tcp, target: 127.0.0.1, port: {{backendPort}}, interval: 300ms, failureThreshold: 10, recoveryThreshold: 1 }
        zones:
          - name: example.test
            soa: { email: hostmaster@example.test, negativeTtl: 1 }
            nameservers: [ns1.example.test.]
            records:
              - { name: ns1, type: A, value: 192.0.2.53 }
            failover:
              - name: www
                type: A
                ttl: 30
                unsettledTtl: 1
                primary: { value: 10.0.0.1, healthCheck: web }
                secondary: { value: 10.0.1.1 }
        """;

    [Fact]
    public async Task Unbound_AskedWhileThePrimaryIsFailing_CachesItForTheUnsettledTtlAndFollowsTheSwitch()
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
                module-config: "iterator"
                do-not-query-localhost: no
                domain-insecure: "example.test"
                local-zone: "test." nodefault
            stub-zone:
                name: "example.test"
                stub-addr: 127.0.0.1@{server.Port}
            """);
        await using var unbound = await Daemon.StartAsync("unbound", "unbound", port, "example.test", "-d", "-c", config);
        await Poll.UntilAsync(() => AnswerAsync(server.Port), a => a == "www.example.test. 30 IN A 10.0.0.1", "the primary, settled");

        await backend.StopAsync();
        await Poll.UntilAsync(() => AnswerAsync(server.Port), a => a == "www.example.test. 1 IN A 10.0.0.1", "the primary with the unsettled TTL", TimeSpan.FromSeconds(5));
        var cached = await AnswerAsync(port);
        var followed = await Poll.UntilAsync(() => AnswerAsync(port), a => a.EndsWith(" IN A 10.0.1.1", StringComparison.Ordinal), "the secondary through Unbound", TimeSpan.FromSeconds(10));

        cached.Should().MatchRegex(@"^www\.example\.test\. [01] IN A 10\.0\.0\.1$", "Unbound caches what it was given: the unsettled TTL, not 30 s");
        followed.Should().MatchRegex(@"^www\.example\.test\. (30|29) IN A 10\.0\.1\.1$", "the secondary is settled: its full TTL");
    }

    private static async Task<string> AnswerAsync(int port) =>
        DigResult.Parse(await Tool.DigAsync(port, "www.example.test", "A")).Answer.SingleOrDefault() ?? "";
}
