using System.Globalization;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Samples;

/// <summary>The README's local demo, run as a newcomer runs it (with free ports and the build already made).</summary>
public sealed class DemoScriptTests
{
    [Fact]
    public async Task Demo_Runs_FailsOverFailsBackAndOverrides()
    {
        string Port() => FreePort.Next().ToString(CultureInfo.InvariantCulture);
        var environment = new Dictionary<string, string>
        {
            ["FAILOVERDNS_DLL"] = ServerProcess.BuiltAssembly,
            ["DEMO_DNS_PORT"] = Port(),
            ["DEMO_ADMIN_PORT"] = Port(),
            ["DEMO_WEB_PORT"] = Port(),
        };

        var (exitCode, output) = await Tool.RunAsync("bash", environment, TimeSpan.FromSeconds(120), Repository.PathOf("samples", "demo.sh"));

        exitCode.Should().Be(0, output);
        output.Should().ContainAll(
            "hello from the primary web server",
            "hello from the secondary web server",
            "www.example.test now answers 127.0.0.2",
            "Failover www.example.test. A: now serving secondary [127.0.0.2] instead of primary [127.0.0.1], because primary check web-primary unhealthy (connection refused)",
            "Failback www.example.test. A: now serving primary [127.0.0.1] again instead of secondary [127.0.0.2]",
            "Demo finished");
    }
}
