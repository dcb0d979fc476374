using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Docs;

/// <summary>
/// Every command shown in README.md and samples/README.md is exercised: the ones that ask the
/// quick-start server are run here as written (against the sample config on free ports), the others
/// name the test or script that runs them; a new command without either fails this test.
/// </summary>
public sealed partial class ReadmeCommandsTests : IClassFixture<ReadmeCommandsTests.SampleServer>
{
    private readonly SampleServer _sample;

    public ReadmeCommandsTests(SampleServer sample) => _sample = sample;

    /// <summary>Commands exercised elsewhere, by the pattern they match, and the test or script that runs them.</summary>
    private static readonly (Regex Command, string ExercisedBy)[] Elsewhere =
    [
        (Pattern(@"^bash \.ci/run$"), "CI: .ci/run is what CI runs"),
        (Pattern(@"^bash samples/demo\.sh$"), $"{nameof(Samples.DemoScriptTests)}.{nameof(Samples.DemoScriptTests.Demo_Runs_FailsOverFailsBackAndOverrides)}"),
        (Pattern(@"^dotnet run -c Release --project src/FailoverDns\.Server -- --config config/failoverdns\.yaml$"), $"{nameof(Hosting.PublishedOutputTests)}.{nameof(Hosting.PublishedOutputTests.PublishedOutput_StartedAsTheImageStartsIt_AnswersAndStopsOnSigterm)}"),
        (Pattern(@"^dig @(ns1\.example\.com|198\.51\.100\.53) \+norec www\.dyn\.example\.com"), $"{nameof(Resolvers.DelegationTests)}.{nameof(Resolvers.DelegationTests.Delegation_ParentRefersChildAnswers)}"),
        (Pattern(@"^(python3 -m http\.server 8080|dig @127\.0\.0\.1 -p 5300 \+short app\.example\.test)"), $"{nameof(Failover.FailoverEndToEndTests)}.{nameof(Failover.FailoverEndToEndTests.Failover_PrimaryStopsAndRecovers_FollowsDesignTable)}"),
        (Pattern(@"^failoverdns dnssec (keygen|ds) example\.com --config "), $"{nameof(Hosting.DnssecCommandsTests)}.{nameof(Hosting.DnssecCommandsTests.KeyGen_ThenDs_TheDsBindComputes)} runs both with --config"),
        (Pattern(@"^(bash packaging/build-deb\.sh|sudo dpkg -i artifacts/failoverdns_\*_amd64\.deb|sudo failoverdns validate /etc/failoverdns/failoverdns\.yaml)$"), "CI: packaging/check-deb.sh builds the package, installs it with dpkg -i, validates the packaged config, runs the unit's ExecStart and removes it"),
        (Pattern(@"^(sudoedit |sudo systemctl reload failoverdns|systemctl status failoverdns|journalctl -u failoverdns)"), "not runnable in CI (no running systemd): packaging/check-deb.sh runs systemd-analyze verify on the unit and its ExecStart by hand"),
        (Pattern(@"^dotnet run -c Release --project src/FailoverDns\.Server -- --config samples/classic-http/failoverdns\.yaml --listen 127\.0\.0\.1:5300 --admin-listen 127\.0\.0\.1:8053$"), $"not run as written: the sample probes 203.0.113.10 and tests stay on loopback; every sample validates (Configuration tests), and {nameof(Hosting.ProgramTests)} runs --listen and --admin-listen"),
        (Pattern(@"^etcdctl (role|user) "), $"{nameof(Cluster.ClusterConnectionTests)}.{nameof(Cluster.ClusterConnectionTests.ReadmeEtcdctlCommands_MakeTheUserAnInstanceConnectsAs)} runs them as written"),
        (Pattern(@"^aws route53 list-(resource-record-sets --hosted-zone-id \w+ > record-sets|health-checks > health-checks)\.json$"), $"not runnable here (no AWS account): the fixtures of {nameof(Import.Route53ImportTests)}.{nameof(Import.Route53ImportTests.ReadmeImportCommands_WriteAConfigThatValidates)} are in the shape it prints"),
        (Pattern(@"^failoverdns (import route53 --record-sets record-sets\.json --health-checks health-checks\.json --output failoverdns\.yaml|validate failoverdns\.yaml)$"), $"{nameof(Import.Route53ImportTests)}.{nameof(Import.Route53ImportTests.ReadmeImportCommands_WriteAConfigThatValidates)} runs the import and loads its output as validate does"),
        (Pattern(@"^(docker |sleep |dig @127\.0\.0\.1 (-p 5300 \+short )?www\.example\.test$)"), $"not runnable here (no Docker engine): {nameof(Hosting.PublishedOutputTests)} and {nameof(Samples.DockerComposeTests)} check the image's parts"),
    ];

    public static TheoryData<string, string> Commands()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in new[] { "README.md", Path.Combine("samples", "README.md") })
        {
            foreach (var command in Extract(File.ReadAllText(Repository.PathOf(file))).Distinct(StringComparer.Ordinal))
            {
                data.Add(file, command);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Command_IsExercised(string file, string command)
    {
        if (AskingTheSampleServer().IsMatch(command))
        {
            var (exitCode, output) = await Tool.RunAsync("bash", "-c", _sample.Localise(command));
            exitCode.Should().Be(0, $"{file}: `{command}` printed:\n{output}");
            output.Should().NotContain("status: REFUSED").And.NotContain("NXDOMAIN").And.NotContain("\"error\"");
            return;
        }

        var rule = Elsewhere.FirstOrDefault(r => r.Command.IsMatch(command));
        rule.ExercisedBy.Should().NotBeNull($"{file} shows `{command}`, which no test runs: run it in {nameof(ReadmeCommandsTests)} or name the test that does");
        foreach (var test in Regex.Matches(rule.ExercisedBy, @"(\w+Tests)\.(\w+)").Cast<Match>())
        {
            typeof(ReadmeCommandsTests).Assembly.GetTypes().Single(t => t.Name == test.Groups[1].Value)
                .GetMethod(test.Groups[2].Value, BindingFlags.Public | BindingFlags.Instance).Should().NotBeNull($"{rule.ExercisedBy} must exist");
        }
    }

    [Fact]
    public void Commands_AreFoundInBothReadmes()
    {
        Commands().Count.Should().BeGreaterThan(20, "the extraction must see the READMEs' command blocks, or the theory above checks nothing");
    }

    /// <summary>Lines of ```sh blocks (without comments) and $-prompted lines of ```console blocks, continuations joined.</summary>
    private static IEnumerable<string> Extract(string markdown)
    {
        foreach (Match block in CodeBlock().Matches(markdown))
        {
            var console = block.Groups[1].Value == "console";
            foreach (var raw in block.Groups[2].Value.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n'))
            {
                var line = raw.Trim();
                if (console ? !line.StartsWith("$ ", StringComparison.Ordinal) : line.Length == 0 || line.StartsWith('#'))
                {
                    continue;
                }

                yield return Comment().Replace(console ? line[2..] : line, "").Trim();
            }
        }
    }

    private static Regex Pattern(string pattern) => new(pattern, RegexOptions.CultureInvariant);

    [GeneratedRegex(@"```(sh|console)\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"\s+# .*$")]
    private static partial Regex Comment();

    /// <summary>Commands that ask the quick-start server (sample config, DNS 5300, admin 8053), the validate command, and the operator commands.</summary>
    [GeneratedRegex(@"^(dig @127\.0\.0\.1 -p 5300 (?!\+short app)|kdig @127\.0\.0\.1 -p 5300 |nslookup -port=5300 |curl -s .*127\.0\.0\.1:8053|dotnet run --project src/FailoverDns\.Server -- validate |failoverdns (status|explain|override|reload)\b)")]
    private static partial Regex AskingTheSampleServer();

    /// <summary>The sample config served on free loopback ports, as the quick start serves it on 5300 and 8053.</summary>
    public sealed partial class SampleServer : IAsyncLifetime
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("failoverdns-readme-").FullName;
        private ServerFixture? _server;

        /// <summary>
        /// The command with the quick start's ports replaced by this server's, and dotnet run (or the installed
        /// failoverdns, whose admin API is then this server's) by the built server.
        /// </summary>
        public string Localise(string command) => UntilTime().Replace(Installed().Replace(command, $"FAILOVERDNS_ADMIN_LISTEN={_server!.Admin.BaseAddress!.Authority} dotnet {ServerProcess.BuiltAssembly} "), $"\"until\": \"{DateTimeOffset.UtcNow.AddDays(1):yyyy-MM-ddTHH:mm:ssZ}\"")
            .Replace("-p 5300", "-p " + _server!.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("-port=5300", "-port=" + _server.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("http://127.0.0.1:8053", _server.Admin.BaseAddress!.ToString().TrimEnd('/'), StringComparison.Ordinal)
            .Replace("curl -s ", "curl -sf ", StringComparison.Ordinal)
            .Replace("dotnet run --project src/FailoverDns.Server --", $"dotnet {ServerProcess.BuiltAssembly}", StringComparison.Ordinal)
            .Replace("config/failoverdns.yaml", Repository.PathOf("config", "failoverdns.yaml"), StringComparison.Ordinal);

        public async Task InitializeAsync()
        {
            Repository.CopyDirectory(Repository.PathOf("config"), _directory);
            var config = Path.Combine(_directory, "failoverdns.yaml");
            File.WriteAllText(config, ListenLines().Replace(File.ReadAllText(config), "listen:\n  - 127.0.0.1:0\n"));
            _server = await ServerFixture.StartFileAsync(config);
        }

        public async Task DisposeAsync()
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }

            Directory.Delete(_directory, recursive: true);
        }

        /// <summary>An override's example end time: moved to tomorrow, so that it is never in the past.</summary>
        [GeneratedRegex(@"""until"": ""[^""]+""")]
        private static partial Regex UntilTime();

        [GeneratedRegex("^failoverdns ")]
        private static partial Regex Installed();

        [GeneratedRegex(@"listen:\n(  - .*\n)+")]
        private static partial Regex ListenLines();
    }
}
