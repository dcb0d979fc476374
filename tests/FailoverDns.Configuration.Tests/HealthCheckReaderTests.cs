using FailoverDns.Health.Checks;
using FailoverDns.Testing;
using FailoverDns.Testing.Http;
using FluentAssertions.Equivalency;

namespace FailoverDns.Configuration.Tests;

/// <summary>
/// The <c>healthChecks</c> section as read: every key and the Route 53 defaults. Mistakes:
/// <see cref="HealthCheckReaderErrorTests"/>.
/// </summary>
public sealed class HealthCheckReaderTests
{
    /// <summary>The definitions are records with their own equality; compare them field by field for readable failures.</summary>
    private static readonly Func<EquivalencyAssertionOptions<HealthCheckDefinition>, EquivalencyAssertionOptions<HealthCheckDefinition>> ByMembers =
        o => o.ComparingByMembers<HealthCheckDefinition>().ComparingByMembers<EndpointCheckOptions>().ComparingByMembers<CalculatedCheck>();

    [Fact]
    public void LoadText_HttpCheckWithOnlyTarget_HasRoute53Defaults()
    {
        var check = Load("  - { name: web, type: http, target: 192.0.2.1 }").Single();

        check.Should().BeEquivalentTo(
            new HealthCheckDefinition
            {
                Name = "web",
                Endpoint = new EndpointCheckOptions
                {
                    Protocol = ProbeProtocol.Http,
                    Target = "192.0.2.1",
                    Port = 80,
                    Path = "/",
                    HostHeader = null,
                    Sni = true,
                    ServerName = null,
                    ValidateCertificate = false,
                    HealthyStatuses = [new StatusRange(200, 399)],
                    Match = null,
                    Interval = TimeSpan.FromSeconds(30),
                    ConnectTimeout = TimeSpan.FromSeconds(4),
                    ResponseTimeout = TimeSpan.FromSeconds(2),
                },
                Calculated = null,
                FailureThreshold = 3,
                RecoveryThreshold = 3,
                Invert = false,
                Disabled = false,
            },
            ByMembers);
        check.Endpoint!.EffectiveHostHeader.Should().Be("192.0.2.1");
    }

    [Fact]
    public void LoadText_HttpsAndTcpChecks_HaveTheirOwnDefaults()
    {
        var checks = Load("""
              - { name: secure, type: https, target: www.example.test }
              - { name: db, type: tcp, target: "2001:db8::5", port: 5432 }
            """);

        var https = checks[0].Endpoint!;
        https.Protocol.Should().Be(ProbeProtocol.Https);
        https.Target.Should().Be("www.example.test");
        https.Port.Should().Be(443);
        https.Sni.Should().BeTrue();
        https.ValidateCertificate.Should().BeFalse("Route 53 does not validate certificates");
        https.ConnectTimeout.Should().Be(TimeSpan.FromSeconds(4));
        https.ResponseTimeout.Should().Be(TimeSpan.FromSeconds(2));

        var tcp = checks[1].Endpoint!;
        tcp.Protocol.Should().Be(ProbeProtocol.Tcp);
        tcp.Target.Should().Be("2001:db8::5");
        tcp.Port.Should().Be(5432);
        tcp.ConnectTimeout.Should().Be(TimeSpan.FromSeconds(10), "Route 53 gives a TCP connection 10 s");
        tcp.Interval.Should().Be(TimeSpan.FromSeconds(30));
        checks[1].FailureThreshold.Should().Be(3);
        checks[1].RecoveryThreshold.Should().Be(3);
    }

    [Fact]
    public void LoadText_EveryKey_Read()
    {
        var check = Load("""
              - name: web
                type: https
                target: www.example.test
                port: 8443
                path: /health?full=1
                host: status.example.test
                sni: false
                serverName: api.example.test
                validateCertificate: true
                healthyStatus: [200, "204", 300-302]
                match: OK
                interval: 10s
                connectTimeout: 3s
                responseTimeout: 1500ms
                failureThreshold: 5
                recoveryThreshold: 2
                invert: true
                disabled: true
            """).Single();

        check.Should().BeEquivalentTo(
            new HealthCheckDefinition
            {
                Name = "web",
                Endpoint = new EndpointCheckOptions
                {
                    Protocol = ProbeProtocol.Https,
                    Target = "www.example.test",
                    Port = 8443,
                    Path = "/health?full=1",
                    HostHeader = "status.example.test",
                    Sni = false,
                    ServerName = "api.example.test",
                    ValidateCertificate = true,
                    HealthyStatuses = [new StatusRange(200, 200), new StatusRange(204, 204), new StatusRange(300, 302)],
                    Match = "OK",
                    Interval = TimeSpan.FromSeconds(10),
                    ConnectTimeout = TimeSpan.FromSeconds(3),
                    ResponseTimeout = TimeSpan.FromMilliseconds(1500),
                },
                FailureThreshold = 5,
                RecoveryThreshold = 2,
                Invert = true,
                Disabled = true,
            },
            ByMembers);
    }

    [Fact]
    public void Load_RequestOptions_ReadWithTheCaFileBesideTheConfig()
    {
        using var dir = new TempDirectory();
        using var authority = TestCertificates.Authority("Internal Test CA");
        dir.Write("certs/internal-ca.pem", "# our CA\n" + authority.ExportCertificatePem() + "\n");
        var path = dir.Write("failoverdns.yaml", LoadErrors.WithHealthChecks("""
              - name: web
                type: https
                target: 192.0.2.1
                caFile: certs/internal-ca.pem
                method: HEAD
                userAgent: Acme-Monitor/2.0
                headers:
                  Authorization: Bearer s3cret
                  X-Probe: "1"
            """));

        var result = ConfigLoader.Load(path);

        result.Errors.Should().BeEmpty();
        var endpoint = result.Config!.HealthChecks.Single().Endpoint!;
        endpoint.TrustedCertificates.Should().ContainSingle().Which.Thumbprint.Should().Be(authority.Thumbprint);
        endpoint.ValidateCertificate.Should().BeTrue("a CA file is only worth giving to validate against it");
        endpoint.Method.Should().Be("HEAD");
        endpoint.UserAgent.Should().Be("Acme-Monitor/2.0");
        endpoint.Headers.Should().Equal(new KeyValuePair<string, string>("Authorization", "Bearer s3cret"), new KeyValuePair<string, string>("X-Probe", "1"));
    }

    [Fact]
    public void LoadText_RequestOptionsLeftOut_GetWithTheProbesUserAgentAndNoHeaders()
    {
        var endpoint = Load("  - { name: web, type: https, target: 192.0.2.1 }").Single().Endpoint!;

        endpoint.Method.Should().Be("GET");
        endpoint.UserAgent.Should().Be("FailoverDns-HealthCheck/1.0");
        endpoint.Headers.Should().BeEmpty();
        endpoint.TrustedCertificates.Should().BeEmpty();
        endpoint.ValidateCertificate.Should().BeFalse();
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("5", 5)]
    [InlineData("10", 10)]
    public void LoadText_RecoveryThresholdLeftOut_EqualsFailureThreshold(string failureThreshold, int expected)
    {
        var check = Load($"  - {{ name: web, type: http, target: 192.0.2.1, failureThreshold: {failureThreshold} }}").Single();

        check.FailureThreshold.Should().Be(expected);
        check.RecoveryThreshold.Should().Be(expected, "Route 53 uses the same count both ways");
    }

    [Theory]
    [InlineData("http", "30s", 4000, 2000)]
    [InlineData("http", "10s", 4000, 2000)]
    [InlineData("http", "6s", 3000, 2000)]
    [InlineData("http", "5s", 2500, 2000)]
    [InlineData("http", "2s", 1000, 1000)]
    [InlineData("https", "1s", 500, 500)]
    [InlineData("http", "100ms", 50, 50)]
    [InlineData("tcp", "1m", 10_000, 2000)]
    [InlineData("tcp", "30s", 10_000, 2000)]
    [InlineData("tcp", "10s", 5000, 2000)]
    [InlineData("tcp", "3s", 1500, 1500)]
    public void LoadText_IntervalGiven_TimeoutsDefaultToRoute53sButAtMostHalfTheInterval(string type, string interval, int connectMs, int responseMs)
    {
        var endpoint = Load($"  - {{ name: c, type: {type}, target: 192.0.2.1, port: 8080, interval: {interval} }}").Single().Endpoint!;

        endpoint.ConnectTimeout.Should().Be(TimeSpan.FromMilliseconds(connectMs));
        endpoint.ResponseTimeout.Should().Be(TimeSpan.FromMilliseconds(responseMs));
    }

    [Theory]
    [InlineData("[200]", "200")]
    [InlineData("[200, 301, 302]", "200,301,302")]
    [InlineData("[200-299]", "200-299")]
    [InlineData("[\"200-204\", 418, 500-599]", "200-204,418,500-599")]
    [InlineData("[100-599]", "100-599")]
    [InlineData("[599]", "599")]
    [InlineData("[300-300]", "300")]
    public void LoadText_HealthyStatus_CodesAndRanges(string list, string expected)
    {
        var endpoint = Load($"  - {{ name: web, type: http, target: 192.0.2.1, healthyStatus: {list} }}").Single().Endpoint!;

        string.Join(",", endpoint.HealthyStatuses).Should().Be(expected);
    }

    [Fact]
    public void LoadText_CalculatedChecks_RequireAllAnyOrACount()
    {
        var checks = Load("""
              - { name: a, type: http, target: 192.0.2.1 }
              - { name: b, type: http, target: 192.0.2.2 }
              - { name: c, type: tcp, target: 192.0.2.3, port: 22 }
              - { name: all, type: calculated, checks: [a, b, c] }
              - { name: explicit-all, type: calculated, checks: [a, b, c], require: all }
              - { name: any, type: calculated, checks: [a, b, c], require: any }
              - { name: two, type: calculated, checks: [a, b, c], require: 2 }
              - name: nested
                type: calculated
                checks: [all, any]
                require: 1
                failureThreshold: 1
                invert: true
            """);

        checks.Select(c => c.Name).Should().Equal("a", "b", "c", "all", "explicit-all", "any", "two", "nested");
        checks.Take(3).Should().OnlyContain(c => c.Calculated == null && c.Endpoint != null);
        checks.Skip(3).Should().OnlyContain(c => c.Endpoint == null);
        checks[3].Calculated.Should().Be(new CalculatedCheck(["a", "b", "c"], 3));
        checks[4].Calculated.Should().Be(new CalculatedCheck(["a", "b", "c"], 3));
        checks[5].Calculated.Should().Be(new CalculatedCheck(["a", "b", "c"], 1));
        checks[6].Calculated.Should().Be(new CalculatedCheck(["a", "b", "c"], 2));
        checks[7].Calculated.Should().Be(new CalculatedCheck(["all", "any"], 1));
        checks[7].FailureThreshold.Should().Be(1);
        checks[7].RecoveryThreshold.Should().Be(1);
        checks[7].Invert.Should().BeTrue();
    }

    [Fact]
    public void LoadText_CalculatedCheckDefinedBeforeItsChildren_Accepted()
    {
        var checks = Load("""
              - { name: both, type: calculated, checks: [web, db] }
              - { name: web, type: http, target: 192.0.2.1 }
              - { name: db, type: tcp, target: 192.0.2.2, port: 5432 }
            """);

        checks.Select(c => c.Name).Should().Equal("both", "web", "db");
    }

    [Theory]
    [InlineData("HTTP", ProbeProtocol.Http)]
    [InlineData("Https", ProbeProtocol.Https)]
    [InlineData("TCP", ProbeProtocol.Tcp)]
    public void LoadText_TypeInAnyCase_Accepted(string type, ProbeProtocol protocol)
    {
        Load($"  - {{ name: c, type: {type}, target: 192.0.2.1, port: 81 }}").Single().Endpoint!.Protocol.Should().Be(protocol);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("www.example.test")]
    [InlineData("www.example.test.")]
    [InlineData("api-1.eu_west.example.test")]
    [InlineData("192.0.2.1")]
    [InlineData("2001:db8::1")]
    public void LoadText_TargetAddressOrHostName_Accepted(string target)
    {
        Load($"  - {{ name: web, type: http, target: \"{target}\" }}").Single().Endpoint!.Target.Should().Be(target);
    }

    [Fact]
    public void LoadText_NoHealthChecks_EmptyList()
    {
        var result = ConfigLoader.LoadText(LoadErrors.Zone, "test.yaml");

        result.Errors.Should().BeEmpty();
        result.Config!.HealthChecks.Should().BeEmpty();
    }

    [Fact]
    public void LoadText_TimeoutJustBelowTheInterval_Accepted()
    {
        var endpoint = Load("  - { name: web, type: tcp, target: 192.0.2.1, port: 22, interval: 1s, connectTimeout: 999ms, responseTimeout: 999ms }").Single().Endpoint!;

        endpoint.ConnectTimeout.Should().Be(TimeSpan.FromMilliseconds(999));
        endpoint.ResponseTimeout.Should().Be(TimeSpan.FromMilliseconds(999));
    }

    [Fact]
    public void LoadText_CalculatedSharingAChild_IsNotACycle()
    {
        var checks = Load("""
              - { name: web, type: http, target: 192.0.2.1 }
              - { name: a, type: calculated, checks: [web] }
              - { name: b, type: calculated, checks: [web, a] }
              - { name: c, type: calculated, checks: [a, b, web] }
            """);

        checks.Should().HaveCount(4);
    }

    [Fact]
    public void LoadText_SourceAddress_ReadAndNotPartOfWhatTheCheckJudges()
    {
        var checks = Load("""
              - { name: a, type: tcp, target: 192.0.2.1, port: 5432, sourceAddress: 127.0.0.2 }
              - { name: b, type: tcp, target: 192.0.2.1, port: 5432 }
            """);

        checks[0].Endpoint!.SourceAddress.Should().Be(System.Net.IPAddress.Parse("127.0.0.2"));
        (checks[0].Endpoint == checks[1].Endpoint).Should().BeFalse("probes from two sources are two probes");
        (checks[0] with { Name = "b" }).JudgesSameAs(checks[1]).Should().BeTrue("where from is the probe location's business: cluster locations probing from different addresses judge the same check");
        (checks[0] with { Name = "b" }).Judgement.Should().Be(checks[1].Judgement);
    }

    private static IReadOnlyList<HealthCheckDefinition> Load(string checks)
    {
        var result = ConfigLoader.LoadText(LoadErrors.WithHealthChecks(checks), "test.yaml");

        result.Errors.Select(e => e.ToString()).Should().BeEmpty();
        return result.Config!.HealthChecks;
    }
}
