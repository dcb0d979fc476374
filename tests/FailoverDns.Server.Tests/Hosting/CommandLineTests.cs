using FailoverDns.Server.Hosting;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Hosting;

public sealed class CommandLineTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    private static CommandLine? Parse(string[] args, Dictionary<string, string>? environment = null) =>
        CommandLine.Parse(args, name => (environment ?? NoEnvironment).GetValueOrDefault(name), out _);

    [Fact]
    public void Parse_Nothing_UsesDefaultConfig()
    {
        var commandLine = Parse([])!;

        commandLine.ConfigPath.Should().Be("config/failoverdns.yaml");
        commandLine.Listen.Should().BeEmpty();
    }

    [Fact]
    public void Parse_ConfigAndListen_AreTaken()
    {
        var commandLine = Parse(["--config", "/etc/f.yaml", "--listen", "127.0.0.1:5300", "--listen", "[::1]:5300"])!;

        commandLine.ConfigPath.Should().Be("/etc/f.yaml");
        commandLine.Listen.Select(e => e.ToString()).Should().Equal("127.0.0.1:5300", "[::1]:5300");
    }

    [Fact]
    public void Parse_Environment_IsTheFallback()
    {
        var environment = new Dictionary<string, string> { ["FAILOVERDNS_CONFIG"] = "/etc/failoverdns/failoverdns.yaml", ["FAILOVERDNS_LISTEN"] = "0.0.0.0:5300, [::]:5300" };

        var commandLine = Parse([], environment)!;

        commandLine.ConfigPath.Should().Be("/etc/failoverdns/failoverdns.yaml");
        commandLine.Listen.Select(e => e.ToString()).Should().Equal("0.0.0.0:5300", "[::]:5300");
        Parse(["--listen", "127.0.0.1:1"], environment)!.Listen.Should().ContainSingle("the command line wins");
    }

    [Fact]
    public void Parse_StateFile_FromArgumentOrEnvironmentAndApplied()
    {
        var config = TestZone.Load().Config!;

        var fromEnvironment = Parse([], new Dictionary<string, string> { ["FAILOVERDNS_STATE_FILE"] = "/var/lib/failoverdns/state.json" })!;
        var fromArgument = Parse(["--state-file", "/tmp/overrides.json"], new Dictionary<string, string> { ["FAILOVERDNS_STATE_FILE"] = "/x" })!;

        fromEnvironment.Apply(config).Admin.StateFile.Should().Be("/var/lib/failoverdns/state.json");
        fromArgument.Apply(config).Admin.StateFile.Should().Be("/tmp/overrides.json");
        Parse([])!.Apply(config).Admin.Should().Be(config.Admin);
    }

    [Theory]
    [InlineData("--listen", "localhost:53")]
    [InlineData("--listen")]
    [InlineData("--port", "53")]
    public void Parse_BadArguments_IsRejectedWithReason(params string[] args)
    {
        CommandLine.Parse(args, _ => null, out var error).Should().BeNull();
        error.Should().NotBeNullOrEmpty();
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1:53")]
    [InlineData("::1", "[::1]:53")]
    [InlineData("[::1]", "[::1]:53")]
    public void Parse_ListenWithoutPort_IsRejectedShowingHowToWriteIt(string value, string written)
    {
        CommandLine.Parse(["--listen", value], _ => null, out var error).Should().BeNull();
        error.Should().Contain($"'{value}' has no port").And.Contain(written);

        CommandLine.Parse([], name => name == "FAILOVERDNS_LISTEN" ? $"0.0.0.0:5300,{value}" : null, out error).Should().BeNull();
        error.Should().StartWith("FAILOVERDNS_LISTEN:").And.Contain($"'{value}' has no port");
    }

    [Fact]
    public void Apply_Listen_ReplacesConfiguredEndpoints()
    {
        var config = TestZone.Load().Config!;

        var applied = Parse(["--listen", "127.0.0.2:5353"])!.Apply(config);

        applied.Listen.Should().ContainSingle().Which.EndPoint.ToString().Should().Be("127.0.0.2:5353");
        applied.Zones.Should().BeSameAs(config.Zones);
    }

    [Fact]
    public void Parse_AdminListen_FromArgumentOrEnvironmentAndApplied()
    {
        var config = TestZone.Load().Config!;

        var fromArgument = Parse(["--admin-listen", "127.0.0.2:18053"], new Dictionary<string, string> { ["FAILOVERDNS_ADMIN_LISTEN"] = "127.0.0.3:1" })!;
        var fromEnvironment = Parse(["--state-file", "/tmp/s.json"], new Dictionary<string, string> { ["FAILOVERDNS_ADMIN_LISTEN"] = "[::1]:18053" })!;

        fromArgument.Apply(config).Admin.Listen!.ToString().Should().Be("127.0.0.2:18053", "the command line wins");
        var applied = fromEnvironment.Apply(config).Admin;
        applied.Listen!.ToString().Should().Be("[::1]:18053");
        applied.StateFile.Should().Be("/tmp/s.json", "the state file is replaced beside it");
        Parse([])!.Apply(config).Admin.Listen.Should().Be(config.Admin.Listen);
    }

    [Fact]
    public void Parse_AdminListenWithoutPort_IsRejectedShowingTheAdminPort()
    {
        CommandLine.Parse(["--admin-listen", "127.0.0.1"], _ => null, out var error).Should().BeNull();
        error.Should().Be("--admin-listen: '127.0.0.1' has no port; write the address with its port, e.g. 127.0.0.1:8053 (for IPv6, in brackets: [::1]:8053)");

        CommandLine.Parse([], name => name == "FAILOVERDNS_ADMIN_LISTEN" ? "nowhere" : null, out error).Should().BeNull();
        error.Should().StartWith("FAILOVERDNS_ADMIN_LISTEN: 'nowhere' is not an address and port");
    }
}
