using System.Diagnostics;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing.Http;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Failover;

/// <summary>
/// The real host with real health checks against loopback backends that the tests stop and
/// restart, asked with dig: the README's five-step failover table and the all-unhealthy policies.
/// </summary>
public sealed class FailoverEndToEndTests
{
    // The sets keep their TTL fixed (unsettledTtl: 30): a probe that fails once on a loaded machine would
    // lower it (UnsettledTtlTests), and these tests follow the decision table, answers whole.
    private const string Primary = "www.example.test. 30 IN A 10.0.0.1";
    private const string Secondary = "www.example.test. 30 IN A 10.0.1.1";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private static string Config(string checks, string failover) => Template(checks, Indent(failover, "    "));

    private static string Indent(string text, string by) => string.Join('\n', text.Split('\n').Select(line => by + line));

    private static string Template(string checks, string failover) => $$"""
        listen: [127.0.0.1:0]
        logging: { level: Warning }
        healthChecks:
        {{checks}}
        zones:
          - name: example.test
            soa: { email: hostmaster@example.test, negativeTtl: 60 }
            nameservers: [ns1.example.test.]
            records:
              - { name: ns1, type: A, value: 192.0.2.53 }
            failover:
        {{failover}}
        """;

    private static string Check(string name, string type, int port) =>
        $"  - {{ name: {name}, type: {type}, target: 127.0.0.1, port: {port}, interval: 200ms, failureThreshold: 2, recoveryThreshold: 2 }}";

    private static async Task<DigResult> DigAsync(ServerFixture server) =>
        DigResult.Parse(await Tool.DigAsync(server.Port, "+norec", "www.example.test", "A"));

    /// <summary>Polls (bounded in count and time) until <paramref name="accept"/> holds, then returns that reply.</summary>
    private static async Task<DigResult> WaitForAsync(ServerFixture server, Func<DigResult, bool> accept, string what)
    {
        var clock = Stopwatch.StartNew();
        DigResult last = await DigAsync(server);
        for (var attempt = 0; attempt < 150 && clock.Elapsed < Deadline; attempt++)
        {
            if (accept(last))
            {
                return last;
            }

            await Task.Delay(100);
            last = await DigAsync(server);
        }

        throw new TimeoutException($"no {what} within {Deadline.TotalSeconds} s; last reply:\n{last.Raw}");
    }

    private static Task<DigResult> WaitForAnswerAsync(ServerFixture server, string answer) =>
        WaitForAsync(server, r => r.Answer.SequenceEqual([answer]), $"answer '{answer}'");

    [Theory]
    [InlineData("http")]
    [InlineData("https")]
    [InlineData("tcp")]
    public async Task Failover_PrimaryStopsAndRecovers_FollowsDesignTable(string protocol)
    {
        using var certificate = protocol == "https" ? TestCertificates.SelfSigned("backend.test") : null;
        await using var backend = LoopbackHttpServer.Start(certificate: certificate);
        await using var server = await ServerFixture.StartAsync(Config(
            Check("web", protocol, backend.Port),
            """
              - name: www
                type: A
                ttl: 30
                unsettledTtl: 30
                primary: { value: 10.0.0.1, healthCheck: web }
                secondary: { value: 10.0.1.1 }
            """));

        // Steps 1-2: healthy, the primary is served. (The first probe decides: should it fail, as the
        // process's first TLS handshake can within a 200 ms interval, the secondary is served until
        // the recovery threshold is met.)
        await WaitForAnswerAsync(server, Primary);
        for (var step = 1; step <= 2; step++)
        {
            var healthy = await DigAsync(server);
            healthy.Status.Should().Be("NOERROR");
            healthy.Flags.Should().Be("qr aa");
            healthy.Answer.Should().Equal(Primary);
        }

        // Steps 3-4: the primary stops; after the failure threshold the secondary is served.
        await backend.StopAsync();
        (await WaitForAnswerAsync(server, Secondary)).Flags.Should().Be("qr aa");
        (await DigAsync(server)).Answer.Should().Equal(Secondary);

        // Step 5: it recovers; failback is automatic.
        backend.Restart();
        (await WaitForAnswerAsync(server, Primary)).Status.Should().Be("NOERROR");
        (await DigAsync(server)).Answer.Should().Equal(Primary);
    }

    [Fact]
    public async Task Failover_BothUnhealthyByDefault_FailsOpenToPrimary()
    {
        await using var first = LoopbackHttpServer.Start();
        await using var second = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(
            Check("a", "http", first.Port) + "\n" + Check("b", "http", second.Port),
            """
              - name: www
                type: A
                ttl: 30
                unsettledTtl: 30
                primary: { value: 10.0.0.1, healthCheck: a }
                secondary: { value: 10.0.1.1, healthCheck: b }
            """));

        await first.StopAsync();
        await WaitForAnswerAsync(server, Secondary);
        await second.StopAsync();

        // Route 53's answer of last resort: with every tier unhealthy, the primary.
        await WaitForAnswerAsync(server, Primary);
    }

    [Theory]
    [InlineData("last", "NOERROR", Secondary)]
    [InlineData("nodata", "NOERROR", null)]
    [InlineData("servfail", "SERVFAIL", null)]
    public async Task Failover_BothUnhealthy_FollowsPolicy(string policy, string status, string? answer)
    {
        await using var first = LoopbackHttpServer.Start();
        await using var second = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(
            Check("a", "http", first.Port) + "\n" + Check("b", "http", second.Port),
            $$"""
              - name: www
                type: A
                ttl: 30
                unsettledTtl: 30
                primary: { value: 10.0.0.1, healthCheck: a }
                secondary: { value: 10.0.1.1, healthCheck: b }
                whenAllUnhealthy: {{policy}}
            """));

        await first.StopAsync();
        await WaitForAnswerAsync(server, Secondary);
        await second.StopAsync();

        var reply = await WaitForAsync(server, r => r.Status == status && r.Answer.SequenceEqual(answer is null ? [] : [answer]), $"{status} under '{policy}'");
        if (policy == "nodata")
        {
            reply.Flags.Should().Be("qr aa");
            reply.Authority.Should().ContainSingle().Which.Should().StartWith("example.test. 60 IN SOA");
        }
    }

    [Fact]
    public async Task Failover_ThreeTiers_FirstHealthyTierWins()
    {
        await using var first = LoopbackHttpServer.Start();
        await using var second = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(
            Check("a", "http", first.Port) + "\n" + Check("b", "tcp", second.Port),
            """
              - name: www
                type: A
                ttl: 30
                unsettledTtl: 30
                tiers:
                  - { value: 10.0.0.1, healthCheck: a }
                  - { value: 10.0.1.1, healthCheck: b }
                  - { values: [10.0.2.1, 10.0.2.2] }
            """));
        const string Third = "www.example.test. 30 IN A 10.0.2.1";

        await first.StopAsync();
        await WaitForAnswerAsync(server, Secondary);
        await second.StopAsync();
        var third = await WaitForAsync(server, r => r.Answer.Contains(Third), "the third tier");
        third.Answer.Should().BeEquivalentTo(Third, "www.example.test. 30 IN A 10.0.2.2");

        second.Restart();
        await WaitForAnswerAsync(server, Secondary);
        first.Restart();
        await WaitForAnswerAsync(server, Primary);
    }
}
