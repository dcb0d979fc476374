using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Failover;

/// <summary>
/// A dead primary is never served by accident at start-up, after a restart, or after an edit to its
/// check: the first answer already names the secondary. The primary's backend is a loopback listener
/// that never accepts, so an HTTP probe of it waits for its whole response timeout.
/// </summary>
public sealed class StartupStateTests : IDisposable
{
    private const string Primary = "10.0.0.1";
    private const string Secondary = "10.0.1.1";

    private readonly TcpListener _silent = new(IPAddress.Loopback, 0);
    private readonly string _directory = Directory.CreateTempSubdirectory("failoverdns-startup-").FullName;

    public StartupStateTests() => _silent.Start();

    private int SilentPort => ((IPEndPoint)_silent.LocalEndpoint).Port;

    private string StateFile => Path.Combine(_directory, "state.json");

    public void Dispose()
    {
        _silent.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static string Config(int port, string checkSettings, string health = "") => $$"""
        listen: [127.0.0.1:0]
        logging: { level: Warning }
        {{health}}
        healthChecks:
          - { name: web, type: http, target: 127.0.0.1, port: {{port}}, {{checkSettings}} }
        zones:
          - name: example.test
            soa: { email: hostmaster@example.test }
            nameservers: [ns1.example.test.]
            records:
              - { name: ns1, type: A, value: 192.0.2.53 }
            failover:
              - name: www
                type: A
                ttl: 30
                primary: { value: {{Primary}}, healthCheck: web }
                secondary: { value: {{Secondary}} }
        """;

    private static string Answer(string address) => $"NOERROR | www.example.test. 30 IN A {address}";

    private static Task<string> AnswerAsync(ServerFixture server) => DnsAnswers.AskAsync(server, "www.example.test");

    /// <summary>Asks <paramref name="count"/> times, the first at once: every answer must name the secondary.</summary>
    private static async Task EveryAnswerIsTheSecondaryAsync(ServerFixture server, int count)
    {
        for (var i = 0; i < count; i++)
        {
            (await AnswerAsync(server)).Should().Be(Answer(Secondary), $"answer {i + 1} of {count}");
        }
    }

    [Fact]
    public async Task FirstStart_PrimaryDownWithNoHistory_TheFirstAnswerAlreadyNamesTheSecondary()
    {
        // Thresholds of 3 at a minute apart: counted healthy until data, the primary would be served for minutes.
        await using var server = await ServerFixture.StartAsync(Config(SilentPort, "interval: 60s, responseTimeout: 300ms, failureThreshold: 3"), stateFile: StateFile);

        await EveryAnswerIsTheSecondaryAsync(server, 5);
    }

    [Fact]
    public async Task Route53Mode_PrimaryDownWithNoHistory_ServedUntilTheThreshold()
    {
        await using var server = await ServerFixture.StartAsync(
            Config(SilentPort, "interval: 60s, responseTimeout: 300ms, failureThreshold: 3", "health: { initialState: healthy }"), stateFile: StateFile);

        (await AnswerAsync(server)).Should().Be(Answer(Primary), "a check without enough results counts as healthy, as in Route 53");
    }

    [Fact]
    public async Task Restart_PrimaryDown_AnsweredFromTheSavedStateBeforeAnyProbe()
    {
        await using (var first = await ServerFixture.StartAsync(Config(SilentPort, "interval: 500ms, responseTimeout: 300ms, failureThreshold: 1"), stateFile: StateFile))
        {
            await EveryAnswerIsTheSecondaryAsync(first, 1);
        }

        // Only the patience differs, so the saved state holds; the first probe of this run takes 20 s.
        await using var second = await ServerFixture.StartAsync(Config(SilentPort, "interval: 60s, responseTimeout: 20s, failureThreshold: 3"), stateFile: StateFile);

        await EveryAnswerIsTheSecondaryAsync(second, 5);
        var check = await second.GetJsonAsync("/api/health-checks/web");
        check.GetProperty("probes").GetInt64().Should().Be(0, "the answers came from the saved state, not from a probe");
        check.GetProperty("status").GetString().Should().Be("unhealthy");
    }

    [Fact]
    public async Task Restart_CheckRedefinedWhileStopped_SavedStateNotUsed()
    {
        await using (var first = await ServerFixture.StartAsync(Config(SilentPort, "interval: 500ms, responseTimeout: 300ms, failureThreshold: 1"), stateFile: StateFile))
        {
            await EveryAnswerIsTheSecondaryAsync(first, 1);
        }

        var saved = JsonDocument.Parse(await File.ReadAllTextAsync(StateFile)).RootElement;
        saved.GetProperty("checks")[0].GetProperty("state").GetString().Should().Be("unhealthy");

        await using var healthyBackend = FailoverDns.Testing.Http.LoopbackHttpServer.Start();
        await using var second = await ServerFixture.StartAsync(Config(healthyBackend.Port, "interval: 60s, responseTimeout: 2s"), stateFile: StateFile);

        (await AnswerAsync(second)).Should().Be(Answer(Primary), "the check now probes another target: its first probe decides");
    }

    [Fact]
    public async Task Reload_CheckRedefinedWhilePrimaryDown_SecondaryServedUntilItsProbesDecide()
    {
        var path = Path.Combine(_directory, "failoverdns.yaml");
        File.WriteAllText(path, Config(SilentPort, "interval: 500ms, responseTimeout: 300ms, failureThreshold: 1"));
        await using var server = await ServerFixture.StartFileAsync(path);
        await EveryAnswerIsTheSecondaryAsync(server, 1);

        // Another path: a redefined check, whose first probe takes 20 s.
        File.WriteAllText(path + ".new", Config(SilentPort, "path: /index.html, interval: 60s, responseTimeout: 20s, failureThreshold: 3"));
        File.Move(path + ".new", path, overwrite: true);
        await Poll.UntilAsync(() => server.GetJsonAsync("/api/health-checks/web"), c => c.GetProperty("endpoint").GetString()!.EndsWith("/index.html", StringComparison.Ordinal), "the reload");

        await EveryAnswerIsTheSecondaryAsync(server, 5);
        var check = await server.GetJsonAsync("/api/health-checks/web");
        check.GetProperty("status").GetString().Should().Be("unhealthy", "the state it had stands until its probes decide");
        check.GetProperty("probes").GetInt64().Should().Be(0);
    }

    [Fact]
    public async Task StartupWait_PassesWithoutAResult_AnsweringStartsCountingTheCheckHealthy()
    {
        await using var server = await ServerFixture.StartAsync(
            Config(SilentPort, "interval: 60s, responseTimeout: 20s", "health: { startupWait: 300ms }"), stateFile: StateFile);

        (await AnswerAsync(server)).Should().Be(Answer(Primary), "past startupWait a check without a result counts as healthy");
        using var response = await server.Admin.GetAsync("/readyz");
        var ready = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        ready.GetProperty("answering").GetBoolean().Should().BeTrue();
        ready.GetProperty("firstProbeRoundDone").GetBoolean().Should().BeFalse();
    }
}
