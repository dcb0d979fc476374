using System.Text.Json;
using FailoverDns.Server.Hosting.Cli;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing;
using FailoverDns.Testing.Http;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Hosting;

/// <summary>
/// <c>failoverdns status</c>, <c>override set|clear</c>, <c>reload</c> and <c>explain</c> against a real server's
/// admin API (with a token), run in-process as an operator runs them.
/// </summary>
public sealed class AdminCommandsTests : IDisposable
{
    private const string Token = "0123456789abcdef-cli-token";

    private readonly string _directory = Directory.CreateTempSubdirectory("failoverdns-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Config(int backendPort, string address = "10.0.1.1") => $$"""
        listen: [127.0.0.1:0]
        logging: { level: Warning }
        admin: { listen: 127.0.0.1:0, token: {{Token}} }
        healthChecks:
          - { name: web, type: tcp, target: 127.0.0.1, port: {{backendPort}}, interval: 60s }
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
                primary: { value: 10.0.0.1, healthCheck: web }
                secondary: { value: {{address}} }
        """;

    private async Task<ServerFixture> StartAsync(int backendPort)
    {
        var path = Path.Combine(_directory, "failoverdns.yaml");
        await File.WriteAllTextAsync(path, Config(backendPort));
        return await ServerFixture.StartFileAsync(path);
    }

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(ServerFixture server, params string[] args) =>
        Cli.RunAsync([.. args, "--admin", server.Admin.BaseAddress!.ToString(), "--token", Token]);

    [Fact]
    public async Task Status_Table_EachSetWhatItServesAndEachCheckItsState()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await StartAsync(backend.Port);
        await Poll.UntilAsync(() => server.GetJsonAsync("/api/health-checks/web"), c => c.GetProperty("status").GetString() == "healthy", "the first probe");

        var (exitCode, output, error) = await RunAsync(server, "status");

        exitCode.Should().Be(0, error);
        var lines = output.Split('\n');
        lines[0].Should().MatchRegex("^FAILOVER SET +TYPE +TTL +SERVING +REASON$");
        lines[1].Should().MatchRegex(@"^www\.example\.test\. +A +30 +primary .*10\.0\.0\.1.* +primary check web is healthy");
        lines[2].Should().BeEmpty();
        lines[3].Should().MatchRegex("^HEALTH CHECK +STATE +PROBED +SINCE +LAST RESULT +REASON$");
        lines[4].Should().MatchRegex(@"^web +healthy +healthy +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ +ok \d\d:\d\d:\d\dZ, \d+ ms$");
        foreach (var column in new[] { "STATE", "PROBED", "SINCE", "LAST RESULT" })
        {
            lines[4][lines[3].IndexOf(column, StringComparison.Ordinal) - 1].Should().Be(' ', $"{column} is aligned");
            lines[4][lines[3].IndexOf(column, StringComparison.Ordinal)].Should().NotBe(' ', $"{column} is aligned");
        }

        lines[1][lines[0].IndexOf("SERVING", StringComparison.Ordinal)..].Should().StartWith("primary");
    }

    [Fact]
    public async Task Status_Json_TheApisJson()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await StartAsync(backend.Port);

        var (exitCode, output, error) = await RunAsync(server, "status", "--json");

        exitCode.Should().Be(0, error);
        var json = JsonDocument.Parse(output).RootElement;
        json.GetProperty("records")[0].GetProperty("name").GetString().Should().Be("www.example.test.");
        json.GetProperty("healthChecks")[0].GetProperty("name").GetString().Should().Be("web");
        json.GetProperty("records")[0].GetProperty("tiers").GetArrayLength().Should().Be((await server.GetJsonAsync("/api/records"))[0].GetProperty("tiers").GetArrayLength());
    }

    [Fact]
    public async Task Override_SetThenClear_TheServerFollows()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await StartAsync(backend.Port);

        var set = await RunAsync(server, "override", "set", "web", "--state", "unhealthy", "--reason", "kernel upgrade", "--for", "2h");

        set.ExitCode.Should().Be(0, set.Error);
        set.Output.Should().MatchRegex(@"^web: unhealthy by override until \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ: kernel upgrade; probes say \w+$");
        var check = await server.GetJsonAsync("/api/health-checks/web");
        check.GetProperty("status").GetString().Should().Be("unhealthy");
        check.GetProperty("override").GetProperty("reason").GetString().Should().Be("kernel upgrade");
        check.GetProperty("override").GetProperty("until").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow.AddHours(2), TimeSpan.FromMinutes(1));
        (await RunAsync(server, "explain", "www.example.test")).Output.Should().Contain("www.example.test. 30 IN A 10.0.1.1", "the secondary is served");

        var clear = await RunAsync(server, "override", "clear", "web");

        clear.ExitCode.Should().Be(0, clear.Error);
        clear.Output.Should().MatchRegex(@"^web: \w+ \(no override\); probes say \w+$");
        (await server.GetJsonAsync("/api/health-checks/web")).TryGetProperty("override", out _).Should().BeFalse();
    }

    [Fact]
    public async Task Override_UntilAndJson_TheApisCheck()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await StartAsync(backend.Port);
        var until = DateTimeOffset.UtcNow.AddDays(1);

        var (exitCode, output, error) = await RunAsync(server, "override", "set", "web", "--state", "healthy", "--until", until.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), "--json");

        exitCode.Should().Be(0, error);
        var json = JsonDocument.Parse(output).RootElement;
        json.GetProperty("override").GetProperty("state").GetString().Should().Be("healthy");
        json.GetProperty("override").GetProperty("until").GetDateTimeOffset().Should().BeCloseTo(until, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Override_UnknownCheck_TheApisErrorOnOneLine_ExitOne()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await StartAsync(backend.Port);

        var (exitCode, output, error) = await RunAsync(server, "override", "clear", "nope");

        exitCode.Should().Be(1);
        output.Should().BeEmpty();
        error.Should().Be($"failoverdns: DELETE {server.Admin.BaseAddress}api/health-checks/nope/override: 404 Not Found: no health check named 'nope'");
    }

    [Fact]
    public async Task Reload_ServedThenRejected()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await StartAsync(backend.Port);

        var served = await RunAsync(server, "reload");

        served.ExitCode.Should().Be(0, served.Error);
        served.Output.Should().MatchRegex(@"^reloaded at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ: the config is served$");

        await File.WriteAllTextAsync(Path.Combine(_directory, "failoverdns.yaml"), Config(backend.Port, "10.0.1.300"));
        var rejected = await RunAsync(server, "reload");

        rejected.ExitCode.Should().Be(1);
        var lines = rejected.Error.Split('\n');
        lines[0].Should().MatchRegex(@"^failoverdns: reload rejected at .*Z: 1 error\(s\); still serving the previous config$");
        lines[1].Should().Contain("failoverdns.yaml:").And.Contain("'10.0.1.300' is not an IPv4 address");
    }

    [Fact]
    public async Task Explain_TheAnswerAndWhy()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await StartAsync(backend.Port);

        var (exitCode, output, error) = await RunAsync(server, "explain", "www.example.test", "A");

        exitCode.Should().Be(0, error);
        var lines = output.Split('\n');
        lines[0].Should().Be("www.example.test. A: NOERROR, authoritative");
        lines[1].Should().Be("answer:");
        lines[2].Should().Be("  www.example.test. 30 IN A 10.0.0.1");
        lines.Should().Contain("why:").And.Contain("  www.example.test. is in zone example.test.");

        var json = await RunAsync(server, "explain", "www.example.test", "--json");
        json.ExitCode.Should().Be(0, json.Error);
        JsonDocument.Parse(json.Output).RootElement.GetProperty("rcode").GetString().Should().Be("NOERROR");
    }

    [Fact]
    public async Task WrongToken_401OnOneLine_ExitOne()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await StartAsync(backend.Port);

        var (exitCode, output, error) = await Cli.RunAsync("status", "--admin", server.Admin.BaseAddress!.ToString(), "--token", "not-the-token");

        exitCode.Should().Be(1);
        output.Should().BeEmpty();
        error.Should().Be($"failoverdns: GET {server.Admin.BaseAddress}api/records: 401 Unauthorized: a bearer token is required (Authorization: Bearer <admin.token>) (give --token, or set $FAILOVERDNS_ADMIN_TOKEN)");
    }

    [Fact]
    public async Task NoServer_SaysSo_ExitOne()
    {
        var port = FreePort.Next();

        var (exitCode, output, error) = await Cli.RunAsync("reload", "--admin", $"127.0.0.1:{port}");

        exitCode.Should().Be(1);
        output.Should().BeEmpty();
        error.Should().StartWith($"failoverdns: the admin API at http://127.0.0.1:{port}/ does not answer (").And.NotContain("\n");
    }

    [Fact]
    public void Defaults_FromTheEnvironmentThenTheConfig()
    {
        var config = Path.Combine(_directory, "failoverdns.yaml");
        File.WriteAllText(config, Config(9).Replace("listen: 127.0.0.1:0, token:", "listen: 0.0.0.0:18053, token:", StringComparison.Ordinal));
        Dictionary<string, string> environment = new() { ["FAILOVERDNS_CONFIG"] = config };
        string? Env(string name) => environment.GetValueOrDefault(name);

        AdminClient.Resolve(null, null, null, Env, out _).Should().Be((new Uri("http://127.0.0.1:18053/"), Token), "the config's, called on loopback");
        environment["FAILOVERDNS_ADMIN_TOKEN"] = "from-environment";
        environment["FAILOVERDNS_ADMIN_LISTEN"] = "[::]:28053";
        AdminClient.Resolve(null, null, null, Env, out _).Should().Be((new Uri("http://[::1]:28053/"), "from-environment"));
        AdminClient.Resolve("https://admin.example.test", "given", null, Env, out _).Should().Be((new Uri("https://admin.example.test/"), "given"));
        AdminClient.Resolve(null, null, Path.Combine(_directory, "none.yaml"), _ => null, out _).Should().Be((new Uri("http://127.0.0.1:8053/"), null));

        File.WriteAllText(config, Config(9).Replace("admin: { listen: 127.0.0.1:0, token: " + Token + " }", "admin: { enabled: false }", StringComparison.Ordinal));
        AdminClient.Resolve(null, null, config, _ => null, out var problem).BaseAddress.Should().BeNull();
        problem.Should().Be($"the admin API is off in {config} (admin: {{ enabled: false }}); give --admin URL");
    }
}
