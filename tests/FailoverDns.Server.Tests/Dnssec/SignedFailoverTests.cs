using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using FailoverDns.Protocol;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing;
using FailoverDns.Testing.Http;
using FluentAssertions;
using Microsoft.Extensions.Time.Testing;

namespace FailoverDns.Server.Tests.Dnssec;

/// <summary>
/// FailoverDns signing a zone with failover sets, judged by real validators: Unbound (trust anchor:
/// the zone's key) and delv validate answers, NXDOMAIN, NODATA, wildcards and the NODATA policy
/// before a failover, after it and after the failback; dnssec-verify accepts the transferred zone;
/// a damaged signature is caught; a Knot secondary serves the signed zone and follows a switch by
/// IXFR; signatures are made again before they expire.
/// </summary>
public sealed partial class SignedFailoverTests : IAsyncLifetime
{
    private const string Zone = "example.test";

    private readonly string _directory = Directory.CreateTempSubdirectory("failoverdns-signed-").FullName;
    private TrustAnchor _anchor = null!;

    public async Task InitializeAsync()
    {
        var keys = Directory.CreateDirectory(Path.Combine(_directory, "keys")).FullName;
        var (exit, output) = await Tool.RunAsync("dnssec-keygen", "-q", "-a", "ECDSAP256SHA256", "-f", "KSK", "-K", keys, Zone);
        exit.Should().Be(0, output);
        _anchor = TrustAnchor.Parse(await File.ReadAllTextAsync(Directory.GetFiles(keys, "*.key").Single()));
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private string WriteConfig(int backendPort, string signing = "dnssec: { keyDirectory: keys }", string transfer = "")
    {
        var path = Path.Combine(_directory, "failoverdns.yaml");
        File.WriteAllText(path, $$"""
            listen: [127.0.0.1:0]
            logging: { level: Warning }
            healthChecks:
              - { name: web, type: tcp, target: 127.0.0.1, port: {{backendPort}}, interval: 200ms, failureThreshold: 1, recoveryThreshold: 1 }
              - { name: down, type: tcp, target: 127.0.0.1, port: {{FreePort.Next()}}, interval: 200ms, failureThreshold: 1, recoveryThreshold: 1 }
            zones:
              - name: example.test
                soa: { email: hostmaster@example.test, negativeTtl: 1 }
                nameservers: [ns1.example.test.]
                {{signing}}
                {{transfer}}
                records:
                  - { name: ns1, type: A, value: 192.0.2.53 }
                  - { name: mail, type: A, ttl: 300, value: 192.0.2.25 }
                  - { name: "@", type: MX, value: 10 mail.example.test. }
                  - { name: "*.wild", type: TXT, value: "any" }
                  - { name: a.b, type: A, value: 192.0.2.11 }
                  - { name: sub, type: NS, value: ns.sub.example.test. }
                  - { name: ns.sub, type: A, value: 192.0.2.54 }
                failover:
                  - name: www
                    type: A
                    ttl: 1
                    primary: { value: 10.0.0.1, healthCheck: web }
                    secondary: { value: 10.0.1.1 }
                  - name: only
                    type: AAAA
                    ttl: 1
                    whenAllUnhealthy: nodata
                    primary: { value: "2001:db8::1", healthCheck: web }
                    secondary: { value: "2001:db8::2", healthCheck: down }
            """);
        return path;
    }

    [Fact]
    public async Task Validators_AcceptEveryKindOfAnswer_BeforeAFailoverAfterItAndAfterTheFailback()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartFileAsync(WriteConfig(backend.Port));
        await using var unbound = await ValidatingUnbound.StartAsync(Zone, server.Port, _anchor);

        await ExpectValidatedAsync(unbound, server.Port, "www.example.test. 1 IN A 10.0.0.1", "only.example.test. 1 IN AAAA 2001:db8::1");

        await backend.StopAsync();
        await WaitUntilServedAsync(server.Port, "10.0.1.1");
        await unbound.FlushAsync();
        await ExpectValidatedAsync(unbound, server.Port, "www.example.test. 1 IN A 10.0.1.1", only: null);

        backend.Restart();
        await WaitUntilServedAsync(server.Port, "10.0.0.1");
        await unbound.FlushAsync();
        await ExpectValidatedAsync(unbound, server.Port, "www.example.test. 1 IN A 10.0.0.1", "only.example.test. 1 IN AAAA 2001:db8::1");
    }

    [Fact]
    public async Task TransferredZone_PassesDnssecVerify_AndADamagedSignatureIsCaught()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartFileAsync(WriteConfig(backend.Port, transfer: "transfer: { allow: [127.0.0.1] }"));

        await WaitUntilServedAsync(server.Port, "10.0.0.1");
        var zoneText = await Tool.AxfrAsync(server.Port, Zone);
        zoneText.Should().Contain("2001:db8::1", "the primary's tiers are in the zone");
        var (exit, output) = await DnssecVerify.RunAsync(zoneText, Zone);
        exit.Should().Be(0, $"dnssec-verify accepts the zone as transferred:\n{output}\n{zoneText}");

        // The same zone served by knotd, one signature damaged: Unbound must refuse that name alone.
        var tampered = Path.Combine(_directory, "tampered.zone");
        await File.WriteAllTextAsync(tampered, SignedZoneFixture.DamageSignatureOfWww(zoneText));
        var port = FreePort.Next();
        await using var knot = await Daemon.StartKnotAsync(Path.Combine(_directory, "knot"), port, Zone, tampered);
        await using var unbound = await ValidatingUnbound.StartAsync(Zone, port, _anchor);
        (await unbound.QueryAsync("www.example.test")).Status.Should().Be("SERVFAIL", unbound.Log);
        (await unbound.QueryAsync("mail.example.test")).Authenticated.Should().BeTrue(unbound.Log);
    }

    [Fact]
    public async Task KnotSecondary_ServesTheSignedZone_AndFollowsAFailoverByIxfr()
    {
        await using var backend = LoopbackHttpServer.Start();
        var secondaryPort = FreePort.Next();
        await using var server = await ServerFixture.StartFileAsync(WriteConfig(backend.Port, transfer: $"transfer: {{ allow: [127.0.0.1], notify: [\"127.0.0.1:{secondaryPort}\"] }}"));
        await using var knot = await SecondaryServer.StartAsync(SecondaryKind.Knot, Zone, server.TcpEndPoint, listenPort: secondaryPort);
        await knot.WaitForAsync(k => k.SawAxfr, "the first transfer");
        await using var unbound = await ValidatingUnbound.StartAsync(Zone, knot.Port, _anchor);
        (await unbound.QueryAsync("www.example.test")).Authenticated.Should().BeTrue(unbound.Log);
        foreach (var (name, type) in new[] { ("nothere.example.test", RecordType.A), ("a.b.nothere.example.test", RecordType.A), ("www.example.test", RecordType.TXT) })
        {
            // The same records, proofs and signatures: compressed as Knot compresses them, not a byte more.
            var query = Queries.Build(name, type, recursionDesired: false, ednsPayload: 1232, dnssecOk: true);
            using var client = new UdpClient(AddressFamily.InterNetwork);
            var ours = await UdpExchange.TryAsync(client, server.UdpEndPoint, query, TimeSpan.FromSeconds(3));
            var knots = await UdpExchange.TryAsync(client, knot.EndPoint, query, TimeSpan.FromSeconds(3));
            ours!.Length.Should().Be(knots!.Length, $"{name} {type} with DO");
        }

        await backend.StopAsync();
        await knot.WaitForAsync(k => k.SawIxfr, "an IXFR after the failover");
        await Poll.UntilAsync(async () => await knot.AskAsync("www.example.test"), a => a.Contains("10.0.1.1", StringComparison.Ordinal), "the secondary serving the failover");
        await unbound.FlushAsync();
        var reply = await unbound.QueryAsync("www.example.test");
        reply.Answer.Should().Contain(r => r.EndsWith("10.0.1.1", StringComparison.Ordinal), unbound.Log);
        reply.Authenticated.Should().BeTrue($"the IXFR carried the new answer's signature; {unbound.Log}");
        (await unbound.QueryAsync("only.example.test", "AAAA")).Authenticated.Should().BeTrue("the NODATA proof came with the IXFR too");
    }

    [Fact]
    public async Task Signatures_AreMadeAgainBeforeTheyExpire_AndStillValidate()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var backend = LoopbackHttpServer.Start();
        var config = WriteConfig(backend.Port, signing: "dnssec: { keyDirectory: keys, signatureValidity: 2h, refreshBefore: 1h }");
        await using var server = await ServerFixture.StartFileAsync(config, clock);
        var first = await InceptionAsync(server.Port);

        clock.Advance(TimeSpan.FromMinutes(61)); // 59 minutes left: inside refreshBefore
        var renewed = await Poll.UntilAsync(() => InceptionAsync(server.Port), i => i != first, "signatures made again");

        renewed.Should().BeAfter(first.AddMinutes(60));
        using var metrics = await server.Admin.GetAsync("/metrics");
        PrometheusScrape.Parse(await metrics.Content.ReadAsStringAsync()).Sum("failoverdns_dnssec_signatures_expire_seconds", ("zone", "example.test."))
            .Should().Be(new DateTimeOffset(renewed).AddHours(3).ToUnixTimeSeconds(), "every signature runs from an hour before the signing to 2h after it");
        await using var unbound = await ValidatingUnbound.StartAsync(Zone, server.Port, _anchor);
        (await unbound.QueryAsync("www.example.test")).Authenticated.Should().BeTrue(unbound.Log);
        (await unbound.QueryAsync("nothere.example.test")).Authenticated.Should().BeTrue(unbound.Log);
    }

    /// <summary>Each kind of answer validates through Unbound, and delv agrees on the failover set.</summary>
    private async Task ExpectValidatedAsync(ValidatingUnbound unbound, int serverPort, string www, string? only)
    {
        foreach (var (name, type, status, answer) in new (string, string, string, string?)[]
        {
            ("www.example.test", "A", "NOERROR", www),
            ("only.example.test", "AAAA", "NOERROR", only),
            ("example.test", "MX", "NOERROR", "example.test. 3600 IN MX 10 mail.example.test."),
            ("nothere.example.test", "A", "NXDOMAIN", null),
            ("www.example.test", "MX", "NOERROR", null),
            ("x.wild.example.test", "TXT", "NOERROR", "x.wild.example.test. 3600 IN TXT \"any\""),
            ("b.example.test", "A", "NOERROR", null),
            ("sub.example.test", "DS", "NOERROR", null),
        })
        {
            var reply = await unbound.QueryAsync(name, type);
            reply.Status.Should().Be(status, $"{name} {type}; {unbound.Log}");
            reply.Authenticated.Should().BeTrue($"Unbound validated {name} {type} (flags {reply.Flags}); its log:\n{unbound.Log}");
            var records = reply.Answer.Where(r => !r.Contains(" RRSIG ", StringComparison.Ordinal));
            if (answer is null)
            {
                records.Should().BeEmpty($"{name} {type}");
            }
            else
            {
                records.Select(WithoutTtl).Should().Equal([WithoutTtl(answer)], $"{name} {type}");
            }
        }

        var delv = await Delv.QueryAsync(serverPort, _anchor, "www.example.test");
        delv.FullyValidated.Should().BeTrue(delv.Output);
    }

    private static string WithoutTtl(string record) => TtlField().Replace(record, " ");

    private static async Task WaitUntilServedAsync(int port, string address) =>
        await Poll.UntilAsync(async () => await Tool.DigAsync(port, "www.example.test", "+short"), a => a.Trim() == address, $"FailoverDns serving {address}");

    /// <summary>The inception of the RRSIG over www's A RRset, as FailoverDns serves it.</summary>
    private static async Task<DateTime> InceptionAsync(int port)
    {
        var output = await Tool.DigAsync(port, "www.example.test", "+dnssec", "+norec");
        var match = RrsigTimes().Match(output);
        match.Success.Should().BeTrue(output);
        return DateTime.ParseExact(match.Groups["inception"].Value, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }

    [GeneratedRegex(@" \d+ IN ")]
    private static partial Regex TtlField();

    [GeneratedRegex(@"RRSIG\s+A\s+13\s+\d+\s+\d+\s+(?<expiration>\d{14})\s+(?<inception>\d{14})")]
    private static partial Regex RrsigTimes();
}
