using FailoverDns.Configuration;
using FailoverDns.Health.Checks;
using FailoverDns.Server.Import;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Import;

/// <summary>
/// <c>failoverdns import route53</c> on fixtures in the exact shape the AWS CLI prints
/// (<c>list-resource-record-sets</c>, <c>list-health-checks</c>): every mapping, every case that
/// cannot be mapped, and an output that FailoverDns's own loader accepts.
/// </summary>
public sealed class Route53ImportTests : IDisposable
{
    private static readonly string RecordSets = Repository.PathOf("tests", "FailoverDns.Server.Tests", "Import", "Fixtures", "record-sets.json");
    private static readonly string HealthChecks = Repository.PathOf("tests", "FailoverDns.Server.Tests", "Import", "Fixtures", "health-checks.json");

    private readonly string _directory = Directory.CreateTempSubdirectory("failoverdns-import-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (int ExitCode, string Output, string[] Error) Run(string recordSets, string healthChecks, string? zone = null, string? outputPath = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = Route53Import.Run(recordSets, healthChecks, zone, outputPath, output, error);
        return (exitCode, output.ToString(), error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static ConfigLoadResult ImportFixtures()
    {
        var (exitCode, output, error) = Run(RecordSets, HealthChecks);
        exitCode.Should().Be(0, string.Join('\n', error));
        var loaded = ConfigLoader.LoadText(output, "imported.yaml");
        loaded.Errors.Should().BeEmpty($"the import must pass validation:\n{output}");
        return loaded;
    }

    [Fact]
    public void Import_Fixtures_OutputPassesValidation()
    {
        var loaded = ImportFixtures();

        loaded.Succeeded.Should().BeTrue();
        loaded.Config!.Zones.Should().ContainSingle().Which.Name.Should().Be("example.com.");
    }

    [Fact]
    public void Import_Fixtures_EndpointChecksMappedAsRoute53RunsThem()
    {
        var checks = ImportFixtures().Config!.HealthChecks.ToDictionary(c => c.Name[..8]);

        checks.Keys.Should().BeEquivalentTo(["11111111", "22222222", "33333333", "44444444", "55555555", "88888888"],
            "the checks the mapped records use (and a calculated check's children); CloudWatch and recovery-control checks are not mapped, and a check no record uses is left out");

        // HTTPS_STR_MATCH on an IP with a host name: Route 53 sends the name as Host (with the port off 443) and SNI.
        var www = checks["11111111"];
        www.Endpoint.Should().BeEquivalentTo(new
        {
            Protocol = ProbeProtocol.Https,
            Target = "192.0.2.1",
            Port = 8443,
            Path = "/health?deep=1",
            HostHeader = "www.example.com:8443",
            Sni = true,
            Match = "\"status\":\"ok\"",
            ValidateCertificate = false,
            Interval = TimeSpan.FromSeconds(10),
        });
        (www.FailureThreshold, www.RecoveryThreshold).Should().Be((2, 2), "Route 53 counts one threshold both ways");

        // A host name only: the target is the name, and FailoverDns's default Host header is Route 53's.
        checks["22222222"].Endpoint.Should().BeEquivalentTo(new { Protocol = ProbeProtocol.Http, Target = "backup.example.net", Port = 80, Path = "/", HostHeader = (string?)null, Match = (string?)null, Interval = TimeSpan.FromSeconds(30) });
        (checks["22222222"].FailureThreshold, checks["22222222"].RecoveryThreshold).Should().Be((3, 3));

        checks["44444444"].Endpoint.Should().BeEquivalentTo(new { Protocol = ProbeProtocol.Tcp, Target = "192.0.2.50", Port = 5432 });

        // A ResourcePath without its slash, inverted and disabled.
        var maintenance = checks["55555555"];
        maintenance.Endpoint.Should().BeEquivalentTo(new { Protocol = ProbeProtocol.Http, Target = "192.0.2.60", Path = "/maintenance", HostHeader = (string?)null });
        (maintenance.Invert, maintenance.Disabled, maintenance.FailureThreshold).Should().Be((true, true, 1));

        // EnableSNI false, an IPv6 address.
        checks["88888888"].Endpoint.Should().BeEquivalentTo(new { Protocol = ProbeProtocol.Https, Target = "2001:db8::10", Port = 443, HostHeader = "v6.example.com", Sni = false });
    }

    [Fact]
    public void Import_Fixtures_CalculatedCheckKeepsItsChildrenAndThreshold()
    {
        var calculated = ImportFixtures().Config!.HealthChecks.Single(c => c.Name.StartsWith("33333333", StringComparison.Ordinal));

        calculated.Endpoint.Should().BeNull();
        calculated.Calculated!.Children.Should().Equal("44444444-4444-4444-8444-444444444444", "55555555-5555-4555-8555-555555555555");
        calculated.Calculated.RequiredHealthy.Should().Be(1, "HealthThreshold 1");
    }

    [Fact]
    public void Import_Fixtures_FailoverPairsBecomeSetsWithTheirChecks()
    {
        var zone = ImportFixtures().Config!.Zones.Single();

        zone.Failover.Select(f => (f.ToString(), f.Ttl, string.Join(" / ", f.Tiers.Select(t => t.HealthCheck?[..8] ?? "-")))).Should().BeEquivalentTo(new[]
        {
            ("www.example.com. A", 60u, "11111111 / 22222222"),
            ("api.example.com. CNAME", 60u, "33333333 / -"),
            ("db.example.com. A", 30u, "44444444 / -"),
            ("v6.example.com. AAAA", 60u, "88888888 / -"),
        });
        zone.Failover.Single(f => f.ToString() == "www.example.com. A").Tiers[0].Data.Should().HaveCount(2, "both PRIMARY values");
    }

    [Fact]
    public void Import_Fixtures_PlainRecordsKeptWithTheirTtls()
    {
        var records = ImportFixtures().Config!.Zones.Single().Records.Select(r => r.ToString());

        records.Should().Contain([
            "example.com. 900 IN SOA ns-2048.awsdns-64.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400",
            "example.com. 172800 IN NS ns-2051.awsdns-67.co.uk.",
            "example.com. 300 IN MX 10 mail.example.com.",
            "example.com. 300 IN TXT \"v=spf1 include:_spf.example.net -all\"",
            "*.example.com. 300 IN A 192.0.2.80",
            "_sip._tcp.example.com. 300 IN SRV 10 5 5060 sip.example.com.",
            "mail.example.com. 300 IN A 192.0.2.25",
            "status.example.com. 60 IN A 192.0.2.30",
        ]);
        records.Should().NotContain(r => r.Contains("192.0.2.31", StringComparison.Ordinal), "a SECONDARY Route 53 never serves is left out");
    }

    public static TheoryData<string> NotMapped => new()
    {
        "example.com. A: an alias to a CloudFront distribution (d111111abcdef8.cloudfront.net.)",
        "app.example.com. A failover: its PRIMARY is an alias to an AWS load balancer (dualstack.app-lb-1234567890.eu-west-1.elb.amazonaws.com.)",
        "ctl.example.com. A failover: the PRIMARY's health check 77777777-7777-4777-8777-777777777777 follows an Application Recovery Controller routing control",
        "metrics.example.com. A failover: the PRIMARY's health check 66666666-6666-4666-8666-666666666666 judges a CloudWatch alarm, which only AWS evaluates",
        "db.example.com. A failover: the SECONDARY's health check 66666666-6666-4666-8666-666666666666 judges a CloudWatch alarm",
        "geo.example.com. A (germany): geolocation routing: FailoverDns answers a name with one set of records",
        "lat.example.com. A (ireland): latency routing:",
        "multi.example.com. A (multi-1): multivalue answer routing:",
        "shop.example.com. A (blue): weighted routing:",
        "shop.example.com. A (green): weighted routing:",
        "host.example.com. SSHFP: FailoverDns reads SSHFP records only in the RFC 3597 form",
        "status.example.com. A failover: the PRIMARY has no health check, so Route 53 always answers it: written as a plain record, the SECONDARY (192.0.2.31) left out",
    };

    [Theory]
    [MemberData(nameof(NotMapped))]
    public void Import_Fixtures_WhatCannotBeMappedIsListedAtTheTopAndOnStderrWithTheReason(string note)
    {
        var (exitCode, output, error) = Run(RecordSets, HealthChecks);

        exitCode.Should().Be(0);
        var header = output.Split('\n').TakeWhile(line => line.StartsWith('#')).ToList();
        header.Should().ContainSingle(line => line.StartsWith("#   - " + note, StringComparison.Ordinal));
        error.Should().ContainSingle(line => line.StartsWith("failoverdns import: not mapped: " + note, StringComparison.Ordinal));
    }

    [Fact]
    public void Import_Fixtures_ListsEachCaseOnceAndSummarises()
    {
        var (_, output, error) = Run(RecordSets, HealthChecks);

        output.Split('\n').Count(line => line.StartsWith("#   - ", StringComparison.Ordinal)).Should().Be(NotMapped.Count);
        error.Should().HaveCount(NotMapped.Count + 1);
        error[^1].Should().Be("failoverdns import: zone example.com.: 8 record set(s), 4 failover set(s), 6 health check(s); 12 not mapped (listed at the top of the config)");
    }

    [Fact]
    public void Import_ZoneGivenAndOutputFile_WritesTheFileAndNothingToStdout()
    {
        var path = Path.Combine(_directory, "failoverdns.yaml");

        var (exitCode, output, _) = Run(RecordSets, HealthChecks, zone: "Example.COM", outputPath: path);

        exitCode.Should().Be(0);
        output.Should().BeEmpty();
        ConfigLoader.Load(path).Errors.Should().BeEmpty();
    }

    [Fact]
    public void Import_NoSoaNoZone_ZoneIsTheNamesCommonSuffix()
    {
        var recordSets = Path.Combine(_directory, "record-sets.json");
        File.WriteAllText(recordSets, """
            {
                "ResourceRecordSets": [
                    { "Name": "www.shop.example.org.", "Type": "A", "TTL": 60, "ResourceRecords": [{ "Value": "192.0.2.1" }] },
                    { "Name": "api.shop.example.org.", "Type": "A", "TTL": 60, "ResourceRecords": [{ "Value": "192.0.2.2" }] }
                ]
            }
            """);

        var (exitCode, output, _) = Run(recordSets, HealthChecks);

        exitCode.Should().Be(0);
        output.Should().Contain("zones:\n  - name: shop.example.org\n");
    }

    [Theory]
    [InlineData(0, "disabled", "Route 53's threshold 0 is always healthy, as a disabled check is")]
    [InlineData(2, "all", "")]
    [InlineData(3, null, "calculated check needing 3 of 2 children healthy, which FailoverDns cannot express")]
    public void Import_CalculatedThresholds_MappedOrListed(int threshold, string? expected, string because)
    {
        var healthChecks = Path.Combine(_directory, "health-checks.json");
        File.WriteAllText(healthChecks, File.ReadAllText(HealthChecks).Replace("\"HealthThreshold\": 1,", $"\"HealthThreshold\": {threshold},", StringComparison.Ordinal));

        var (exitCode, output, error) = Run(RecordSets, healthChecks);

        exitCode.Should().Be(0);
        var loaded = ConfigLoader.LoadText(output, "imported.yaml");
        loaded.Errors.Should().BeEmpty();
        var calculated = loaded.Config!.HealthChecks.SingleOrDefault(c => c.Calculated is not null);
        switch (expected)
        {
            case "disabled":
                calculated!.Disabled.Should().BeTrue(because);
                break;
            case "all":
                calculated!.Calculated!.RequiredHealthy.Should().Be(2);
                break;
            default:
                calculated.Should().BeNull();
                error.Should().Contain(line => line.StartsWith("failoverdns import: not mapped: api.example.com. CNAME failover: the PRIMARY's health check 33333333-3333-4333-8333-333333333333 is a " + because, StringComparison.Ordinal));
                break;
        }
    }

    [Fact]
    public void Import_TruncatedExport_Said()
    {
        var healthChecks = Path.Combine(_directory, "health-checks.json");
        File.WriteAllText(healthChecks, """{ "HealthChecks": [], "IsTruncated": true, "NextMarker": "x", "MaxItems": "1" }""");

        var (_, _, error) = Run(RecordSets, healthChecks);

        error.Should().Contain("failoverdns import: not mapped: the export is truncated (IsTruncated: true): run the aws command without --max-items, which pages through everything");
    }

    [Fact]
    public void Import_UnreadableInputs_ExitOneSayingWhy()
    {
        var notJson = Path.Combine(_directory, "not.json");
        File.WriteAllText(notJson, "ResourceRecordSets:\n");
        var missing = Path.Combine(_directory, "missing.json");

        Run(missing, HealthChecks).Should().Match<(int ExitCode, string Output, string[] Error)>(r => r.ExitCode == 1 && r.Output.Length == 0 && r.Error.Single().StartsWith($"failoverdns import: cannot read {missing}: "));
        Run(notJson, HealthChecks).Error.Single().Should().StartWith($"failoverdns import: {notJson} is not the JSON `aws route53 list-resource-record-sets` prints: ");

        var (exitCode, output, error) = Run(HealthChecks, RecordSets);

        exitCode.Should().Be(1, "each file given where the other belongs");
        output.Should().BeEmpty();
        error.Should().Equal(
            $"failoverdns import: {HealthChecks} has no \"ResourceRecordSets\": is it what `aws route53 list-resource-record-sets` prints?",
            $"failoverdns import: {RecordSets} has no \"HealthChecks\": is it what `aws route53 list-health-checks` prints?");
    }

    /// <summary>The README's From Route 53 commands as written there, run by the built program in a directory holding the exports.</summary>
    [Fact]
    public async Task ReadmeImportCommands_WriteAConfigThatValidates()
    {
        File.Copy(RecordSets, Path.Combine(_directory, "record-sets.json"));
        File.Copy(HealthChecks, Path.Combine(_directory, "health-checks.json"));

        var import = await RunInDirectoryAsync("import", "route53", "--record-sets", "record-sets.json", "--health-checks", "health-checks.json", "--output", "failoverdns.yaml");
        var validate = await RunInDirectoryAsync("validate", "failoverdns.yaml");

        import.ExitCode.Should().Be(0, import.Output);
        import.Output.Should().EndWith("failoverdns import: zone example.com.: 8 record set(s), 4 failover set(s), 6 health check(s); 12 not mapped (listed at the top of the config)");
        validate.ExitCode.Should().Be(0, validate.Output);
        validate.Output.Should().Be("failoverdns.yaml: OK, 1 zone(s), 11 record(s), 4 failover set(s), 6 health check(s)");
    }

    private async Task<(int ExitCode, string Output)> RunInDirectoryAsync(params string[] arguments)
    {
        await using var process = ServerProcess.Start(ServerProcess.BuiltAssembly, arguments, workingDirectory: _directory);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        return (exitCode, string.Join('\n', process.Lines));
    }

    [Theory]
    [InlineData]
    [InlineData("--record-sets", "a.json")]
    [InlineData("--record-sets", "a.json", "--health-checks")]
    [InlineData("--record-sets", "a.json", "--health-checks", "b.json", "--zones", "x")]
    [InlineData("--record-sets", "a.json", "--record-sets", "b.json")]
    public async Task CommandLine_WithoutBothFilesOrWithUnknownOptions_PrintsUsageExitTwo(params string[] options)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        (await Program.RunAsync(["import", "route53", .. options], _ => null, output, error)).Should().Be(2, error.ToString());
        error.ToString().Should().StartWith("failoverdns: ").And.Contain("usage: failoverdns import route53 --record-sets FILE --health-checks FILE [--zone NAME] [--output FILE]");
    }
}
