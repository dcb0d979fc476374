using System.Text.Json;
using System.Text.RegularExpressions;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Hosting;

/// <summary>The failoverdns command as users run it: validate, refusing a bad config, log formats, stopping on SIGTERM.</summary>
public sealed partial class ProgramTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("failoverdns-program-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string yaml)
    {
        var path = Path.Combine(_directory, "failoverdns.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private static string Valid(string logging = "{ level: Information }") => $$"""
        listen: [127.0.0.1:0]
        admin: { enabled: false }
        logging: {{logging}}
        zones:
          - name: example.test
            soa: { email: hostmaster@example.test }
            nameservers: [ns1.example.test.]
            records:
              - { name: ns1, type: A, value: 192.0.2.53 }
              - { name: www, type: A, value: 192.0.2.1 }
        """;

    [Fact]
    public async Task Validate_SampleConfig_PrintsSummaryAndExitsZero()
    {
        var (exitCode, output) = await ServerProcess.RunAsync(ServerProcess.BuiltAssembly, "validate", Repository.PathOf("config", "failoverdns.yaml"));

        exitCode.Should().Be(0, output);
        output.Should().Be($"{Repository.PathOf("config", "failoverdns.yaml")}: OK, 2 zone(s), 29 record(s), 1 failover set(s), 1 health check(s)");
    }

    [Fact]
    public async Task Validate_InvalidFile_PrintsEveryErrorAsFileLineColumnAndExitsOne()
    {
        var path = Write(Valid().Replace("192.0.2.1 }", "192.0.2.300 }", StringComparison.Ordinal).Replace("soa:", "sao:", StringComparison.Ordinal));

        var (exitCode, output) = await ServerProcess.RunAsync(ServerProcess.BuiltAssembly, "validate", path);

        exitCode.Should().Be(1);
        output.Split('\n').Should().Equal(
            $"{path}:6:5: unknown key 'sao' (expected one of: dnssec, failover, file, name, nameservers, records, soa, transfer, ttl)",
            $"{path}:10:38: '192.0.2.300' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)");
    }

    [Fact]
    public async Task Validate_MissingFile_SaysSoAndExitsOne()
    {
        var (exitCode, output) = await ServerProcess.RunAsync(ServerProcess.BuiltAssembly, "validate", Path.Combine(_directory, "nope.yaml"));

        exitCode.Should().Be(1);
        output.Should().StartWith($"{Path.Combine(_directory, "nope.yaml")}:1:1: cannot read the config file:");
    }

    [Fact]
    public async Task Serve_InvalidConfig_RefusesToStartAndSaysWhy()
    {
        var path = Write(Valid().Replace("nameservers", "nameserver", StringComparison.Ordinal));

        var (exitCode, output) = await ServerProcess.RunAsync(ServerProcess.BuiltAssembly, "--config", path);

        exitCode.Should().Be(1);
        output.Should().StartWith($"failoverdns: {path} is not valid; not starting:\n");
        output.Split('\n').Should().Contain($"{path}:7:5: unknown key 'nameserver' (expected one of: dnssec, failover, file, name, nameservers, records, soa, transfer, ttl)");
    }

    [Fact]
    public async Task Serve_JsonLogging_EveryLineIsCompactJson()
    {
        var path = Write(Valid("{ level: Information, format: json }"));
        await using var server = ServerProcess.Start(ServerProcess.BuiltAssembly, ["--config", path]);

        await server.WaitForLineAsync(ApplicationStarted());

        var events = server.Lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        events.Select(e => e.TryGetProperty("@t", out var _) && e.TryGetProperty("@m", out var _)).Should().OnlyContain(ok => ok);
        events.Any(e => e.TryGetProperty("Zones", out var zones) && zones.GetInt32() == 1 && e.GetProperty("Path").GetString() == path)
            .Should().BeTrue("the load line carries its figures as properties");
        events.Any(e => e.TryGetProperty("Protocol", out var protocol) && protocol.GetString() == "UDP" && e.GetProperty("EndPoint").GetString()!.StartsWith("127.0.0.1:", StringComparison.Ordinal))
            .Should().BeTrue("the listening line carries the endpoint");
    }

    [Fact]
    public async Task Serve_Sigterm_StopsCleanlyWithinFiveSeconds()
    {
        var path = Write(Valid());
        await using var server = ServerProcess.Start(ServerProcess.BuiltAssembly, ["--config", path]);
        var port = await server.UdpPortAsync();
        (await Tool.DigAsync(port, "+short", "www.example.test")).Trim().Should().Be("192.0.2.1");

        await server.SignalAsync("TERM");
        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(5));

        exitCode.Should().Be(0, string.Join('\n', server.Lines));
        server.Lines.Should().Contain(l => ShuttingDown().IsMatch(l));
    }

    [Fact]
    public async Task Serve_AdminPortBusy_OneLineAndExitOne()
    {
        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        var port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port;
        var path = Write(Valid("{ level: Warning }").Replace("admin: { enabled: false }", $"admin: {{ listen: 127.0.0.1:{port} }}", StringComparison.Ordinal));

        var (exitCode, output) = await ServerProcess.RunAsync(ServerProcess.BuiltAssembly, "--config", path);

        exitCode.Should().Be(1, output);
        output.Should().Be($"failoverdns: cannot listen on TCP 127.0.0.1:{port} for the admin API: the port is already in use by another process (is another FailoverDns running?); change admin.listen, or turn the API off with admin: {{ enabled: false }}");
    }

    [Fact]
    public async Task Serve_AdminOnIpv4MappedAddress_OneLineAndExitOne()
    {
        var path = Write(Valid("{ level: Warning }").Replace("admin: { enabled: false }", "admin: { listen: \"[::ffff:127.0.0.1]:0\" }", StringComparison.Ordinal));

        var (exitCode, output) = await ServerProcess.RunAsync(ServerProcess.BuiltAssembly, "--config", path);

        exitCode.Should().Be(1, output);
        output.Should().StartWith("failoverdns: cannot listen on TCP [::ffff:127.0.0.1]:0 for the admin API: ").And.NotContain("\n");
    }

    [Fact]
    public async Task Serve_DnsPortBusy_OneLineAndExitOne()
    {
        using var busy = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)busy.Client.LocalEndPoint!).Port;
        var path = Write(Valid("{ level: Warning }").Replace("127.0.0.1:0", $"127.0.0.1:{port}", StringComparison.Ordinal));

        var (exitCode, output) = await ServerProcess.RunAsync(ServerProcess.BuiltAssembly, "--config", path);

        exitCode.Should().Be(1, output);
        output.Should().Be($"failoverdns: cannot listen on UDP 127.0.0.1:{port}: the port is already in use by another process (is another DNS server running?)");
    }

    [Fact]
    public async Task Version_OptionAndCommand_PrintTheInformationalVersion()
    {
        var (exitCode, output) = await ServerProcess.RunAsync(ServerProcess.BuiltAssembly, "--version");

        exitCode.Should().Be(0, output);
        output.Should().MatchRegex(@"^failoverdns 0\.9\.0(\+[0-9a-f]+)?$");
        (await Cli.RunAsync("version")).Should().Be((0, output, ""));
        (await Cli.RunAsync("--version")).Should().Be((0, output, ""));
    }

    public static TheoryData<string> Commands() =>
    [
        "", "validate", "healthcheck", "version", "help", "dnssec", "dnssec keygen", "dnssec ds",
        "status", "override", "override set", "override clear", "reload", "explain",
    ];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_EveryCommand_ByOptionAndByHelpCommand(string command)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        var byOption = await Cli.RunAsync([.. words, "--help"]);
        var byShortOption = await Cli.RunAsync([.. words, "-h"]);
        var byCommand = await Cli.RunAsync(["help", .. words]);

        byOption.ExitCode.Should().Be(0, byOption.Error);
        byOption.Output.Should().Contain($"Usage:\n  failoverdns {command}".TrimEnd()).And.Contain("Description:");
        byShortOption.Should().Be(byOption);
        byCommand.Should().Be(byOption);
    }

    [Theory]
    [InlineData("--bogus", "--bogus")]
    [InlineData("frobnicate", "frobnicate")]
    [InlineData("status --bogus", "--bogus")]
    [InlineData("override set web --state unhealthy --untill 2030-01-01T00:00:00Z", "--untill")]
    [InlineData("dnssec sign example.test", "sign")]
    public async Task UnknownOptionOrCommand_OneLineNamingIt_UsageAndExitTwo(string command, string named)
    {
        var (exitCode, output, error) = await Cli.RunAsync(command.Split(' '));

        exitCode.Should().Be(2);
        output.Should().BeEmpty();
        var lines = error.Split('\n');
        lines[0].Should().Be($"failoverdns: unknown command or argument '{named}'");
        lines[1].Should().StartWith("usage: failoverdns");
        lines[^1].Should().StartWith("Run 'failoverdns ").And.EndWith("--help' for more.");
    }

    [Theory]
    [InlineData("help nope", "failoverdns: no command 'nope'")]
    [InlineData("override set web --state broken", "failoverdns: --state must be healthy or unhealthy, not 'broken'")]
    [InlineData("override set web --state unhealthy --for 1h --until 2030-01-01T00:00:00Z", "failoverdns: give --until or --for, not both")]
    [InlineData("override set web --state unhealthy --for soon", "failoverdns: --for: 'soon' is not a duration (write e.g. 30m, 2h or 1h30m)")]
    [InlineData("explain", "failoverdns: Required argument 'NAME' missing for command: 'explain'")]
    [InlineData("--listen 127.0.0.1", "failoverdns: --listen: '127.0.0.1' has no port")]
    public async Task BadUsage_OneLineAndExitTwo(string command, string message)
    {
        var (exitCode, _, error) = await Cli.RunAsync(command.Split(' '));

        exitCode.Should().Be(2);
        error.Should().StartWith(message);
        error.Split('\n')[1].Should().StartWith("usage: failoverdns");
    }

    [Fact]
    public async Task Serve_AdminListenOptionAndVariable_MoveTheAdminApi_AndTheFirstLineHasTheVersion()
    {
        var path = Write(Valid());
        var (fromOption, fromVariable) = (FreePort.Next(), FreePort.Next());
        await using var byOption = ServerProcess.Start(ServerProcess.BuiltAssembly, ["--config", path, "--admin-listen", $"127.0.0.1:{fromOption}", "--state-file", Path.Combine(_directory, "a.json")]);
        await using var byVariable = ServerProcess.Start(ServerProcess.BuiltAssembly, ["--config", path, "--state-file", Path.Combine(_directory, "b.json")], new Dictionary<string, string> { ["FAILOVERDNS_ADMIN_LISTEN"] = $"127.0.0.1:{fromVariable}" });
        await byOption.WaitForLineAsync(ApplicationStarted());
        await byVariable.WaitForLineAsync(ApplicationStarted());

        foreach (var port in new[] { fromOption, fromVariable })
        {
            var (exitCode, output, error) = await Cli.RunAsync("healthcheck", $"http://127.0.0.1:{port}/healthz");
            exitCode.Should().Be(0, $"the config turns the admin API off, and the command line turns it on at {port}: {error}");
            output.Should().Be($"http://127.0.0.1:{port}/healthz: HTTP 200");
        }

        var lines = byOption.Lines.ToList();
        lines.FindIndex(l => FirstLine().IsMatch(l)).Should().BeGreaterThanOrEqualTo(0, "the version is logged at start-up")
            .And.BeLessThan(lines.FindIndex(l => l.Contains("Loaded ", StringComparison.Ordinal)), "before the config's summary");
    }

    [GeneratedRegex(@"FailoverDns 0\.9\.0(\+[0-9a-f]+)? starting")]
    private static partial Regex FirstLine();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Serve_QueryLogging_OneLinePerQueryOverUdpAndTcp(bool batching)
    {
        var path = Write(Valid("{ level: Information, queries: true }").Replace("admin:", $"server: {{ udpBatching: {(batching ? "true" : "false")} }}\nadmin:", StringComparison.Ordinal));
        await using var server = ServerProcess.Start(ServerProcess.BuiltAssembly, ["--config", path]);
        var port = await server.UdpPortAsync();

        await Tool.DigAsync(port, "www.example.test");
        await Tool.DigAsync(port, "+tcp", "nothere.example.test", "AAAA");

        await server.WaitForLineAsync(UdpQueryLine());
        await server.WaitForLineAsync(TcpQueryLine());
    }

    [GeneratedRegex(@"Query from 127\.0\.0\.1:\d+ over udp: www\.example\.test\. A -> NOERROR, 1 answer\(s\), \d+ bytes")]
    private static partial Regex UdpQueryLine();

    [GeneratedRegex(@"Query from 127\.0\.0\.1:\d+ over tcp: nothere\.example\.test\. AAAA -> NXDOMAIN, 0 answer\(s\), \d+ bytes")]
    private static partial Regex TcpQueryLine();

    [GeneratedRegex("Application started")]
    private static partial Regex ApplicationStarted();

    [GeneratedRegex("Application is shutting down")]
    private static partial Regex ShuttingDown();
}
