using System.Globalization;
using System.Net;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing;
using FailoverDns.Testing.Http;
using FailoverDns.Zones;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;

namespace FailoverDns.Server.Tests.ZoneTransfer;

/// <summary>
/// Issue 15 with real secondaries: Knot, NSD and BIND, each started on loopback as a secondary of
/// FailoverDns, load the zone by AXFR, follow a failover and the failback by NOTIFY and IXFR, work
/// with a TSIG key and refuse a wrong one, and recover by a full transfer after FailoverDns restarted
/// with a history that no longer holds their serial.
/// </summary>
public sealed class HiddenPrimaryTests
{
    private const string Primary = "NOERROR | www.example.test. 30 IN A 10.0.0.1";
    private const string Secondary = "NOERROR | www.example.test. 30 IN A 10.0.1.1";
    private static readonly TsigKeySpec Key = new("xfr-key", "hmac-sha256", Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()));

    /// <summary>A retry of 5 s: a secondary whose transfer failed once (NSD saw a TCP read fail) tries again within a test's wait.</summary>
    private static string Config(int port, int backendPort, int secondaryPort, bool signed) => $$"""
        listen: [127.0.0.1:{{port}}]
        {{(signed ? $"tsigKeys:\n  - {{ name: {Key.Name}, algorithm: {Key.Algorithm}, secret: '{Key.Secret}' }}" : "")}}
        healthChecks:
          - { name: web, type: http, target: 127.0.0.1, port: {{backendPort}}, interval: 500ms, failureThreshold: 1, recoveryThreshold: 1 }
        zones:
          - name: example.test
            soa: { email: hostmaster@example.test, refresh: 1h, retry: 5s, expire: 2w }
            nameservers: [ns1.example.test.]
            transfer: { allow: [127.0.0.0/8], notify: ['127.0.0.1:{{secondaryPort}}']{{(signed ? $", keys: [{Key.Name}]" : "")}} }
            records:
              - { name: ns1, type: A, value: 192.0.2.53 }
            failover:
              - { name: www, type: A, ttl: 30, unsettledTtl: 30, primary: { value: 10.0.0.1, healthCheck: web }, secondary: { value: 10.0.1.1 } }
        """;

    private static uint Serial(ServerFixture server)
    {
        var snapshot = server.Services.GetRequiredService<ZoneStore>().Current;
        return snapshot.Serial(snapshot.Zones.Single());
    }

    [Theory]
    [InlineData(SecondaryKind.Knot)]
    [InlineData(SecondaryKind.Nsd)]
    [InlineData(SecondaryKind.Bind)]
    public async Task Secondary_LoadsByAxfr_FollowsFailoverAndFailbackByNotifyAndIxfr_RecoversByAxfrAfterARestart(SecondaryKind kind)
    {
        using var directory = new TempDirectory();
        var stateFile = Path.Combine(directory.Path, "state.json");
        // FailoverDns first, as in production: a secondary that finds no primary waits for its retry timer.
        var (port, secondaryPort) = (FreePort.Next(), FreePort.Next());
        await using var backend = LoopbackHttpServer.Start();
        var server = await ServerFixture.StartAsync(Config(port, backend.Port, secondaryPort, signed: false), stateFile: stateFile);
        await using var secondary = await SecondaryServer.StartAsync(kind, "example.test", new IPEndPoint(IPAddress.Loopback, port), listenPort: secondaryPort);
        try
        {
            await Loaded(secondary, Serial(server));
            (await secondary.AskAsync("www.example.test")).Should().Be(Primary);
            secondary.SawAxfr.Should().BeTrue("the first load is the whole zone");

            await backend.StopAsync();
            await Poll.UntilAsync(() => DnsAnswers.AskAsync(server, "www.example.test"), a => a == Secondary, "FailoverDns failing over");
            await Loaded(secondary, Serial(server));
            (await secondary.AskAsync("www.example.test")).Should().Be(Secondary, $"{kind} follows the failover");

            backend.Restart();
            await Poll.UntilAsync(() => DnsAnswers.AskAsync(server, "www.example.test"), a => a == Primary, "FailoverDns failing back");
            await Loaded(secondary, Serial(server));
            (await secondary.AskAsync("www.example.test")).Should().Be(Primary, $"{kind} follows the failback");
            await secondary.WaitForAsync(s => s.IncrementalTransfers >= 1, "the switches fetched as incremental transfers (one may carry both, when a NOTIFY comes during a transfer)");

            // Restarted: the history of versions is gone, so the secondary's serial gets the whole zone.
            var fullBefore = secondary.FullTransfers;
            await server.DisposeAsync();
            server = await ServerFixture.StartAsync(Config(port, backend.Port, secondaryPort, signed: false), stateFile: stateFile);
            await Loaded(secondary, Serial(server));
            await secondary.WaitForAsync(s => s.FullTransfers > fullBefore, "a full transfer after the restart");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(SecondaryKind.Knot)]
    [InlineData(SecondaryKind.Nsd)]
    [InlineData(SecondaryKind.Bind)]
    public async Task Secondary_WithTheTsigKey_LoadsAndFollows_WithAWrongSecret_LoadsNothing(SecondaryKind kind)
    {
        var (port, secondaryPort) = (FreePort.Next(), FreePort.Next());
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(port, backend.Port, secondaryPort, signed: true));
        await using var signed = await SecondaryServer.StartAsync(kind, "example.test", new IPEndPoint(IPAddress.Loopback, port), Key, secondaryPort);
        await using var wrong = await SecondaryServer.StartAsync(kind, "example.test", new IPEndPoint(IPAddress.Loopback, port), Key with { Secret = Convert.ToBase64String(new byte[32]) });

        await Loaded(signed, Serial(server));
        await backend.StopAsync();
        await Poll.UntilAsync(() => DnsAnswers.AskAsync(server, "www.example.test"), a => a == Secondary, "FailoverDns failing over");
        await Loaded(signed, Serial(server));
        (await signed.AskAsync("www.example.test")).Should().Be(Secondary, $"{kind} follows with TSIG on the NOTIFY, the SOA query and the transfer");

        (await wrong.SerialAsync()).Should().BeNull($"{kind} with a wrong secret must not load the zone:\n{wrong.Log}");
    }

    /// <summary>
    /// The README's Knot and NSD snippets, as written there but for the addresses, the zone and the
    /// secret: the harness adds only where the daemon listens, logs and keeps its files.
    /// </summary>
    [Theory]
    [InlineData(SecondaryKind.Knot, "# Knot (knot.conf)")]
    [InlineData(SecondaryKind.Nsd, "# NSD (nsd.conf)")]
    public async Task ReadmeSnippet_AsWritten_LoadsAndFollowsASwitch(SecondaryKind kind, string heading)
    {
        var (port, secondaryPort) = (FreePort.Next(), FreePort.Next());
        var snippet = ReadmeSnippet(heading)
            .Replace("192.0.2.1@53", $"127.0.0.1@{port}", StringComparison.Ordinal)
            .Replace("192.0.2.1", "127.0.0.1", StringComparison.Ordinal)
            .Replace("<base64>", Key.Secret, StringComparison.Ordinal)
            .Replace("example.com", "example.test", StringComparison.Ordinal);
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(port, backend.Port, secondaryPort, signed: true));
        await using var secondary = await SecondaryServer.StartAsync(kind, "example.test", new IPEndPoint(IPAddress.Loopback, port), Key, secondaryPort, replication: snippet);

        await Loaded(secondary, Serial(server));
        await backend.StopAsync();
        await Poll.UntilAsync(() => DnsAnswers.AskAsync(server, "www.example.test"), a => a == Secondary, "FailoverDns failing over");
        await Loaded(secondary, Serial(server));
        (await secondary.AskAsync("www.example.test")).Should().Be(Secondary);
    }

    /// <summary>The lines under <paramref name="heading"/> in the README's block of secondary configs, up to the next heading.</summary>
    private static string ReadmeSnippet(string heading)
    {
        var lines = File.ReadAllLines(Repository.PathOf("README.md"));
        var start = Array.IndexOf(lines, heading);
        start.Should().BeGreaterThan(0, $"the README has a block under '{heading}'");
        var body = lines.Skip(start + 1).TakeWhile(l => !l.StartsWith('#') && !l.StartsWith("```", StringComparison.Ordinal));
        return string.Join('\n', body).Trim() + "\n";
    }

    [Fact]
    public async Task LargeZone_100000Records_TransfersCompletely_AsKnotServesIt()
    {
        using var directory = new TempDirectory();
        var records = string.Join("\n", Enumerable.Range(0, 100_000).Select(i => string.Create(CultureInfo.InvariantCulture, $"h{i} 300 IN A 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}")));
        var zoneFile = directory.Write("big.zone", $"$ORIGIN example.test.\n@ 3600 IN SOA ns1 hostmaster 7 3600 900 1209600 300\n@ 3600 IN NS ns1\nns1 3600 IN A 192.0.2.53\n{records}\n");
        var knotPort = FreePort.Next();
        await using var knot = await Daemon.StartKnotAsync(Path.Combine(directory.Path, "knot"), knotPort, "example.test", zoneFile, allowTransfer: true);
        await using var server = await ServerFixture.StartAsync($$"""
            listen: [127.0.0.1:0]
            zones:
              - name: example.test
                file: {{zoneFile}}
                transfer: { allow: [127.0.0.1] }
            files: { allowOutsideConfigDirectory: true }
            """);

        var ours = await AxfrAsync(server.Port);
        var knots = await AxfrAsync(knotPort);

        ours.Should().HaveCount(100_004, "the SOA twice, NS, ns1 and 100,000 addresses");
        ours.Where(r => !r.Contains(" SOA ", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .Should().Equal(knots.Where(r => !r.Contains(" SOA ", StringComparison.Ordinal)).Order(StringComparer.Ordinal), "the same records as Knot transfers for the same zone");
    }

    /// <summary>Waits for the secondary to serve <paramref name="serial"/>; a timeout shows what it logged.</summary>
    private static async Task Loaded(SecondaryServer secondary, uint serial)
    {
        try
        {
            await secondary.WaitForSerialAsync(serial);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n{secondary.Kind} logged:\n{string.Join('\n', secondary.Log.Split('\n').TakeLast(40))}", e);
        }
    }

    private static async Task<List<string>> AxfrAsync(int port)
    {
        var (exitCode, output) = await Tool.RunAsync("kdig", new Dictionary<string, string>(), TimeSpan.FromSeconds(60), "@127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "AXFR", "example.test", "+noall", "+answer");
        exitCode.Should().Be(0, output.Length > 2000 ? output[..2000] : output);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith(';')).Select(l => string.Join(" ", l.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)))];
    }
}
