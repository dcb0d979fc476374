using FailoverDns.Zones.Text;

namespace FailoverDns.Configuration.Tests;

/// <summary>Mistakes in the file's structure and settings (YAML syntax, keys, shapes, listen, server, logging), all reported in one run.</summary>
public sealed class ConfigLoaderStructureErrorTests
{
    [Fact]
    public void LoadText_MisspelledZoneKey_ListsKnownKeys()
    {
        LoadErrors.Of("""
            zones:
              - name: example.test
                soa: {}
                nameservers: [ns1.example.test.]
                recrods:
                  - { name: www, type: A, value: 192.0.2.1 }
            """).Should().Equal("test.yaml:5:5: unknown key 'recrods' (expected one of: dnssec, failover, file, name, nameservers, records, soa, transfer, ttl)");
    }

    [Fact]
    public void LoadText_MisspelledKeysAtEveryLevel_AllReported()
    {
        LoadErrors.Of("""
            zone:
              - name: example.test
            """).Should().Equal(
            "test.yaml:1:1: the config has no 'zones': nothing to serve",
            "test.yaml:1:1: unknown key 'zone' (expected one of: admin, alerts, cluster, files, health, healthChecks, listen, logging, server, tsigKeys, zones)");
        LoadErrors.Of(LoadErrors.Zone + """
                  - { name: www, type: A, valeu: 192.0.2.1 }
            """).Should().Equal(
            "test.yaml:7:9: a record needs exactly one of 'value' or 'values'",
            "test.yaml:7:31: unknown key 'valeu' (expected one of: name, ttl, type, value, values)");
        LoadErrors.Of("""
            zones:
              - name: example.test
                soa: { emial: a@b.c }
                nameservers: [ns1.example.test.]
            """).Should().Equal(
            "test.yaml:3:12: unknown key 'emial' (expected one of: email, expire, negativeTtl, primary, refresh, retry, serial, ttl)");
        LoadErrors.Of("""
            logging:
              levle: Debug
            zones:
              - { name: example.test, soa: {}, nameservers: [ns1.example.test.] }
            """).Should().Equal("test.yaml:2:3: unknown key 'levle' (expected one of: format, level, queries)");
    }

    [Theory]
    [InlineData("zones:\n  - name: example.test\n   soa: {}\n", "test.yaml:3:4: YAML syntax: ")]
    [InlineData("zones:\n  - { name: example.test, soa: {}\n", "test.yaml:3:1: YAML syntax: While parsing a flow mapping,")]
    [InlineData("zones:\n  - name: example.test\n    nameservers: [ns1.example.test.\n", "test.yaml:4:1: YAML syntax: While parsing a flow sequence, did not find expected ',' or ']'.")]
    [InlineData("zones:\n  - name: 'example.test\n", "test.yaml:2:11: YAML syntax: While scanning a quoted scalar, found unexpected end of stream.")]
    [InlineData("zones:\n  - name: example.test\n    name: other.test\n", "test.yaml:3:5: YAML syntax: Duplicate key name")]
    [InlineData("zones:\n  - name: a.test\n    nameservers:\n      - ns1.a.test.\n      ns2.a.test.\n", "test.yaml:5:7: YAML syntax: While parsing a block collection, did not find expected '-' indicator.")]
    [InlineData("zones:\n  - name: a.test\n    soa: {}\n  nameservers: [ns1.a.test.]\n", "test.yaml:4:3: YAML syntax: While parsing a block collection, did not find expected '-' indicator.")]
    [InlineData("zones:\n  - name: a.test\n\tsoa: {}\n", "test.yaml:3:1: YAML syntax: While scanning a plain scalar, found a tab character that violate indentation. (the token began at line 2, column 11)")]
    [InlineData("zones:\n  - name: a.test\n    soa: {}\n\tnameservers: []\n", "test.yaml:4:1: YAML syntax: While scanning a mapping, found invalid tab as indentation.")]
    [InlineData("zones:\n  - name: a.test\n    soa:\n    \t email: x\n", "test.yaml:4:5: YAML syntax: While scanning a mapping, found invalid tab as indentation.")]
    [InlineData("zones:\n  - name: \"a\n  .test\"\n", "test.yaml:3:3: YAML syntax: While scanning a multi-line double-quoted scalar, found wrong indentation. (the token began at line 2, column 11)")]
    [InlineData("zones: [\nlisten: []\n", "test.yaml:1:8: YAML syntax: cannot parse from here (is a '[' or '{' left unclosed?)")]
    [InlineData("zones:\n  - name: example.test\n    records: {\n  listen: 1\n", "test.yaml:3:14: YAML syntax: cannot parse from here (is a '[' or '{' left unclosed?)")]
    public void LoadText_YamlSyntaxError_ReportedWithLocation(string yaml, string expectedStart)
    {
        var result = ConfigLoader.LoadText(yaml, "test.yaml");

        result.Succeeded.Should().BeFalse();
        result.Config.Should().BeNull();
        result.Snapshot.Should().BeNull();
        result.Errors.Should().ContainSingle().Which.ToString().Should().StartWith(expectedStart);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("- a\n- b\n")]
    [InlineData("just text\n")]
    public void LoadText_NotAMapping_Reported(string yaml)
    {
        LoadErrors.Of(yaml).Should().Equal("test.yaml:1:1: the config must be a YAML mapping with at least 'zones'");
    }

    [Fact]
    public void LoadText_ZoneWithoutName_Reported()
    {
        LoadErrors.Of("""
            zones:
              - ttl: 300
                soa: {}
              - just a string
              - { name: "a..b" }
            """).Should().Equal(
            "test.yaml:2:5: the zone has no 'name'",
            "test.yaml:4:5: each zone is a mapping with at least 'name'",
            "test.yaml:5:13: zone name 'a..b' is not a valid domain name");
    }

    [Fact]
    public void LoadText_ValueAndValuesBoth_Reported()
    {
        LoadErrors.Of(LoadErrors.Zone + """
                  - name: www
                    type: A
                    value: 192.0.2.1
                    values: [192.0.2.2]
                  - name: ftp
                    type: A
            """).Should().Equal(
            "test.yaml:7:9: a record needs exactly one of 'value' or 'values'",
            "test.yaml:11:9: a record needs exactly one of 'value' or 'values'");
    }

    [Fact]
    public void LoadText_RecordShapeErrors_Reported()
    {
        LoadErrors.Of(LoadErrors.Zone + """
                  - { type: A, value: 192.0.2.1 }
                  - { name: a..b, type: A, value: 192.0.2.1 }
                  - { name: www, type: A, value: "" }
                  - { name: www, type: A, value: [192.0.2.1] }
                  - { name: www, type: A, values: [[192.0.2.1]] }
                  - just a string
            """).Should().Equal(
            "test.yaml:7:9: a record needs 'name' and 'type'",
            "test.yaml:8:17: 'a..b' is not a valid domain name: it has an empty label (two dots in a row?)",
            "test.yaml:9:38: the A value is empty",
            "test.yaml:10:38: a record value is one line of text in zone-file form, e.g. \"10 mail.example.com.\"",
            "test.yaml:11:40: a record value is one line of text in zone-file form, e.g. \"10 mail.example.com.\"",
            "test.yaml:12:9: each record is a mapping with name, type and value (or values)");
    }

    [Fact]
    public void LoadText_BadListenEntries_EachReported()
    {
        LoadErrors.Of("""
            listen:
              - localhost:53
              - 127.0.0.1:99999
              - { address: nowhere, port: 53 }
              - { address: 127.0.0.1, port: 70000 }
              - { address: 127.0.0.1, protocols: [quic] }
              - [127.0.0.1, 53]
              - { address: 127.0.0.1, prot: 53 }
              - { address: 127.0.0.1, protocols: [] }
            zones:
              - { name: example.test, soa: {}, nameservers: [ns1.example.test.] }
            """).Should().Equal(
            "test.yaml:2:5: 'localhost:53' is not an address and port (write 127.0.0.1:53 or [::1]:53)",
            "test.yaml:3:5: '127.0.0.1:99999' is not an address and port (write 127.0.0.1:53 or [::1]:53)",
            "test.yaml:4:5: 'address' must be an IPv4 or IPv6 address, not 'nowhere'",
            "test.yaml:5:33: 'port' must be a whole number from 0 to 65535, not '70000'",
            "test.yaml:6:38: protocols must list udp, tcp or both",
            "test.yaml:7:5: each 'listen' entry is 'address:port' or a mapping with address, port and protocols",
            "test.yaml:8:27: unknown key 'prot' (expected one of: address, port, protocols)",
            "test.yaml:9:38: protocols must list udp, tcp or both");
    }

    [Fact]
    public void LoadText_OutOfRangeServerSettings_EachReported()
    {
        LoadErrors.Of("""
            server:
              udpWorkers: 300
              tcpIdleTimeout: 50ms
              tcpMaxConnections: 0
            logging:
              level: Chatty
              format: xml
              queries: maybe
            zones:
              - { name: example.test, soa: {}, nameservers: [ns1.example.test.] }
            """).Should().Equal(
            "test.yaml:2:15: 'udpWorkers' must be a whole number from 0 to 256, not '300'",
            "test.yaml:3:19: 'tcpIdleTimeout' must be a duration from 100ms to 1h (like 500ms, 10s, 1m), not '50ms'",
            "test.yaml:4:22: 'tcpMaxConnections' must be a whole number from 1 to 1000000, not '0'",
            "test.yaml:6:10: level must be Verbose, Debug, Information, Warning, Error or Fatal, not 'Chatty'",
            "test.yaml:7:11: format must be text or json, not 'xml'",
            "test.yaml:8:12: 'queries' must be true or false, not 'maybe'");
    }

    [Theory]
    [InlineData("udpWorkers: -1", "'udpWorkers' must be a whole number from 0 to 256, not '-1'")]
    [InlineData("udpWorkers: 2.5", "'udpWorkers' must be a whole number from 0 to 256, not '2.5'")]
    [InlineData("tcpIdleTimeout: 2h", "'tcpIdleTimeout' must be a duration from 100ms to 1h (like 500ms, 10s, 1m), not '2h'")]
    [InlineData("tcpIdleTimeout: soon", "'tcpIdleTimeout' must be a duration from 100ms to 1h (like 500ms, 10s, 1m), not 'soon'")]
    [InlineData("tcpIdleTimeout: 99999999999999999999", "'tcpIdleTimeout' must be a duration from 100ms to 1h (like 500ms, 10s, 1m), not '99999999999999999999'")]
    [InlineData("tcpMaxConnections: 1000001", "'tcpMaxConnections' must be a whole number from 1 to 1000000, not '1000001'")]
    [InlineData("tcpMaxConnections: [1]", "'tcpMaxConnections' must be a single value")]
    public void LoadText_ServerSettingOutOfRange_Reported(string setting, string message)
    {
        var errors = LoadErrors.Of($"server:\n  {setting}\nzones:\n  - {{ name: example.test, soa: {{}}, nameservers: [ns1.example.test.] }}\n");

        errors.Should().ContainSingle().Which.Should().StartWith("test.yaml:2:").And.EndWith(": " + message);
    }

    [Fact]
    public void LoadText_WrongShapes_Reported()
    {
        LoadErrors.Of("""
            listen: 127.0.0.1:53
            server: fast
            zones:
              - name: example.test
                soa: primary
                nameservers: [ns1.example.test.]
                records: www
            """).Should().Equal(
            "test.yaml:1:9: 'listen' must be a list",
            "test.yaml:2:9: 'server' must be a mapping of keys to values",
            "test.yaml:5:10: 'soa' must be a mapping of keys to values",
            "test.yaml:7:14: 'records' must be a list");
    }

    [Fact]
    public void LoadText_SeveralErrors_AllReportedInOneRun()
    {
        var result = ConfigLoader.LoadText("""
            listen:
              - nowhere:53
            server:
              udpWorkers: 1000
            zones:
              - name: example.test
                soa: {}
                nameservers: [ns1.example.test.]
                records:
                  - { name: www, type: A, value: 192.0.2.256 }
                  - { name: www, type: AAAA, value: 192.0.2.1 }
                  - { name: www, type: MX, ttl: 1y, value: 10 mail }
                  - { name: www, type: SPF, value: x }
                  - { name: www, type: A, value: 192.0.2.1, comment: web }
              - name: example.net
                soa: {}
                nameservers: [ns1.example.test.]
                records:
                  - { name: "@", type: CAA, value: 0 bad-tag x }
            """, "test.yaml");

        result.Succeeded.Should().BeFalse();
        result.Config.Should().BeNull();
        result.Snapshot.Should().BeNull();
        result.Errors.Select(e => e.ToString()).Should().Equal(
            "test.yaml:2:5: 'nowhere:53' is not an address and port (write 127.0.0.1:53 or [::1]:53)",
            "test.yaml:4:15: 'udpWorkers' must be a whole number from 0 to 256, not '1000'",
            "test.yaml:10:38: '192.0.2.256' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)",
            "test.yaml:11:41: '192.0.2.1' is not an IPv6 address (e.g. 2001:db8::1)",
            "test.yaml:12:37: 'ttl' must be 0-2147483647 seconds or a duration like 5m, not '1y'",
            @"test.yaml:13:28: type SPF is not supported in text form; write it as TYPEnn \# <length> <hex> (RFC 3597)",
            "test.yaml:14:49: unknown key 'comment' (expected one of: name, ttl, type, value, values)",
            "test.yaml:19:42: CAA tag must be 1-15 letters or digits (issue, issuewild, iodef), not 'bad-tag'");
    }

    [Fact]
    public void LoadText_Errors_AreUnderstandable()
    {
        var error = ConfigLoader.LoadText(LoadErrors.Zone + "      - { name: www, type: A, value: 1.2.3 }\n", "/etc/failoverdns/failoverdns.yaml").Errors.Single();

        error.Location.Should().Be(new SourceLocation("/etc/failoverdns/failoverdns.yaml", 7, 38));
        error.Message.Should().Be("'1.2.3' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)");
        error.ToString().Should().Be("/etc/failoverdns/failoverdns.yaml:7:38: '1.2.3' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)");
    }
}
