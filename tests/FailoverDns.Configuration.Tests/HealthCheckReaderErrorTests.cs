using FailoverDns.Testing;
using FailoverDns.Testing.Http;

namespace FailoverDns.Configuration.Tests;

/// <summary>
/// Mistakes in the <c>healthChecks</c> section, each reported once as <c>file:line:column: message</c>.
/// The checks are written from line 2 on, before a valid zone (<see cref="LoadErrors.WithHealthChecks"/>).
/// </summary>
public sealed class HealthCheckReaderErrorTests
{
    [Fact]
    public void LoadText_UnknownType_ReportedAtTypeAndOtherKeysNotCalledUnknown()
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks("""
              - { name: web, type: htp, target: 192.0.2.1, port: 81, path: /, tagret: x }
            """)).Should().Equal(
            "test.yaml:2:24: health check type must be http, https, tcp or calculated, not 'htp'",
            "test.yaml:2:67: unknown key 'tagret' (expected one of: caFile, checks, connectTimeout, disabled, failureThreshold, headers, healthyStatus, host, interval, invert, match, method, name, path, port, recoveryThreshold, require, responseTimeout, serverName, sni, sourceAddress, target, type, userAgent, validateCertificate)");
    }

    [Fact]
    public void LoadText_MissingNameOrType_ReportedAtTheCheck()
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks("""
              - { name: web, target: 192.0.2.1 }
              - { type: http, target: 192.0.2.1 }
              - name: db
                port: 22
            """)).Should().Equal(
            "test.yaml:2:5: a health check needs 'name' and 'type'",
            "test.yaml:3:5: a health check needs 'name' and 'type'",
            "test.yaml:4:5: a health check needs 'name' and 'type'");
    }

    [Fact]
    public void LoadText_CheckNotAMapping_Reported()
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks("  - web")).Should().Equal("test.yaml:2:5: each health check is a mapping with at least name and type");
    }

    [Theory]
    [InlineData("failureThreshold", "0")]
    [InlineData("failureThreshold", "11")]
    [InlineData("failureThreshold", "-1")]
    [InlineData("failureThreshold", "three")]
    [InlineData("recoveryThreshold", "0")]
    [InlineData("recoveryThreshold", "11")]
    [InlineData("recoveryThreshold", "2.5")]
    public void LoadText_ThresholdOutsideOneToTen_ReportedAtValue(string key, string value)
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks($"""
              - name: web
                type: http
                target: 192.0.2.1
                {key}: {value}
            """)).Should().Equal($"test.yaml:5:{7 + key.Length}: '{key}' must be a whole number from 1 to 10, not '{value}'");
    }

    [Theory]
    [InlineData("50ms")]
    [InlineData("99ms")]
    [InlineData("0")]
    [InlineData("0.05")]
    [InlineData("2h")]
    [InlineData("often")]
    public void LoadText_IntervalOutOfRange_ReportedAtValue(string interval)
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks($"""
              - name: web
                type: http
                target: 192.0.2.1
                interval: {interval}
            """)).Should().Equal($"test.yaml:5:15: 'interval' must be a duration from 100ms to 1h (like 500ms, 10s, 1m), not '{interval}'");
    }

    [Theory]
    [InlineData("http", "connectTimeout", "5s", "5s")]
    [InlineData("http", "connectTimeout", "6s", "5s")]
    [InlineData("http", "responseTimeout", "5s", "5s")]
    [InlineData("http", "responseTimeout", "1m", "5s")]
    [InlineData("tcp", "connectTimeout", "5s", "5s")]
    [InlineData("https", "connectTimeout", "200ms", "200ms")]
    public void LoadText_TimeoutNotBelowTheInterval_ReportedAtTheTimeout(string type, string key, string timeout, string interval)
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks($"""
              - name: web
                type: {type}
                target: 192.0.2.1
                port: 8080
                interval: {interval}
                {key}: {timeout}
            """)).Should().Equal($"test.yaml:7:{7 + key.Length}: {key} ({timeout}) must be below the interval ({interval})");
    }

    [Fact]
    public void LoadText_BothTimeoutsAtTheDefaultIntervalOrAbove_BothReported()
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks("""
              - { name: web, type: http, target: 192.0.2.1, connectTimeout: 30s, responseTimeout: 45s }
            """)).Should().Equal(
            "test.yaml:2:65: connectTimeout (30s) must be below the interval (30s)",
            "test.yaml:2:87: responseTimeout (45s) must be below the interval (30s)");
    }

    [Fact]
    public void LoadText_TcpWithoutPort_ReportedAtTheCheck()
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks("""
              - name: db
                type: tcp
                target: 192.0.2.5
            """)).Should().Equal("test.yaml:2:5: a tcp health check needs 'port'");
    }

    [Fact]
    public void LoadText_TcpWithHttpOnlyKeys_EachReportedAtItsValue()
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks("""
              - name: db
                type: tcp
                target: 192.0.2.5
                port: 5432
                path: /health
                host: db.example.test
                match: OK
                healthyStatus: [200]
                sni: true
                serverName: db.example.test
                validateCertificate: true
            """)).Should().Equal(
            "test.yaml:6:11: 'path' has no meaning for a tcp health check",
            "test.yaml:7:11: 'host' has no meaning for a tcp health check",
            "test.yaml:8:12: 'match' has no meaning for a tcp health check",
            "test.yaml:9:20: 'healthyStatus' has no meaning for a tcp health check",
            "test.yaml:10:10: 'sni' has no meaning for a tcp health check",
            "test.yaml:11:17: 'serverName' has no meaning for a tcp health check",
            "test.yaml:12:26: 'validateCertificate' has no meaning for a tcp health check");
    }

    [Fact]
    public void LoadText_TcpWithRequestOptions_EachReportedAtItsValue()
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks("""
              - name: db
                type: tcp
                target: 192.0.2.5
                port: 5432
                caFile: ca.pem
                headers: { X-A: b }
                method: HEAD
                userAgent: x
            """)).Should().Equal(
            "test.yaml:6:13: 'caFile' has no meaning for a tcp health check",
            "test.yaml:7:14: 'headers' has no meaning for a tcp health check",
            "test.yaml:8:13: 'method' has no meaning for a tcp health check",
            "test.yaml:9:16: 'userAgent' has no meaning for a tcp health check");
    }

    [Theory]
    [InlineData("POST", "'method' must be GET or HEAD, not 'POST'")]
    [InlineData("get", "'method' must be GET or HEAD, not 'get'")]
    public void LoadText_MethodNotGetOrHead_ReportedAtValue(string method, string message)
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks($"  - {{ name: web, type: http, target: 192.0.2.1, method: {method} }}"))
            .Should().Equal($"test.yaml:2:57: {message}");
    }

    [Fact]
    public void LoadText_HeadWithMatch_ReportedAtMatch()
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks("  - { name: web, type: http, target: 192.0.2.1, method: HEAD, match: OK }"))
            .Should().Equal("test.yaml:2:70: 'match' searches the body, which a HEAD request does not get: use method GET");
    }

    [Fact]
    public void LoadText_UserAgentWithControlCharacter_ReportedAtValue()
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks("  - { name: web, type: http, target: 192.0.2.1, userAgent: \"a\\r\\nb\" }"))
            .Should().Equal("test.yaml:2:60: 'userAgent' must be printable ASCII text, not 'a\\u000d\\u000ab'");
    }

    [Theory]
    [InlineData("Host: www.example.test", 9, "set the Host header with 'host', not under 'headers'")]
    [InlineData("user-agent: x", 9, "set the User-Agent with 'userAgent', not under 'headers'")]
    [InlineData("Connection: keep-alive", 9, "'Connection' is a hop-by-hop header: the probe manages its connection itself (a new one per probe)")]
    [InlineData("transfer-encoding: chunked", 9, "'transfer-encoding' is a hop-by-hop header: the probe manages its connection itself (a new one per probe)")]
    [InlineData("Content-Type: text/plain", 9, "'Content-Type' describes a request body, and a probe sends none")]
    [InlineData("\"X Probe\": 1", 9, "'X Probe' is not a header name (letters, digits and !#$%&'*+-.^_`|~)")]
    [InlineData("\"X-Ä\": 1", 9, "'X-\\u00c4' is not a header name (letters, digits and !#$%&'*+-.^_`|~)")]
    [InlineData("X-A: 1, x-a: 2", 17, "header 'x-a' is given twice (header names are case-insensitive)")]
    [InlineData("Authorization: [Bearer, s3cret]", 24, "header 'Authorization' must have a single value")]
    [InlineData("Authorization: \"Bearer s3cret\\r\\nX-Evil: 1\"", 24, "the value of header 'Authorization' must be printable ASCII, without line breaks or control characters (not shown: it may be a secret)")]
    [InlineData("Authorization: \"Bearer s3crét\"", 24, "the value of header 'Authorization' must be printable ASCII, without line breaks or control characters (not shown: it may be a secret)")]
    public void LoadText_HeaderMistake_ReportedWhereItIsWithoutTheValue(string header, int column, string message)
    {
        var errors = LoadErrors.Of(LoadErrors.WithHealthChecks($$"""
              - name: web
                type: http
                target: 192.0.2.1
                headers: { {{header}} }
            """));

        errors.Should().Equal($"test.yaml:5:{column + 7}: {message}");
        errors.Single().Should().NotContain("s3cr", "a header value may be a secret");
    }

    [Fact]
    public void LoadText_HeadersNotAMapping_Reported()
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks("  - { name: web, type: http, target: 192.0.2.1, headers: [Authorization] }"))
            .Should().Equal("test.yaml:2:58: 'headers' must be a mapping of header names to values, like { Authorization: Bearer abc }");
    }

    [Fact]
    public void Load_CaFileMistakes_EachReportedAtTheCaFile()
    {
        using var dir = new TempDirectory();
        dir.Write("not-pem.pem", "just some text\n");
        dir.Write("key-only.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        using var authority = TestCertificates.Authority("Internal Test CA");
        dir.Write("ca.pem", authority.ExportCertificatePem());
        using var elsewhere = new TempDirectory();
        elsewhere.Write("ca.pem", authority.ExportCertificatePem());
        var path = dir.Write("test.yaml", LoadErrors.WithHealthChecks($$"""
              - { name: a, type: https, target: 192.0.2.1, caFile: missing.pem }
              - { name: b, type: https, target: 192.0.2.1, caFile: not-pem.pem }
              - { name: c, type: https, target: 192.0.2.1, caFile: key-only.pem }
              - { name: d, type: http, target: 192.0.2.1, caFile: ca.pem }
              - { name: e, type: https, target: 192.0.2.1, caFile: ca.pem, validateCertificate: false }
              - { name: f, type: https, target: 192.0.2.1, caFile: {{elsewhere.Path}}/ca.pem }
            """));

        var errors = ConfigLoader.Load(path).Errors.Select(e => e.ToString()[(path.Length + 1)..]).ToList();

        errors.Should().HaveCount(6);
        errors[0].Should().StartWith("2:56: the CA file 'missing.pem' cannot be read: ");
        errors[1].Should().Be("3:56: the CA file 'not-pem.pem' holds no PEM certificate (-----BEGIN CERTIFICATE-----), or one that cannot be read");
        errors[2].Should().Be("4:56: the CA file 'key-only.pem' holds no PEM certificate (-----BEGIN CERTIFICATE-----), or one that cannot be read");
        errors[3].Should().Be("5:55: 'caFile' has no meaning for an http health check: it has no TLS (use type https)");
        errors[4].Should().Be("6:85: 'caFile' is there to validate the certificate: drop 'validateCertificate: false' or the caFile");
        errors[5].Should().StartWith("7:56: the CA file ").And.Contain("outside");
    }

    [Theory]
    [InlineData("[2xx]", 21, "2xx")]
    [InlineData("[200, \"300-3xx\"]", 26, "300-3xx")]
    [InlineData("[99]", 21, "99")]
    [InlineData("[600]", 21, "600")]
    [InlineData("[200-600]", 21, "200-600")]
    [InlineData("[299-200]", 21, "299-200")]
    [InlineData("[200-300-400]", 21, "200-300-400")]
    [InlineData("[-200]", 21, "-200")]
    [InlineData("[\"\"]", 21, "")]
    public void LoadText_BadHealthyStatus_ReportedAtTheEntry(string list, int column, string shown)
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks($"""
              - name: web
                type: http
                target: 192.0.2.1
                healthyStatus: {list}
            """)).Should().Equal($"test.yaml:5:{column}: a healthy status is a code like 200 or a range like 200-299 (100-599), not '{shown}'");
    }

    [Fact]
    public void LoadText_EmptyHealthyStatus_Reported()
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks("""
              - name: web
                type: http
                target: 192.0.2.1
                healthyStatus: []
            """)).Should().Equal("test.yaml:5:20: 'healthyStatus' lists no status; write codes like 200 or ranges like 200-299, or leave it out for 200-399");
    }

    [Fact]
    public void LoadText_HealthyStatusNotAList_ReportedOnce()
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks("""
              - name: web
                type: http
                target: 192.0.2.1
                healthyStatus: 200
            """)).Should().Equal("test.yaml:5:20: 'healthyStatus' must be a list");
    }

    [Fact]
    public void LoadText_MissingTarget_ReportedAtTheCheck()
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks("""
              - { name: web, type: http }
              - { name: db, type: tcp, port: 22 }
            """)).Should().Equal(
            "test.yaml:2:5: a health check of type http needs 'target', an IP address or a host name",
            "test.yaml:3:5: a health check of type tcp needs 'target', an IP address or a host name");
    }

    [Theory]
    [InlineData("http://192.0.2.1/")]
    [InlineData("192.0.2.300")]
    [InlineData("10.0.0")]
    [InlineData("www example.test")]
    [InlineData("www..example.test")]
    [InlineData("192.0.2.1:8080")]
    [InlineData("")]
    public void LoadText_TargetNeitherAddressNorHostName_ReportedAtValue(string target)
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks($"""
              - name: web
                type: http
                target: "{target}"
            """)).Should().Equal($"test.yaml:4:13: 'target' must be an IP address or a host name, not '{target}'");
    }

    [Fact]
    public void LoadText_PathWithoutLeadingSlash_ReportedAtValue()
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks("""
              - { name: web, type: http, target: 192.0.2.1, path: health }
            """)).Should().Equal("test.yaml:2:55: 'path' must start with '/', not 'health'");
    }

    [Fact]
    public void LoadText_DuplicateName_ReportedAtTheSecondName()
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks("""
              - { name: web, type: http, target: 192.0.2.1 }
              - { name: db, type: tcp, target: 192.0.2.2, port: 22 }
              - { name: web, type: tcp, target: 192.0.2.3, port: 22 }
            """)).Should().Equal("test.yaml:4:13: health check 'web' is defined twice (first at test.yaml:2:5)");
    }

    [Fact]
    public void LoadText_CalculatedNamingUnknownChecks_EachReported()
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks("""
              - { name: web, type: http, target: 192.0.2.1 }
              - { name: both, type: calculated, checks: [web, db, Web] }
            """)).Should().Equal(
            "test.yaml:3:5: calculated health check 'both' names 'db', which is not a health check",
            "test.yaml:3:5: calculated health check 'both' names 'Web', which is not a health check");
    }

    [Fact]
    public void LoadText_CalculatedCycle_EachMemberReported()
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks("""
              - { name: web, type: http, target: 192.0.2.1 }
              - { name: a, type: calculated, checks: [web, b] }
              - { name: b, type: calculated, checks: [c] }
              - { name: c, type: calculated, checks: [a], require: any }
              - { name: self, type: calculated, checks: [self] }
              - { name: outside, type: calculated, checks: [a, web] }
            """)).Should().Equal(
            "test.yaml:3:5: calculated health check 'a' depends on itself",
            "test.yaml:4:5: calculated health check 'b' depends on itself",
            "test.yaml:5:5: calculated health check 'c' depends on itself",
            "test.yaml:6:5: calculated health check 'self' depends on itself");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("3")]
    [InlineData("-1")]
    [InlineData("most")]
    [InlineData("ALL")]
    public void LoadText_RequireOutOfRange_ReportedAtValue(string require)
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks($$"""
              - { name: web, type: http, target: 192.0.2.1 }
              - { name: db, type: http, target: 192.0.2.2 }
              - name: both
                type: calculated
                checks: [web, db]
                require: {{require}}
            """)).Should().Equal($"test.yaml:7:14: 'require' must be all, any, or a number from 1 to 2, not '{require}'");
    }

    [Fact]
    public void LoadText_CalculatedWithoutChecks_Reported()
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks("""
              - { name: a, type: calculated }
              - { name: b, type: calculated, checks: [] }
              - { name: c, type: calculated, checks: web }
            """)).Should().Equal(
            "test.yaml:2:5: a calculated health check needs 'checks', the names of the checks it combines",
            "test.yaml:3:42: a calculated health check needs 'checks', the names of the checks it combines",
            "test.yaml:4:42: 'checks' must be a list");
    }

    [Fact]
    public void LoadText_KeyOfAnotherType_ReportedAsUnknown()
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks("""
              - { name: web, type: http, target: 192.0.2.1 }
              - { name: c, type: calculated, checks: [web], target: 192.0.2.1 }
            """)).Should().Equal(
            "test.yaml:3:49: unknown key 'target' (expected one of: checks, disabled, failureThreshold, invert, name, recoveryThreshold, require, type)");
    }

    [Fact]
    public void LoadText_ReferenceToACheckWithErrors_OnlyTheCheckItselfReported()
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks("""
              - { name: broken, type: http, target: 192.0.2.1, path: health }
              - { name: typo, type: htp, target: 192.0.2.1 }
              - { name: both, type: calculated, checks: [broken, typo] }
            """)).Should().Equal(
            "test.yaml:2:58: 'path' must start with '/', not 'health'",
            "test.yaml:3:25: health check type must be http, https, tcp or calculated, not 'htp'");
    }

    [Fact]
    public void LoadText_SourceAddressNotAnAddressOrOfAnotherFamily_Refused()
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks("""
              - { name: a, type: tcp, target: 192.0.2.1, port: 80, sourceAddress: eth0 }
              - { name: b, type: tcp, target: 192.0.2.1, port: 80, sourceAddress: "::1" }
            """)).Should().Equal(
            "test.yaml:2:71: 'sourceAddress' must be an IP address of this host, not 'eth0'",
            "test.yaml:3:71: 'sourceAddress' '::1' cannot reach target '192.0.2.1': one is IPv4, the other IPv6");
    }
}
