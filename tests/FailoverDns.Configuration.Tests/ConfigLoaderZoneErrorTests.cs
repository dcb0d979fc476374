using FailoverDns.Testing;

namespace FailoverDns.Configuration.Tests;

/// <summary>Mistakes in zone data (records, SOA, name servers, TTLs), each reported as <c>file:line:column: message</c>.</summary>
public sealed class ConfigLoaderZoneErrorTests
{
    private const string Supported = "A, AAAA, CNAME, NS, SOA, MX, TXT, SRV, CAA, PTR, DS, or TYPEnn";

    [Fact]
    public void LoadText_ValidHeader_Loads()
    {
        ConfigLoader.LoadText(LoadErrors.Zone, "test.yaml").Errors.Should().BeEmpty("the tests below add one mistake each to this");
    }

    [Fact]
    public void LoadText_UnknownRecordType_ReportedAtType()
    {
        LoadErrors.Of(LoadErrors.Zone + """
                  - name: www
                    type: AAA
                    value: 192.0.2.1
            """).Should().Equal($"test.yaml:8:15: unknown record type 'AAA' (supported: {Supported})");
    }

    [Fact]
    public void LoadText_UnsupportedRecordType_SuggestsGenericForm()
    {
        LoadErrors.Of(LoadErrors.Zone + """
                  - { name: www, type: hinfo, value: '"PC" "Linux"' }
            """).Should().Equal(@"test.yaml:7:28: type HINFO is not supported in text form; write it as TYPEnn \# <length> <hex> (RFC 3597)");
    }

    [Theory]
    [InlineData("192.0.2.256")]
    [InlineData("1.2.3")]
    [InlineData("192.0.2.1.5")]
    [InlineData("010.0.2.1")]
    public void LoadText_BadIpv4_ReportedAtValue(string address)
    {
        LoadErrors.Of(LoadErrors.Zone + $"""
                  - name: www
                    type: A
                    value: {address}
            """).Should().Equal($"test.yaml:9:16: '{address}' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)");
    }

    [Fact]
    public void LoadText_BadIpv6InQuotes_ColumnIsInsideTheQuotes()
    {
        LoadErrors.Of(LoadErrors.Zone + """
                  - name: www
                    type: AAAA
                    value: "2001:db8::g"
                  - { name: www, type: AAAA, value: 2001:db8:::1 }
            """).Should().Equal(
            "test.yaml:9:17: '2001:db8::g' is not an IPv6 address (e.g. 2001:db8::1)",
            "test.yaml:10:41: '2001:db8:::1' is not an IPv6 address (e.g. 2001:db8::1)");
    }

    [Fact]
    public void LoadText_ErrorInLaterWordOfValue_ColumnOfThatWord()
    {
        LoadErrors.Of(LoadErrors.Zone + """
                  - { name: "@", type: MX, value: 10 mail..x }
                  - { name: "@", type: MX, value: "20 mail..y" }
                  - { name: "@", type: SRV, values: ["0 0 http web"] }
            """).Should().Equal(
            "test.yaml:7:42: 'mail..x' is not a valid domain name: it has an empty label (two dots in a row?)",
            "test.yaml:8:43: 'mail..y' is not a valid domain name: it has an empty label (two dots in a row?)",
            "test.yaml:9:47: port must be a number from 0 to 65535, not 'http'");
    }

    [Fact]
    public void LoadText_CnameBesideOtherData_ReportsBoth()
    {
        LoadErrors.Of(LoadErrors.Zone + """
                  - { name: ftp, type: CNAME, value: www }
                  - { name: ftp, type: A, value: 192.0.2.1 }
            """).Should().Equal(
            "test.yaml:7:42: ftp.example.test. has a CNAME and other data (A at test.yaml:8:38); a CNAME must stand alone");
    }

    [Fact]
    public void LoadText_CnameAtApex_Reported()
    {
        LoadErrors.Of(LoadErrors.Zone + """
                  - { name: "@", type: CNAME, value: www.example.net. }
            """).Should().Equal(
            "test.yaml:7:42: example.test. has a CNAME and other data (SOA at test.yaml:3:10); a CNAME must stand alone");
    }

    [Fact]
    public void LoadText_TwoDifferentCnames_Reported()
    {
        LoadErrors.Of(LoadErrors.Zone + """
                  - { name: ftp, type: CNAME, values: [www, web] }
            """).Should().Equal("test.yaml:7:49: ftp.example.test. has more than one CNAME (first at test.yaml:7:44)");
    }

    [Fact]
    public void LoadText_SameCnameTwice_Accepted()
    {
        ConfigLoader.LoadText(LoadErrors.Zone + """
                  - { name: ftp, type: CNAME, values: [www, WWW.example.test.] }
            """, "test.yaml").Errors.Should().BeEmpty("identical records collapse into one (RFC 2181 §5)");
    }

    [Fact]
    public void LoadText_RecordOutsideZone_Reported()
    {
        LoadErrors.Of(LoadErrors.Zone + """
                  - { name: www.other.test., type: A, value: 192.0.2.1 }
            """).Should().Equal("test.yaml:7:50: www.other.test. is outside zone example.test.");
    }

    [Fact]
    public void LoadText_ZoneWithoutSoa_Reported()
    {
        LoadErrors.Of("""
            zones:
              - name: example.test
                nameservers: [ns1.example.test.]
            """).Should().Equal("test.yaml:2:5: zone example.test. has no SOA record (add 'soa:' or an SOA line in its zone file)");
    }

    [Fact]
    public void Load_ZoneFileWithoutSoa_Reported()
    {
        using var dir = new TempDirectory();
        dir.Write("example.test.zone", "@ NS ns1\nns1 A 192.0.2.53\n");
        var config = dir.Write("test.yaml", """
            zones:
              - name: example.test
                file: example.test.zone
            """);

        ConfigLoader.Load(config).Errors.Select(e => e.ToString()).Should().Equal(
            $"{config}:2:5: zone example.test. has no SOA record (add 'soa:' or an SOA line in its zone file)");
    }

    [Fact]
    public void Load_ZoneFileErrors_ReportedInTheZoneFile()
    {
        using var dir = new TempDirectory();
        var zoneFile = dir.Write("zones/example.test.zone", "@ SOA ns1 hostmaster 1 1 1 1 1\n  NS ns1\nwww A 192.0.2.256\n");
        var config = dir.Write("test.yaml", "zones:\n  - name: example.test\n    file: zones/example.test.zone\n");

        ConfigLoader.Load(config).Errors.Select(e => e.ToString()).Should().Equal(
            $"{zoneFile}:3:7: '192.0.2.256' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)");
    }

    [Fact]
    public void Load_MissingZoneFile_ReportedAtFileKey()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("test.yaml", "zones:\n  - name: example.test\n    file: nowhere.zone\n");

        var errors = ConfigLoader.Load(config).Errors;

        errors.Should().ContainSingle();
        errors[0].ToString().Should().StartWith($"{config}:3:11: cannot read zone file '").And.Contain("nowhere.zone");
    }

    [Fact]
    public void LoadText_ZoneWithoutNameservers_ReportsMissingNs()
    {
        LoadErrors.Of("""
            zones:
              - name: example.test
                soa: { primary: ns1.example.test. }
            """).Should().Equal("test.yaml:2:5: zone example.test. has no NS records at its apex (add 'nameservers:')");
    }

    [Fact]
    public void LoadText_InZoneNameserverWithoutAddress_ReportedAtTheEntry()
    {
        // As named-checkzone: otherwise ns2's name answers NXDOMAIN and resolvers cannot use it.
        LoadErrors.Of("""
            zones:
              - name: example.test
                soa: {}
                nameservers:
                  - ns1.example.test.
                  - ns2
                  - ns.example.net.
                records:
                  - { name: ns1, type: AAAA, value: 2001:db8::53 }
                  - { name: ns2, type: TXT, value: no address }
            """).Should().Equal(
            "test.yaml:6:9: name server ns2.example.test. is inside zone example.test. but has no A or AAAA record there; add one, or name a server outside the zone");
    }

    [Fact]
    public void LoadText_ZoneFileNameserverWithoutAddress_ReportedAtTheRecord()
    {
        using var dir = new TempDirectory();
        var zoneFile = dir.Write("example.test.zone", "@ SOA ns1 hostmaster 1 1 1 1 1\n  NS ns1\n  NS ns2\nns1 A 192.0.2.53\n");
        var config = dir.Write("failoverdns.yaml", "zones:\n  - { name: example.test, file: example.test.zone }\n");

        ConfigLoader.Load(config).Errors.Select(e => e.ToString()).Should().Equal(
            $"{zoneFile}:3:1: name server ns2.example.test. is inside zone example.test. but has no A or AAAA record there; add one, or name a server outside the zone");
    }

    [Fact]
    public void LoadText_SoaWithoutPrimaryOrNameservers_Reported()
    {
        LoadErrors.Of("""
            zones:
              - name: example.test
                soa: { email: hostmaster@example.test }
            """).Should().Equal("test.yaml:3:10: the SOA needs 'primary' (the primary name server) or the zone needs 'nameservers'");
    }

    [Fact]
    public void LoadText_BadSoaField_ReportedAtThatField()
    {
        LoadErrors.Of("""
            zones:
              - name: example.test
                soa:
                  email: hostmaster@example.test
                  serial: abc
                  retry: 15 minutes
                nameservers: [ns1.example.test.]
            """).Should().Equal(
            "test.yaml:5:15: serial must be a number from 0 to 4294967295, not 'abc'");
        LoadErrors.Of("""
            zones:
              - name: example.test
                soa: { primary: "ns1..example.test.", negativeTtl: 2147483648 }
                nameservers: [ns1.example.test.]
            """).Should().Equal(
            "test.yaml:3:22: 'ns1..example.test.' is not a valid domain name: it has an empty label (two dots in a row?)");
        LoadErrors.Of("""
            zones:
              - name: example.test
                soa: { negativeTtl: 2147483648 }
                nameservers: [ns1.example.test.]
            """).Should().Equal(
            "test.yaml:3:25: minimum must be seconds (or a duration like 1h), not '2147483648'");
    }

    [Fact]
    public void LoadText_BadNameserver_ReportedAtIt()
    {
        LoadErrors.Of("""
            zones:
              - name: example.test
                soa: {}
                nameservers: [ns1.example.test., "ns2..x", { a: b }]
            """).Should().Equal(
            "test.yaml:4:39: 'ns2..x' is not a valid domain name: it has an empty label (two dots in a row?)",
            "test.yaml:4:48: each nameserver is a host name");
    }

    [Fact]
    public void LoadText_DuplicateZone_ReportsBoth()
    {
        LoadErrors.Of("""
            zones:
              - { name: example.test, soa: {}, nameservers: [ns1.example.net.] }
              - { name: EXAMPLE.test., soa: {}, nameservers: [ns1.example.net.] }
            """).Should().Equal("test.yaml:3:5: zone example.test. is defined twice (first at test.yaml:2:5)");
    }

    [Theory]
    [InlineData("2147483648")]
    [InlineData("4294967296")]
    [InlineData("5x")]
    [InlineData("5 minutes")]
    [InlineData("-1")]
    [InlineData("1.5h")]
    public void LoadText_BadRecordTtl_ReportedAtTtl(string ttl)
    {
        LoadErrors.Of(LoadErrors.Zone + $"""
                  - name: www
                    type: A
                    ttl: {ttl}
                    value: 192.0.2.1
            """).Should().Equal($"test.yaml:9:14: 'ttl' must be 0-2147483647 seconds or a duration like 5m, not '{ttl}'");
    }

    [Fact]
    public void LoadText_BadZoneTtl_ReportedAtTtl()
    {
        LoadErrors.Of("""
            zones:
              - name: example.test
                ttl: 1 hour
                soa: {}
                nameservers: [ns1.example.test.]
            """).Should().Equal("test.yaml:3:10: 'ttl' must be 0-2147483647 seconds or a duration like 5m, not '1 hour'");
    }

    [Fact]
    public void LoadText_TxtStringOver255Bytes_Reported()
    {
        var tooLong = new string('a', 256);
        LoadErrors.Of(LoadErrors.Zone + $$"""
                  - name: txt
                    type: TXT
                    value: '"ok" "{{tooLong}}"'
                  - { name: txt, type: TXT, value: '"{{new string('b', 255)}}"' }
            """).Should().Equal(
            "test.yaml:9:22: a TXT string is at most 255 bytes, this one has 256: split it into several quoted strings");
    }
}
