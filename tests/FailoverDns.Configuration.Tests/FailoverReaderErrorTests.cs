namespace FailoverDns.Configuration.Tests;

/// <summary>
/// Mistakes in a zone's <c>failover</c> list and in its references to health checks, each reported
/// as <c>file:line:column: message</c>. Sets are appended to <see cref="LoadErrors.FailoverZone"/>,
/// so the first one starts on line 11.
/// </summary>
public sealed class FailoverReaderErrorTests
{
    [Fact]
    public void LoadText_UnknownCheckReferencedFromPrimary_ReportedAtTheName()
    {
        LoadErrors.Of(LoadErrors.FailoverZone + """
                  - name: www
                    type: A
                    primary: { value: 192.0.2.1, healthCheck: wbe }
                    secondary: { value: 192.0.2.2 }
            """).Should().Equal("test.yaml:13:51: the primary of www.example.test. A names health check 'wbe', which is not defined under healthChecks");
    }

    [Fact]
    public void LoadText_UnknownCheckReferencedFromTiers_EachReportedAtTheName()
    {
        LoadErrors.Of(LoadErrors.FailoverZone + """
                  - name: www
                    type: A
                    tiers:
                      - { value: 192.0.2.1, healthCheck: web }
                      - value: 192.0.2.2
                        healthCheck: Backup
                      - { value: 192.0.2.3, healthCheck: nope }
                  - name: api
                    type: A
                    primary: { value: 192.0.2.1, healthCheck: web }
                    secondary: { value: 192.0.2.2, healthCheck: nope }
            """).Should().Equal(
            "test.yaml:16:26: tier 2 of www.example.test. A names health check 'Backup', which is not defined under healthChecks",
            "test.yaml:17:46: tier 3 of www.example.test. A names health check 'nope', which is not defined under healthChecks",
            "test.yaml:21:53: the secondary of api.example.test. A names health check 'nope', which is not defined under healthChecks");
    }

    [Fact]
    public void LoadText_UnsettledTtlAboveTtl_ReportedAtTheKey()
    {
        LoadErrors.Of(LoadErrors.FailoverZone + """
                  - name: www
                    type: A
                    ttl: 30
                    unsettledTtl: 1m
                    primary: { value: 192.0.2.1, healthCheck: web }
                    secondary: { value: 192.0.2.2 }
                  - name: api
                    type: A
                    unsettledTtl: soon
                    primary: { value: 192.0.2.1, healthCheck: web }
                    secondary: { value: 192.0.2.2 }
            """).Should().Equal(
            "test.yaml:14:23: unsettledTtl (60) must not exceed the set's ttl (30); set it equal to the ttl to keep the TTL fixed",
            "test.yaml:19:23: 'unsettledTtl' must be 0-2147483647 seconds or a duration like 5m, not 'soon'");
    }

    [Fact]
    public void LoadText_PrimaryWithoutCheck_ReportedAtThePrimary()
    {
        LoadErrors.Of(LoadErrors.FailoverZone + """
                  - name: www
                    type: A
                    primary: { value: 192.0.2.1 }
                    secondary: { value: 192.0.2.2, healthCheck: backup }
            """).Should().Equal("test.yaml:13:18: the primary of www.example.test. A has no healthCheck, so it could never be failed away from");
    }

    [Fact]
    public void LoadText_MiddleTierWithoutCheck_ReportedAtThatTier()
    {
        LoadErrors.Of(LoadErrors.FailoverZone + """
                  - name: www
                    type: A
                    tiers:
                      - { value: 192.0.2.1, healthCheck: web }
                      - { value: 192.0.2.2 }
                      - value: 192.0.2.3
                  - name: api
                    type: A
                    tiers:
                      - { value: 192.0.2.1 }
                      - { value: 192.0.2.2 }
            """).Should().Equal(
            "test.yaml:15:13: tier 2 of www.example.test. A has no healthCheck, so it could never be failed away from",
            "test.yaml:20:13: the primary of api.example.test. A has no healthCheck, so it could never be failed away from");
    }

    [Fact]
    public void LoadText_CheckWithErrorsReferenced_OnlyTheCheckItselfReported()
    {
        LoadErrors.Of(LoadErrors.FailoverZone.Replace("zones:", "  - { name: broken, type: http, target: 192.0.2.3, path: x }\nzones:", StringComparison.Ordinal) + """
                  - name: www
                    type: A
                    primary: { value: 192.0.2.1, healthCheck: broken }
                    secondary: { value: 192.0.2.2 }
            """).Should().Equal("test.yaml:4:58: 'path' must start with '/', not 'x'");
    }

    [Fact]
    public void LoadText_NameAlsoHasPlainRecordOfTheSameType_Reported()
    {
        LoadErrors.Of(LoadErrors.FailoverZone.Replace("    failover:", "      - { name: www, type: A, value: 192.0.2.9 }\n      - { name: www, type: TXT, value: fine }\n    failover:", StringComparison.Ordinal) + """
                  - name: www
                    type: A
                    primary: { value: 192.0.2.1, healthCheck: web }
                    secondary: { value: 192.0.2.2 }
            """).Should().Equal("test.yaml:13:9: www.example.test. A is both a failover set and a plain record (at test.yaml:10:38); keep one");
    }

    [Fact]
    public void LoadText_TwoSetsWithTheSameNameAndType_Reported()
    {
        LoadErrors.Of(LoadErrors.FailoverZone + """
                  - name: www
                    type: A
                    primary: { value: 192.0.2.1, healthCheck: web }
                    secondary: { value: 192.0.2.2 }
                  - name: www
                    type: AAAA
                    primary: { value: "2001:db8::1", healthCheck: web }
                    secondary: { value: "2001:db8::2" }
                  - name: WWW.example.test.
                    type: a
                    primary: { value: 192.0.2.3, healthCheck: web }
                    secondary: { value: 192.0.2.4 }
            """).Should().Equal("test.yaml:19:9: failover set WWW.example.test. A is defined twice (first at test.yaml:11:9)");
    }

    [Fact]
    public void LoadText_CnameSetBesideAnotherSet_Reported()
    {
        LoadErrors.Of(LoadErrors.FailoverZone + """
                  - name: www
                    type: CNAME
                    primary: { value: a.example.net., healthCheck: web }
                    secondary: { value: b.example.net. }
                  - name: www
                    type: AAAA
                    primary: { value: "2001:db8::1", healthCheck: web }
                    secondary: { value: "2001:db8::2" }
            """).Should().Equal("test.yaml:15:9: www.example.test. would have a CNAME and other data (see test.yaml:11:9); a CNAME must stand alone");
    }

    [Fact]
    public void LoadText_SetBesideCnameSet_ReportedWhicheverComesFirst()
    {
        LoadErrors.Of(LoadErrors.FailoverZone + """
                  - name: www
                    type: AAAA
                    primary: { value: "2001:db8::1", healthCheck: web }
                    secondary: { value: "2001:db8::2" }
                  - name: www
                    type: CNAME
                    primary: { value: a.example.net., healthCheck: web }
                    secondary: { value: b.example.net. }
            """).Should().Equal("test.yaml:15:9: www.example.test. would have a CNAME and other data (see test.yaml:11:9); a CNAME must stand alone");
    }

    [Fact]
    public void LoadText_CnameSetBesidePlainRecords_Reported()
    {
        LoadErrors.Of(LoadErrors.FailoverZone + """
                  - name: ns1
                    type: CNAME
                    primary: { value: a.example.net., healthCheck: web }
                    secondary: { value: b.example.net. }
            """).Should().Equal("test.yaml:11:9: ns1.example.test. would have a CNAME and other data (see test.yaml:9:38); a CNAME must stand alone");
    }

    [Fact]
    public void LoadText_SetBesidePlainCname_Reported()
    {
        LoadErrors.Of(LoadErrors.FailoverZone.Replace("    failover:", "      - { name: ftp, type: CNAME, value: www }\n    failover:", StringComparison.Ordinal) + """
                  - name: ftp
                    type: A
                    primary: { value: 192.0.2.1, healthCheck: web }
                    secondary: { value: 192.0.2.2 }
            """).Should().Equal("test.yaml:12:9: ftp.example.test. would have a CNAME and other data (see test.yaml:10:42); a CNAME must stand alone");
    }

    [Theory]
    [InlineData("NS", "ns1", "ns2")]
    [InlineData("SOA", "ns1 hostmaster 1 2 3 4 5", "ns1 hostmaster 2 2 3 4 5")]
    public void LoadText_SoaOrNsSet_Reported(string type, string primary, string secondary)
    {
        LoadErrors.Of(LoadErrors.FailoverZone + $$"""
                  - name: "@"
                    type: {{type}}
                    primary: { value: {{primary}}, healthCheck: web }
                    secondary: { value: {{secondary}} }
            """).Should().Equal($"test.yaml:11:9: failover sets cannot be of type {type}");
    }

    [Fact]
    public void LoadText_SetOutsideTheZone_Reported()
    {
        LoadErrors.Of(LoadErrors.FailoverZone + """
                  - name: www.example.net.
                    type: A
                    primary: { value: 192.0.2.1, healthCheck: web }
                    secondary: { value: 192.0.2.2 }
            """).Should().Equal("test.yaml:11:9: failover set www.example.net. A is outside zone example.test.");
    }

    [Fact]
    public void LoadText_OnlyOneTier_Reported()
    {
        LoadErrors.Of(LoadErrors.FailoverZone + """
                  - name: www
                    type: A
                    primary: { value: 192.0.2.1, healthCheck: web }
                  - name: api
                    type: A
                    tiers:
                      - { value: 192.0.2.1, healthCheck: web }
                  - name: ftp
                    type: A
                    tiers: []
            """).Should().Equal(
            "test.yaml:11:9: a failover set needs at least two tiers (primary and secondary) to fail over between",
            "test.yaml:14:9: a failover set needs at least two tiers (primary and secondary) to fail over between",
            "test.yaml:18:9: a failover set needs at least two tiers (primary and secondary) to fail over between");
    }

    [Fact]
    public void LoadText_NeitherPrimaryNorTiers_Reported()
    {
        LoadErrors.Of(LoadErrors.FailoverZone + """
                  - name: www
                    type: A
                    secondary: { value: 192.0.2.2 }
            """).Should().Equal("test.yaml:11:9: a failover set needs 'primary' (and usually 'secondary'), or 'tiers'");
    }

    [Fact]
    public void LoadText_BothTiersAndPrimary_ReportedAtTiers()
    {
        LoadErrors.Of(LoadErrors.FailoverZone + """
                  - name: www
                    type: A
                    primary: { value: 192.0.2.1, healthCheck: web }
                    tiers:
                      - { value: 192.0.2.1, healthCheck: web }
                      - { value: 192.0.2.2 }
            """).Should().Equal("test.yaml:15:11: write either primary/secondary or tiers, not both");
    }

    [Theory]
    [InlineData("fail")]
    [InlineData("Primary")]
    [InlineData("secondary")]
    [InlineData("lastTier")]
    [InlineData("")]
    public void LoadText_BadWhenAllUnhealthy_ReportedAtValue(string policy)
    {
        LoadErrors.Of(LoadErrors.FailoverZone + $$"""
                  - name: www
                    type: A
                    whenAllUnhealthy: "{{policy}}"
                    primary: { value: 192.0.2.1, healthCheck: web }
                    secondary: { value: 192.0.2.2 }
            """).Should().Equal($"test.yaml:13:27: whenAllUnhealthy must be primary, last, nodata or servfail, not '{policy}'");
    }

    [Fact]
    public void LoadText_TierValueNotOfTheSetsType_ReportedAtValue()
    {
        LoadErrors.Of(LoadErrors.FailoverZone + """
                  - name: www
                    type: A
                    primary: { value: not-an-ip, healthCheck: web }
                    secondary:
                      value: "2001:db8::2"
                  - name: v6
                    type: AAAA
                    tiers:
                      - { value: "2001:db8::1", healthCheck: web }
                      - { values: ["2001:db8::2", 192.0.2.2] }
            """).Should().Equal(
            "test.yaml:13:27: 'not-an-ip' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)",
            "test.yaml:15:19: '2001:db8::2' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)",
            "test.yaml:20:39: '192.0.2.2' is not an IPv6 address (e.g. 2001:db8::1)");
    }

    [Fact]
    public void LoadText_TierWithoutValue_Reported()
    {
        LoadErrors.Of(LoadErrors.FailoverZone + """
                  - name: www
                    type: A
                    primary: { healthCheck: web }
                    secondary: { value: 192.0.2.2, values: [192.0.2.3] }
            """).Should().Equal(
            "test.yaml:13:18: a tier needs exactly one of 'value' or 'values'",
            "test.yaml:14:20: a tier needs exactly one of 'value' or 'values'");
    }

    [Fact]
    public void LoadText_MissingNameOrType_Reported()
    {
        LoadErrors.Of(LoadErrors.FailoverZone + """
                  - type: A
                    primary: { value: 192.0.2.1, healthCheck: web }
                    secondary: { value: 192.0.2.2 }
                  - name: www
                    primary: { value: 192.0.2.1, healthCheck: web }
                    secondary: { value: 192.0.2.2 }
            """).Should().Equal(
            "test.yaml:11:9: a failover set needs 'name' and 'type'",
            "test.yaml:14:9: a failover set needs 'name' and 'type'");
    }

    [Fact]
    public void LoadText_UnknownRecordType_ReportedAtType()
    {
        LoadErrors.Of(LoadErrors.FailoverZone + """
                  - name: www
                    type: AA
                    primary: { value: 192.0.2.1, healthCheck: web }
                    secondary: { value: 192.0.2.2 }
            """).Should().Equal("test.yaml:12:15: unknown record type 'AA' (supported: A, AAAA, CNAME, NS, SOA, MX, TXT, SRV, CAA, PTR, DS, or TYPEnn)");
    }

    [Fact]
    public void LoadText_BadOwnerOrTtl_ReportedAtValue()
    {
        LoadErrors.Of(LoadErrors.FailoverZone + """
                  - name: "www..x"
                    type: A
                    ttl: forever
                    primary: { value: 192.0.2.1, healthCheck: web }
                    secondary: { value: 192.0.2.2 }
            """).Should().Equal(
            "test.yaml:11:15: 'www..x' is not a valid domain name: it has an empty label (two dots in a row?)",
            "test.yaml:13:14: 'ttl' must be 0-2147483647 seconds or a duration like 5m, not 'forever'");
    }

    [Fact]
    public void LoadText_UnknownKeys_ReportedWithTheKnownOnes()
    {
        LoadErrors.Of(LoadErrors.FailoverZone + """
                  - name: www
                    type: A
                    primary: { value: 192.0.2.1, healthCheck: web, weight: 10 }
                    secondary: { value: 192.0.2.2 }
                    policy: last
            """).Should().Equal(
            "test.yaml:13:56: unknown key 'weight' (expected one of: healthCheck, value, values)",
            "test.yaml:15:9: unknown key 'policy' (expected one of: name, primary, secondary, tiers, ttl, type, unsettledTtl, whenAllUnhealthy)");
    }

    [Fact]
    public void LoadText_SetOrTierNotAMapping_Reported()
    {
        LoadErrors.Of(LoadErrors.FailoverZone + """
                  - www
                  - name: api
                    type: A
                    tiers:
                      - { value: 192.0.2.1, healthCheck: web }
                      - 192.0.2.2
                      - { value: 192.0.2.3 }
            """).Should().Equal(
            "test.yaml:11:9: each failover set is a mapping with name, type and primary/secondary (or tiers)",
            "test.yaml:16:13: each tier is a mapping with value (or values) and healthCheck");
    }
}
