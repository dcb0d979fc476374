using FailoverDns.Protocol;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing.Http;
using FailoverDns.Zones;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;

namespace FailoverDns.Server.Tests.ZoneTransfer;

/// <summary>
/// Issue 15, FailoverDns as a hidden primary, asked by kdig: AXFR of the zone as served, IXFR of the
/// changes, serials that follow each switch, and transfers refused to anyone not allowed.
/// </summary>
public sealed class ZoneTransferTests
{
    private static string Config(int backendPort, string allow = "127.0.0.0/8") => $$"""
        listen: [127.0.0.1:0]
        healthChecks:
          - { name: web, type: http, target: 127.0.0.1, port: {{backendPort}}, interval: 100ms, failureThreshold: 1, recoveryThreshold: 1 }
        zones:
          - name: example.test
            soa: { email: hostmaster@example.test, serial: 7 }
            nameservers: [ns1.example.test.]
            transfer: { allow: [{{allow}}] }
            records:
              - { name: ns1, type: A, value: 192.0.2.53 }
              - { name: sub, type: NS, value: ns.sub }
              - { name: ns.sub, type: A, value: 192.0.2.99 }
            failover:
              - { name: www, type: A, ttl: 30, unsettledTtl: 30, primary: { value: 10.0.0.1, healthCheck: web }, secondary: { value: 10.0.1.1 } }
        """;

    private static async Task<List<string>> TransferAsync(ServerFixture server, string kind, string zone = "example.test")
    {
        var (exitCode, output) = await Tool.RunAsync("kdig", "@127.0.0.1", "-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), kind, zone, "+noall", "+answer", "+nocrypto");
        exitCode.Should().Be(0, output);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith(';')).Select(l => string.Join(" ", l.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)))];
    }

    private static uint Serial(ServerFixture server)
    {
        var snapshot = server.Services.GetRequiredService<ZoneStore>().Current;
        return snapshot.Serial(snapshot.Zones.Single());
    }

    [Fact]
    public async Task Axfr_TheZoneAsServed_SoaFirstAndLast_GlueAndDelegationIncluded()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));

        var records = await TransferAsync(server, "AXFR");

        var soa = $"example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. {Serial(server)} 3600 900 1209600 300";
        records.First().Should().Be(soa);
        records.Last().Should().Be(soa);
        records.Should().HaveCount(7).And.Contain([
            "example.test. 3600 IN NS ns1.example.test.",
            "ns1.example.test. 3600 IN A 192.0.2.53",
            "sub.example.test. 3600 IN NS ns.sub.example.test.",
            "ns.sub.example.test. 3600 IN A 192.0.2.99",
            "www.example.test. 30 IN A 10.0.0.1",
        ]);
        var row = (await server.GetJsonAsync("/api/transfers")).EnumerateArray().Single();
        (row.GetProperty("secondary").GetString(), row.GetProperty("lastTransfer").GetString(), row.GetProperty("lastTransferSerial").GetUInt32())
            .Should().Be(("127.0.0.1", "AXFR, the whole zone", Serial(server)));
        using var metrics = await server.Admin.GetAsync("/metrics");
        PrometheusScrape.Parse(await metrics.Content.ReadAsStringAsync()).Sum("failoverdns_zone_serial", ("zone", "example.test.")).Should().Be(Serial(server));
    }

    [Fact]
    public async Task Axfr_ChildZoneAlsoServedHere_ParentStillCarriesItsDelegationAndGlue()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port) + """

              - name: sub.example.test
                soa: { email: hostmaster@example.test }
                nameservers: [ns.sub.example.test.]
                transfer: { allow: [127.0.0.0/8] }
                records:
                  - { name: ns, type: A, value: 192.0.2.99 }
                  - { name: app, type: A, value: 192.0.2.7 }
            """);

        // The child's names are answered from the child zone here, but the parent's secondaries need
        // the cut: without it they would answer NXDOMAIN for sub.example.test instead of a referral.
        var parent = await TransferAsync(server, "AXFR");
        parent.Should().Contain(["sub.example.test. 3600 IN NS ns.sub.example.test.", "ns.sub.example.test. 3600 IN A 192.0.2.99"])
            .And.NotContain(r => r.StartsWith("app.sub.example.test.", StringComparison.Ordinal))
            .And.HaveCount(7);
        var child = await TransferAsync(server, "AXFR", "sub.example.test");
        child.Should().HaveCount(5).And.Contain(["sub.example.test. 3600 IN NS ns.sub.example.test.", "ns.sub.example.test. 3600 IN A 192.0.2.99", "app.sub.example.test. 3600 IN A 192.0.2.7"])
            .And.OnlyContain(r => r.Contains("sub.example.test. ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Switch_NewSerial_AxfrCarriesTheNewAnswer_IxfrTheDifference()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));
        var before = Serial(server);
        before.Should().BeGreaterThan(7u, "a transferred zone's serial follows what it serves, from the Unix time on");

        await backend.StopAsync();
        await Poll.UntilAsync(() => DnsAnswers.AskAsync(server, "www.example.test"), a => a.EndsWith("10.0.1.1", StringComparison.Ordinal), "the switch to the secondary");
        var after = Serial(server);

        ZoneSerials.IsLater(after, before).Should().BeTrue();
        (await TransferAsync(server, "AXFR")).Should().Contain("www.example.test. 30 IN A 10.0.1.1").And.NotContain("www.example.test. 30 IN A 10.0.0.1");
        (await TransferAsync(server, $"IXFR={before}")).Should().Equal(
            $"example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. {after} 3600 900 1209600 300",
            $"example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. {before} 3600 900 1209600 300",
            "www.example.test. 30 IN A 10.0.0.1",
            $"example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. {after} 3600 900 1209600 300",
            "www.example.test. 30 IN A 10.0.1.1",
            $"example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. {after} 3600 900 1209600 300");
        (await TransferAsync(server, $"IXFR={after}")).Should().Equal($"example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. {after} 3600 900 1209600 300");
        (await TransferAsync(server, "IXFR=5")).Should().HaveCount(7, "a serial the history does not hold gets the whole zone");
    }

    [Fact]
    public async Task Reload_ThatChangesTheZone_NewSerial_TransferHasTheChange()
    {
        using var directory = new FailoverDns.Testing.TempDirectory();
        await using var backend = LoopbackHttpServer.Start();
        var path = directory.Write("failoverdns.yaml", Config(backend.Port));
        await using var server = await ServerFixture.StartFileAsync(path);
        var before = Serial(server);

        await File.WriteAllTextAsync(path, Config(backend.Port).Replace("      - { name: ns1, type: A, value: 192.0.2.53 }", "      - { name: ns1, type: A, value: 192.0.2.53 }\n      - { name: added, type: A, value: 192.0.2.77 }", StringComparison.Ordinal));
        using var reload = await server.Admin.PostAsync("/api/reload", null);
        reload.IsSuccessStatusCode.Should().BeTrue(await reload.Content.ReadAsStringAsync());

        ZoneSerials.IsLater(Serial(server), before).Should().BeTrue("a reload that changes the zone gives it a new serial");
        (await TransferAsync(server, $"IXFR={before}")).Should().Contain("added.example.test. 3600 IN A 192.0.2.77", "a reloaded zone is sent whole");
    }

    [Fact]
    public async Task NotifyNameservers_TheZonesNsTargetsButThePrimary_AreNotifiedOnPort53()
    {
        // ns2's address is on loopback, so the NOTIFY it gets on port 53 stays on this machine; ns1 is the SOA MNAME, the primary itself.
        using var ns2 = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Parse("127.0.0.7"), 53));
        await using var backend = LoopbackHttpServer.Start();
        var yaml = Config(backend.Port)
            .Replace("nameservers: [ns1.example.test.]", "nameservers: [ns1.example.test., ns2.example.test.]", StringComparison.Ordinal)
            .Replace("transfer: { allow: [127.0.0.0/8] }", "transfer: { allow: [127.0.0.0/8], notify: [nameservers] }", StringComparison.Ordinal)
            .Replace("      - { name: ns1, type: A, value: 192.0.2.53 }", "      - { name: ns1, type: A, value: 192.0.2.53 }\n      - { name: ns2, type: A, value: 127.0.0.7 }", StringComparison.Ordinal);
        await using var server = await ServerFixture.StartAsync(yaml);

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = await ns2.ReceiveAsync(deadline.Token);
        DnsMessage.TryParse(received.Buffer, out var notify).Should().BeTrue();
        notify!.Header.OpCode.Should().Be(OpCode.Notify);
        var question = notify.Questions.Single();
        (DnsName.ToText(question.Name), question.Type).Should().Be(("example.test.", RecordType.SOA));
        RDataCodec.SoaSerial(notify.Answers.Single().Data).Should().Be(Serial(server));
        (await server.GetJsonAsync("/api/transfers")).EnumerateArray().Select(r => r.GetProperty("secondary").GetString()).Should().Equal("127.0.0.7:53");
    }

    [Fact]
    public async Task Transfer_ClientNotAllowed_Refused()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port, allow: "192.0.2.53"));

        var (_, output) = await Tool.RunAsync("kdig", "@127.0.0.1", "-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "AXFR", "example.test");

        output.Should().Contain("REFUSED");
        var reply = await TcpExchange.QueryAsync(server.TcpEndPoint, "example.test", RecordType.AXFR, CancellationToken.None);
        reply.Header.ResponseCode.Should().Be((int)ResponseCode.Refused);
        reply.Answers.Should().BeEmpty();
    }

    [Fact]
    public async Task Restart_SerialGoesOnFromTheStateFile_NeverBackwards()
    {
        using var directory = new FailoverDns.Testing.TempDirectory();
        var stateFile = Path.Combine(directory.Path, "state.json");
        await using var backend = LoopbackHttpServer.Start();
        uint first;
        await using (var server = await ServerFixture.StartAsync(Config(backend.Port), stateFile: stateFile))
        {
            // A burst of changes pushes the serial past the clock: a restart must still go on from it.
            var snapshot = server.Services.GetRequiredService<ZoneStore>().Current;
            var store = server.Services.GetRequiredService<ZoneStore>();
            for (var i = 0; i < 50; i++)
            {
                store.Publish(snapshot.WithFailoverAnswers([i % 2 == 0 ? snapshot.FailoverSets[0].Tiers[1] : snapshot.FailoverSets[0].Tiers[0]]));
            }

            first = Serial(server);
        }

        await using var restarted = await ServerFixture.StartAsync(Config(backend.Port), stateFile: stateFile);

        ZoneSerials.IsLater(Serial(restarted), first).Should().BeTrue($"{Serial(restarted)} must come after {first}");
    }
}
