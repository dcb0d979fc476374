using System.Net.Http.Json;
using System.Text.RegularExpressions;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Hosting;

/// <summary>
/// The container image, as far as it can be checked without a Docker engine: the published output
/// (the Dockerfile's own publish command, run by .ci/run) started from a clean directory with the
/// Dockerfile's entry point, environment, health check and stop signal.
/// </summary>
public sealed partial class PublishedOutputTests : IDisposable
{
    private static readonly string Published = Repository.PathOf("artifacts", "publish");
    private static readonly Dockerfile Image = Dockerfile.Read(Repository.PathOf("Dockerfile"));

    private readonly string _root = Directory.CreateTempSubdirectory("failoverdns-image-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Dockerfile_PublishStep_IsTheOneCiRuns()
    {
        var ci = File.ReadAllLines(Repository.PathOf(".ci", "run")).Select(l => l.Trim()).Single(l => l.StartsWith("dotnet publish ", StringComparison.Ordinal)).Split(" 2>&1")[0];

        WithoutOutput(ci).Should().Be(WithoutOutput(Image.PublishCommand));
        Image.EntryPoint.Should().Equal("dotnet", $"{Image.WorkDir}/failoverdns.dll");
        Image.User.Should().MatchRegex(@"^[1-9][0-9]*:[1-9][0-9]*$", "a numeric, non-root user and group");
        Image.Expose.Should().BeEquivalentTo("5300/udp", "5300/tcp");
        Image.Environment["FAILOVERDNS_LISTEN"].Should().Be("0.0.0.0:5300", "the exposed port");
    }

    [Fact]
    public async Task PublishedOutput_StartedAsTheImageStartsIt_AnswersAndStopsOnSigterm()
    {
        File.Exists(Path.Combine(Published, "failoverdns.dll")).Should().BeTrue(
            $"the published output is expected in {Published}: run 'bash .ci/run', which publishes it as the Dockerfile does, or '{Image.PublishCommand.Replace("/app", "artifacts/publish", StringComparison.Ordinal)}'");
        var app = Repository.CopyDirectory(Published, Path.Combine(_root, "app"));
        var etc = Repository.CopyDirectory(Repository.PathOf("config"), Path.Combine(_root, "etc", "failoverdns"));
        var state = Directory.CreateDirectory(Path.Combine(_root, "var", "lib", "failoverdns")).FullName;
        // The sample config as shipped, but for its admin port: tests take free ports.
        var config = Path.Combine(etc, "failoverdns.yaml");
        File.WriteAllText(config, File.ReadAllText(config).Replace("listen: 127.0.0.1:8053", "listen: 127.0.0.1:0", StringComparison.Ordinal));
        string Local(string value) => value.Replace(Image.WorkDir, app, StringComparison.Ordinal)
            .Replace("/etc/failoverdns", etc, StringComparison.Ordinal)
            .Replace("/var/lib/failoverdns", state, StringComparison.Ordinal);
        var environment = Image.Environment.ToDictionary(e => e.Key, e => Local(e.Value));
        environment["FAILOVERDNS_LISTEN"] = "127.0.0.1:0"; // loopback and a free port instead of 0.0.0.0:5300

        await using var server = ServerProcess.Start(Local(Image.EntryPoint[1]), Image.EntryPoint.Skip(2), environment, workingDirectory: app);
        var port = await server.UdpPortAsync();
        var admin = (await server.WaitForLineAsync(AdminListening())).Groups[1].Value;

        (await Tool.DigAsync(port, "+short", "www.example.test")).Trim().Should().Be("192.0.2.1");
        (await Tool.DigAsync(port, "+short", "+tcp", "ftp.example.test")).Trim().Split('\n').Should().Equal("www.example.test.", "192.0.2.1");
        var (healthExit, healthOutput) = await ServerProcess.RunAsync(Local(Image.HealthCheck[1]), [.. Image.HealthCheck.Skip(2), $"{admin}/healthz"]);
        healthExit.Should().Be(0, healthOutput);
        using (var client = new HttpClient { BaseAddress = new Uri(admin) })
        {
            (await client.PutAsJsonAsync("/api/health-checks/web-primary/override", new { state = "healthy", reason = "image test" })).EnsureSuccessStatusCode();
        }

        File.ReadAllText(Path.Combine(state, "failoverdns.state.json")).Should().Contain("image test", "overrides go to the volume");

        await server.SignalAsync("TERM");
        (await server.WaitForExitAsync(TimeSpan.FromSeconds(5))).Should().Be(0);
    }

    [Fact]
    public async Task HealthCheckCommand_NothingListening_ExitsOne()
    {
        var (exitCode, output) = await ServerProcess.RunAsync(ServerProcess.BuiltAssembly, "healthcheck", "http://127.0.0.1:9/healthz");

        exitCode.Should().Be(1);
        output.Should().StartWith("http://127.0.0.1:9/healthz: Connection refused");
    }

    private static string WithoutOutput(string command) => OutputOption().Replace(command, "-o OUT");

    [GeneratedRegex(@"-o \S+")]
    private static partial Regex OutputOption();

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex AdminListening();
}
