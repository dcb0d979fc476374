using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using FailoverDns.Protocol;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing;
using FailoverDns.Testing.Http;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Reload;

/// <summary>
/// The config file edited under a running server: valid versions are swapped in, invalid ones are
/// rejected with their errors while the last good config goes on answering.
/// </summary>
[Collection(WholeProcessTests.Name)]
public sealed partial class ConfigReloadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("failoverdns-reload-").FullName;

    private string ConfigPath => Path.Combine(_directory, "failoverdns.yaml");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Config(string www, string extraRecords = "", string checks = "", string failover = "") => $$"""
        listen: [127.0.0.1:0]
        logging: { level: Warning }
        {{checks}}
        zones:
          - name: example.test
            soa: { email: hostmaster@example.test }
            nameservers: [ns1.example.test.]
            records:
              - { name: ns1, type: A, value: 192.0.2.53 }
              - { name: www, type: A, ttl: 60, value: {{www}} }
        {{extraRecords}}
        {{failover}}
        """;

    /// <summary>Writes beside and renames over, as editors and config managers do.</summary>
    private void Replace(string text)
    {
        var temporary = ConfigPath + ".new";
        File.WriteAllText(temporary, text);
        File.Move(temporary, ConfigPath, overwrite: true);
    }

    private static Task<JsonElement> ReloadedAsync(ServerFixture server, bool succeeded, DateTimeOffset after) =>
        Poll.UntilAsync(
            server.ReadinessAsync,
            r => r.TryGetProperty("lastReload", out var reload) && reload.GetProperty("succeeded").GetBoolean() == succeeded && reload.GetProperty("at").GetDateTimeOffset() > after,
            succeeded ? "a successful reload" : "a rejected reload");

    [Fact]
    public async Task Reload_InvalidThenValidFileWhileQueriesRun_NoQueryFailsAndAnswersSwitchOnce()
    {
        File.WriteAllText(ConfigPath, Config("192.0.2.1"));
        await using var server = await ServerFixture.StartFileAsync(ConfigPath);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var answers = Task.Run(() => AskRepeatedly(server.UdpEndPoint, stop.Token));
        var dug = new ConcurrentQueue<string>();
        var digs = DigRepeatedlyAsync(server.Port, dug, stop.Token);
        var start = DateTimeOffset.UtcNow;

        Replace(Config("192.0.2.300"));
        var rejected = await ReloadedAsync(server, succeeded: false, start);
        var errors = (await server.GetJsonAsync("/api/reload")).GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ToList();
        (await DnsAnswers.AskAsync(server, "www.example.test")).Should().Be("NOERROR | www.example.test. 60 IN A 192.0.2.1", "the last good config is still served");

        Replace(Config("192.0.2.2"));
        await ReloadedAsync(server, succeeded: true, start);
        var afterReload = await DnsAnswers.AskAsync(server, "www.example.test");
        // dig starts a process per query, which takes long on a loaded machine: wait for its first new answer.
        await Poll.UntilAsync(() => dug.Contains("192.0.2.2"), "dig answer after the reload");
        await stop.CancelAsync();
        var seen = await answers;
        await digs;

        rejected.GetProperty("ready").GetBoolean().Should().BeTrue("a rejected reload leaves the server serving");
        errors.Should().Equal($"{ConfigPath}:10:47: '192.0.2.300' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)");
        afterReload.Should().Be("NOERROR | www.example.test. 60 IN A 192.0.2.2");
        seen.Should().NotContain("no reply").And.OnlyContain(a => a == "192.0.2.1" || a == "192.0.2.2");
        dug.Should().NotBeEmpty().And.OnlyContain(a => a == "192.0.2.1" || a == "192.0.2.2", "dig, asking all along, got an answer every time");
        dug.SkipWhile(a => a == "192.0.2.1").Should().OnlyContain(a => a == "192.0.2.2");
        var switchedAt = seen.IndexOf("192.0.2.2");
        switchedAt.Should().BePositive("answers were old before the valid file landed");
        seen.Skip(switchedAt).Should().OnlyContain(a => a == "192.0.2.2", "once switched, never back: the snapshot is swapped atomically");
        var metrics = PrometheusScrape.Parse(await server.Admin.GetStringAsync("/metrics"));
        metrics.Sum("failoverdns_config_reloads_total", ("outcome", "failure")).Should().Be(1);
        metrics.Sum("failoverdns_config_reloads_total", ("outcome", "success")).Should().Be(1);
        metrics.Sum("failoverdns_config_last_reload_successful").Should().Be(1);
    }

    [Fact]
    public async Task Reload_FileWrittenInPlace_AlsoNoticed()
    {
        File.WriteAllText(ConfigPath, Config("192.0.2.1"));
        await using var server = await ServerFixture.StartFileAsync(ConfigPath);
        var start = DateTimeOffset.UtcNow;

        File.WriteAllText(ConfigPath, Config("192.0.2.3"));

        await ReloadedAsync(server, succeeded: true, start);
        (await DnsAnswers.AskAsync(server, "www.example.test")).Should().Be("NOERROR | www.example.test. 60 IN A 192.0.2.3");
    }

    [Fact]
    public async Task Reload_ZoneFileChanged_NewRecordsServed()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "zones"));
        var zoneFile = Path.Combine(_directory, "zones", "example.org.zone");
        File.WriteAllText(zoneFile, "$TTL 300\n@ SOA ns1 hostmaster 1 3600 900 1209600 300\n@ NS ns1\nns1 A 192.0.2.53\nwww A 198.51.100.1\n");
        File.WriteAllText(ConfigPath, Config("192.0.2.1") + "\n  - name: example.org\n    file: zones/example.org.zone\n");
        await using var server = await ServerFixture.StartFileAsync(ConfigPath);
        (await DnsAnswers.AskAsync(server, "www.example.org")).Should().Be("NOERROR | www.example.org. 300 IN A 198.51.100.1");
        var start = DateTimeOffset.UtcNow;

        File.WriteAllText(zoneFile, "$TTL 300\n@ SOA ns1 hostmaster 2 3600 900 1209600 300\n@ NS ns1\nns1 A 192.0.2.53\nwww A 198.51.100.2\n");

        await ReloadedAsync(server, succeeded: true, start);
        (await DnsAnswers.AskAsync(server, "www.example.org")).Should().Be("NOERROR | www.example.org. 300 IN A 198.51.100.2");
    }

    [Fact]
    public async Task Reload_UnchangedCheckOfDeadPrimary_StaysUnhealthyAndKeepsItsHistory()
    {
        await using var backend = LoopbackHttpServer.Start();
        var checks = $"healthChecks:\n  - {{ name: web, type: tcp, target: 127.0.0.1, port: {backend.Port}, interval: 200ms, failureThreshold: 1, recoveryThreshold: 1 }}";
        const string Failover = """
                failover:
                  - name: app
                    type: A
                    ttl: 30
                    primary: { value: 10.0.0.1, healthCheck: web }
                    secondary: { value: 10.0.1.1 }
            """;
        File.WriteAllText(ConfigPath, Config("192.0.2.1", checks: checks, failover: Failover));
        await using var server = await ServerFixture.StartFileAsync(ConfigPath);
        await backend.StopAsync();
        await Poll.UntilAsync(() => DnsAnswers.AskAsync(server, "app.example.test"), a => a.EndsWith("10.0.1.1", StringComparison.Ordinal), "the secondary");
        var before = await server.GetJsonAsync("/api/health-checks/web");
        var start = DateTimeOffset.UtcNow;

        Replace(Config("192.0.2.9", checks: checks, failover: Failover));
        await ReloadedAsync(server, succeeded: true, start);

        (await DnsAnswers.AskAsync(server, "app.example.test")).Should().Be("NOERROR | app.example.test. 30 IN A 10.0.1.1", "a dead primary is not served again because the file changed");
        (await DnsAnswers.AskAsync(server, "www.example.test")).Should().Be("NOERROR | www.example.test. 60 IN A 192.0.2.9");
        var after = await server.GetJsonAsync("/api/health-checks/web");
        after.GetProperty("status").GetString().Should().Be("unhealthy");
        after.GetProperty("since").GetDateTimeOffset().Should().Be(before.GetProperty("since").GetDateTimeOffset());
        after.GetProperty("probes").GetInt64().Should().BeGreaterThanOrEqualTo(before.GetProperty("probes").GetInt64());
    }

    [Fact]
    public async Task Reload_CheckRemovedAndAnotherAdded_OldStopsNewProbesAtOnce()
    {
        await using var first = LoopbackHttpServer.Start();
        await using var second = LoopbackHttpServer.Start();
        string Checks(string name, int port) => $"healthChecks:\n  - {{ name: {name}, type: tcp, target: 127.0.0.1, port: {port}, interval: 60s }}";
        File.WriteAllText(ConfigPath, Config("192.0.2.1", checks: Checks("old", first.Port)));
        await using var server = await ServerFixture.StartFileAsync(ConfigPath);
        await Poll.UntilAsync(() => server.GetJsonAsync("/api/health-checks/old"), c => c.GetProperty("probes").GetInt64() == 1, "the first probe");
        var start = DateTimeOffset.UtcNow;

        Replace(Config("192.0.2.1", checks: Checks("new", second.Port)));
        await ReloadedAsync(server, succeeded: true, start);

        var all = await server.GetJsonAsync("/api/health-checks");
        all.EnumerateArray().Select(c => c.GetProperty("name").GetString()).Should().Equal("new");
        var probed = await Poll.UntilAsync(() => server.GetJsonAsync("/api/health-checks/new"), c => c.GetProperty("probes").GetInt64() >= 1, "a probe of the new check");
        probed.GetProperty("status").GetString().Should().Be("healthy", "probed at once, not an interval (60 s) later");
    }

    [Fact]
    public async Task ReloadApi_ValidAndInvalid_ReportsOutcomeAndErrors()
    {
        File.WriteAllText(ConfigPath, Config("192.0.2.1"));
        await using var server = await ServerFixture.StartFileAsync(ConfigPath);

        using var ok = await server.Admin.PostAsync("/api/reload", null);
        var okBody = JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement;
        File.WriteAllText(ConfigPath, Config("192.0.2.1").Replace("nameservers", "nameserver", StringComparison.Ordinal));
        using var bad = await server.Admin.PostAsync("/api/reload", null);
        var badBody = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement;

        ok.StatusCode.Should().Be(HttpStatusCode.OK);
        okBody.GetProperty("succeeded").GetBoolean().Should().BeTrue();
        bad.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        badBody.GetProperty("succeeded").GetBoolean().Should().BeFalse();
        badBody.GetProperty("errors").EnumerateArray().Select(e => e.GetString()).Should().Contain(e => e!.StartsWith($"{ConfigPath}:7:5: unknown key 'nameserver'", StringComparison.Ordinal));
        (await DnsAnswers.AskAsync(server, "www.example.test")).Should().Be("NOERROR | www.example.test. 60 IN A 192.0.2.1");
    }

    [Fact]
    public async Task Reload_ZoneFileReplacedByFifo_RejectedAtOnceEveryTimeAndOldAnswersServed()
    {
        var zoneFile = Path.Combine(_directory, "example.org.zone");
        File.WriteAllText(zoneFile, "$TTL 300\n@ SOA ns1 hostmaster 1 3600 900 1209600 300\n@ NS ns1\nns1 A 192.0.2.53\nwww A 198.51.100.1\n");
        File.WriteAllText(ConfigPath, Config("192.0.2.1") + "\n  - name: example.org\n    file: example.org.zone\n");
        await using var server = await ServerFixture.StartFileAsync(ConfigPath);
        File.Delete(zoneFile);
        Fifo.Create(zoneFile);

        // Before the fix the first of these waited for a writer forever, and every later one behind it.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var first = await server.Admin.PostAsync("/api/reload", null, deadline.Token);
        using var second = await server.Admin.PostAsync("/api/reload", null, deadline.Token);
        var body = JsonDocument.Parse(await second.Content.ReadAsStringAsync(deadline.Token)).RootElement;

        first.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        second.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        body.GetProperty("errors").EnumerateArray().Select(e => e.GetString()).Should().Equal(
            $"{ConfigPath}:14:11: cannot read zone file 'example.org.zone': it is a FIFO (named pipe), not a regular file");
        (await DnsAnswers.AskAsync(server, "www.example.org")).Should().Be("NOERROR | www.example.org. 300 IN A 198.51.100.1", "the last good config is still served");
    }

    [Fact]
    public async Task Readyz_AfterRejectedReload_SaysWhyWithoutErrorTextWhichTheTokenShows()
    {
        const string Token = "0123456789abcdef-reload";
        var secretLine = "SECRET_" + new string('s', 60);
        File.WriteAllText(ConfigPath, Config("192.0.2.1").Replace("logging:", $"admin: {{ listen: 127.0.0.1:0, token: {Token} }}\nlogging:", StringComparison.Ordinal));
        await using var server = await ServerFixture.StartFileAsync(ConfigPath);
        File.WriteAllText(ConfigPath, File.ReadAllText(ConfigPath).Replace("192.0.2.1", secretLine, StringComparison.Ordinal));
        using var reload = await server.Admin.PostAsync("/api/reload", null);

        using var open = new HttpClient { BaseAddress = server.Admin.BaseAddress };
        var readyz = await open.GetStringAsync("/readyz");
        using var withoutToken = await open.GetAsync("/api/reload");
        var withToken = await server.GetJsonAsync("/api/reload");

        reload.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var ready = JsonDocument.Parse(readyz).RootElement;
        ready.GetProperty("ready").GetBoolean().Should().BeTrue("a rejected reload leaves the server serving");
        ready.GetProperty("reason").GetString().Should().StartWith("Ready: ").And.Contain("was rejected with 1 error(s), so the previous config is still served; GET /api/reload lists them.");
        ready.GetProperty("lastReload").GetProperty("errorCount").GetInt32().Should().Be(1);
        readyz.Should().NotContain("SECRET_").And.NotContain(ConfigPath).And.NotContain("\"errors\"");
        withoutToken.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        withToken.GetProperty("errors").EnumerateArray().Select(e => e.GetString()).Should().Equal(
            $"{ConfigPath}:11:47: 'SECRET_sssssssssssssssssssssssssssssssss...' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)");
    }

    [Fact]
    public async Task Sighup_UnchangedFile_ReloadsAnyway()
    {
        File.WriteAllText(ConfigPath, Config("192.0.2.1"));
        await using var server = await ServerFixture.StartFileAsync(ConfigPath);
        var start = DateTimeOffset.UtcNow;

        var (exitCode, output) = await Tool.RunAsync("kill", "-HUP", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

        exitCode.Should().Be(0, output);
        await ReloadedAsync(server, succeeded: true, start);
        (await DnsAnswers.AskAsync(server, "www.example.test")).Should().Be("NOERROR | www.example.test. 60 IN A 192.0.2.1");
    }

    [Fact]
    public async Task Reload_ZoneFileEdited_LogNamesTheZoneFileNotTheConfig()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "zones"));
        var zoneFile = Path.Combine(_directory, "zones", "example.org.zone");
        File.WriteAllText(zoneFile, "$TTL 300\n@ SOA ns1 hostmaster 1 3600 900 1209600 300\n@ NS ns1\nns1 A 192.0.2.53\nwww A 198.51.100.1\n");
        File.WriteAllText(ConfigPath, Logged(Config("192.0.2.1")) + "\n  - name: example.org\n    file: zones/example.org.zone\n");
        await using var server = ServerProcess.Start(ServerProcess.BuiltAssembly, ["--config", ConfigPath]);
        await server.WaitForLineAsync(ApplicationStarted());

        File.WriteAllText(zoneFile, "$TTL 300\n@ SOA ns1 hostmaster 2 3600 900 1209600 300\n@ NS ns1\nns1 A 192.0.2.53\nwww A 198.51.100.2\n");
        var reloaded = await server.WaitForLineAsync(ReloadedLine());

        reloaded.Groups[1].Value.Should().Be(ConfigPath);
        reloaded.Groups[2].Value.Should().Be("zones/example.org.zone changed");
    }

    [Fact]
    public async Task Reload_ListenEditedThenReverted_NeedsRestartOnlyWhileItDiffersFromTheStart()
    {
        var config = Logged(Config("192.0.2.1"));
        File.WriteAllText(ConfigPath, config);
        await using var server = ServerProcess.Start(ServerProcess.BuiltAssembly, ["--config", ConfigPath]);
        await server.WaitForLineAsync(ApplicationStarted());
        int Reloads() => server.Lines.Count(l => ReloadedLine().IsMatch(l));

        Replace(config.Replace("listen: [127.0.0.1:0]", "listen: [127.0.0.2:0]", StringComparison.Ordinal));
        await Poll.UntilAsync(() => Reloads() == 1, "the reload with listen changed");
        Replace(config.Replace("192.0.2.1", "192.0.2.2", StringComparison.Ordinal));
        await Poll.UntilAsync(() => Reloads() == 2, "the reload with listen as it was");
        Replace(config.Replace("192.0.2.1", "192.0.2.3", StringComparison.Ordinal));
        await Poll.UntilAsync(() => Reloads() == 3, "a later reload, after which the second one's lines are all written");

        var lines = server.Lines.Where(l => ReloadedLine().IsMatch(l) || l.Contains("take effect at the next restart", StringComparison.Ordinal)).ToList();
        lines.Should().HaveCount(4, string.Join('\n', server.Lines));
        lines[0].Should().MatchRegex(@"\(failoverdns\.yaml changed\)");
        lines[1].Should().EndWith("Reload: changes to listen take effect at the next restart");
        lines[2].Should().MatchRegex(ReloadedLine().ToString(), "listen is back to what the sockets were opened with");
        lines[3].Should().MatchRegex(ReloadedLine().ToString());
    }

    [Fact]
    public async Task Reload_FlapDampingChanged_NeedsRestart()
    {
        // The state store takes its damping limits when it is made; the reload says so instead of half-applying them.
        var config = Logged(Config("192.0.2.1"));
        File.WriteAllText(ConfigPath, config);
        await using var server = ServerProcess.Start(ServerProcess.BuiltAssembly, ["--config", ConfigPath]);
        await server.WaitForLineAsync(ApplicationStarted());

        Replace("health: { flapDamping: off }\n" + config);
        await Poll.UntilAsync(() => server.Lines.Any(l => ReloadedLine().IsMatch(l)), "the reload");
        Replace("health: { flapDamping: off }\n" + config.Replace("192.0.2.1", "192.0.2.2", StringComparison.Ordinal));
        await Poll.UntilAsync(() => server.Lines.Count(l => ReloadedLine().IsMatch(l)) == 2, "a later reload");

        // Each reload warns just after its "Reloaded" line: the second one's may still be on its way.
        string[] Warnings() => [.. server.Lines.Where(l => l.Contains("take effect at the next restart", StringComparison.Ordinal))];
        await Poll.UntilAsync(() => Warnings().Length >= 2, "the second reload's warning");
        Warnings().Should().HaveCount(2).And.OnlyContain(l => l.EndsWith("Reload: changes to health.flapDamping take effect at the next restart", StringComparison.Ordinal));
    }

    /// <summary>A config for a server run as its own process: reloads logged (Information), no admin API.</summary>
    private static string Logged(string config) =>
        config.Replace("logging: { level: Warning }", "admin: { enabled: false }\nlogging: { level: Information }", StringComparison.Ordinal);

    [GeneratedRegex("Application started")]
    private static partial Regex ApplicationStarted();

    [GeneratedRegex(@"Reloaded (.+) \((.+)\): \d+ zones")]
    private static partial Regex ReloadedLine();

    /// <summary>Runs <c>dig +short www.example.test</c> until stopped (at most 500 times), recording what each printed.</summary>
    private static async Task DigRepeatedlyAsync(int port, ConcurrentQueue<string> printed, CancellationToken stop)
    {
        for (var i = 0; i < 500 && !stop.IsCancellationRequested; i++)
        {
            var (exitCode, output) = await Tool.RunAsync("dig", "@127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "+short", "+time=2", "+tries=1", "www.example.test");
            printed.Enqueue(exitCode == 0 ? output.Trim() : $"dig failed ({exitCode}): {output}");
        }
    }

    /// <summary>Asks www A over UDP until stopped (at most 20,000 times), recording each answer's address or "no reply".</summary>
    private static List<string> AskRepeatedly(IPEndPoint server, CancellationToken stop)
    {
        var seen = new List<string>();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 2000 };
        client.Connect(server);
        var reply = new byte[512];
        var clock = Stopwatch.StartNew();
        for (ushort id = 1; !stop.IsCancellationRequested && seen.Count < 20_000 && clock.Elapsed < TimeSpan.FromSeconds(60); id++)
        {
            client.Send(Queries.Build("www.example.test", RecordType.A, id: id));
            try
            {
                var length = client.Receive(reply);
                seen.Add(DnsMessage.TryParse(reply.AsSpan(0, length), out var message) && message!.Answers.Count == 1
                    ? message.Answers[0].ToString().Split(' ')[^1]
                    : "bad reply");
            }
            catch (SocketException)
            {
                seen.Add("no reply");
            }

            Thread.Sleep(1);
        }

        return seen;
    }
}
