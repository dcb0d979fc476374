using FailoverDns.Configuration.Yaml;
using FailoverDns.Protocol;
using FailoverDns.Zones.Failover;
using FailoverDns.Zones.Text;

namespace FailoverDns.Configuration.Tests;

/// <summary>
/// A zone's <c>failover</c> list as read: both forms (primary/secondary and tiers), the defaults and
/// every key. Sets are appended to <see cref="LoadErrors.FailoverZone"/>, so the first one starts on
/// line 11. Mistakes: <see cref="FailoverReaderErrorTests"/>.
/// </summary>
public sealed class FailoverReaderTests
{
    [Fact]
    public void LoadText_FailoverZoneAlone_Loads()
    {
        ConfigLoader.LoadText(LoadErrors.FailoverZone, "test.yaml").Errors.Should().BeEmpty("the tests below add to this");
    }

    [Fact]
    public void LoadText_PrimaryAndSecondary_ReadAsTwoTiersWithDefaults()
    {
        var set = Sets("""
                  - name: www
                    type: A
                    primary: { value: 192.0.2.1, healthCheck: web }
                    secondary: { value: 192.0.2.2 }
            """).Single();

        DnsName.ToText(set.Name).Should().Be("www.example.test.");
        set.Type.Should().Be(RecordType.A);
        set.Ttl.Should().Be(60, "failover answers are cached briefly so that a switch reaches clients quickly");
        set.Ttl.Should().Be(FailoverReader.DefaultTtl);
        set.WhenAllUnhealthy.Should().Be(AllUnhealthyPolicy.Primary, "Route 53 fails open to the primary");
        set.Location.Should().Be(new SourceLocation("test.yaml", 11, 9));
        set.ToString().Should().Be("www.example.test. A");
        Values(set).Should().Equal("192.0.2.1", "192.0.2.2");
        set.Tiers.Select(t => t.HealthCheck).Should().Equal("web", null);
        set.Tiers.Select(t => t.Location).Should().Equal(new SourceLocation("test.yaml", 13, 18), new SourceLocation("test.yaml", 14, 20));
        set.Tiers.Select(t => t.HealthCheckLocation).Should().Equal(new SourceLocation("test.yaml", 13, 51), null);
    }

    [Fact]
    public void LoadText_SecondaryWithCheckAndSeveralValues_Read()
    {
        var set = Sets("""
                  - name: www
                    type: A
                    primary:
                      values: [192.0.2.1, 192.0.2.11]
                      healthCheck: web
                    secondary:
                      values:
                        - 192.0.2.2
                        - 192.0.2.12
                      healthCheck: backup
            """).Single();

        Values(set).Should().Equal("192.0.2.1 192.0.2.11", "192.0.2.2 192.0.2.12");
        set.Tiers.Select(t => t.HealthCheck).Should().Equal("web", "backup");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void LoadText_Tiers_ReadInOrder(int count)
    {
        var tiers = string.Join("\n", Enumerable.Range(1, count).Select(i =>
            i < count ? $"          - {{ value: 192.0.2.{i}, healthCheck: {(i % 2 == 1 ? "web" : "backup")} }}" : $"          - {{ value: 192.0.2.{i} }}"));

        var set = Sets($"""
                  - name: www
                    type: A
                    whenAllUnhealthy: last
                    tiers:
            {tiers}
            """).Single();

        Values(set).Should().Equal(Enumerable.Range(1, count).Select(i => $"192.0.2.{i}"));
        set.Tiers.Select(t => t.HealthCheck).Should().Equal(Enumerable.Range(1, count).Select(i => i == count ? null : i % 2 == 1 ? "web" : "backup"));
        set.Tiers.Select(t => t.Location.Line).Should().Equal(Enumerable.Range(15, count));
        set.WhenAllUnhealthy.Should().Be(AllUnhealthyPolicy.LastTier);
    }

    [Fact]
    public void LoadText_LastTierWithCheck_Accepted()
    {
        var set = Sets("""
                  - name: www
                    type: A
                    tiers:
                      - { value: 192.0.2.1, healthCheck: web }
                      - { value: 192.0.2.2, healthCheck: backup }
                      - { value: 192.0.2.3, healthCheck: backup }
            """).Single();

        set.Tiers.Select(t => t.HealthCheck).Should().Equal("web", "backup", "backup");
    }

    [Theory]
    [InlineData("primary", AllUnhealthyPolicy.Primary)]
    [InlineData("last", AllUnhealthyPolicy.LastTier)]
    [InlineData("nodata", AllUnhealthyPolicy.NoData)]
    [InlineData("servfail", AllUnhealthyPolicy.ServFail)]
    public void LoadText_WhenAllUnhealthy_Read(string text, AllUnhealthyPolicy policy)
    {
        var set = Sets($$"""
                  - name: www
                    type: A
                    whenAllUnhealthy: {{text}}
                    primary: { value: 192.0.2.1, healthCheck: web }
                    secondary: { value: 192.0.2.2 }
            """).Single();

        set.WhenAllUnhealthy.Should().Be(policy);
    }

    [Theory]
    [InlineData("0", 0u)]
    [InlineData("30", 30u)]
    [InlineData("5m", 300u)]
    [InlineData("1h", 3600u)]
    public void LoadText_Ttl_Read(string text, uint ttl)
    {
        var set = Sets($$"""
                  - name: www
                    type: A
                    ttl: {{text}}
                    primary: { value: 192.0.2.1, healthCheck: web }
                    secondary: { value: 192.0.2.2 }
            """).Single();

        set.Ttl.Should().Be(ttl);
    }

    [Fact]
    public void LoadText_ZoneTtl_NotUsedForFailoverSets()
    {
        var result = ConfigLoader.LoadText(LoadErrors.FailoverZone.Replace("  - name: example.test\n", "  - name: example.test\n    ttl: 1d\n", StringComparison.Ordinal) + """
                  - name: www
                    type: A
                    primary: { value: 192.0.2.1, healthCheck: web }
                    secondary: { value: 192.0.2.2 }
            """, "test.yaml");

        result.Errors.Should().BeEmpty();
        result.Config!.Zones[0].Failover.Single().Ttl.Should().Be(60);
    }

    [Fact]
    public void LoadText_OwnerForms_CompletedWithZoneName()
    {
        var sets = Sets("""
                  - { name: "@", type: A, primary: { value: 192.0.2.1, healthCheck: web }, secondary: { value: 192.0.2.2 } }
                  - { name: api.example.test., type: A, primary: { value: 192.0.2.1, healthCheck: web }, secondary: { value: 192.0.2.2 } }
                  - { name: deep.er, type: A, primary: { value: 192.0.2.1, healthCheck: web }, secondary: { value: 192.0.2.2 } }
                  - { name: "*.w", type: A, primary: { value: 192.0.2.1, healthCheck: web }, secondary: { value: 192.0.2.2 } }
            """);

        sets.Select(s => DnsName.ToText(s.Name)).Should().Equal("example.test.", "api.example.test.", "deep.er.example.test.", "*.w.example.test.");
    }

    [Fact]
    public void LoadText_OtherTypes_ValuesParsedAsThatType()
    {
        var sets = Sets("""
                  - name: www
                    type: aaaa
                    primary: { value: "2001:db8::1", healthCheck: web }
                    secondary: { value: "2001:db8::2" }
                  - name: api
                    type: CNAME
                    primary: { value: api.east.example.net., healthCheck: web }
                    secondary: { value: api-west }
                  - name: "@"
                    type: MX
                    primary: { value: 10 mail, healthCheck: web }
                    secondary: { values: ["10 mail2", "20 mail3.example.net."] }
                  - name: www
                    type: TXT
                    primary: { value: '"primary is up"', healthCheck: web }
                    secondary: { value: '"on the secondary"' }
            """);

        sets.Select(s => s.Type).Should().Equal(RecordType.AAAA, RecordType.CNAME, RecordType.MX, RecordType.TXT);
        Values(sets[0]).Should().Equal("2001:db8::1", "2001:db8::2");
        Values(sets[1]).Should().Equal("api.east.example.net.", "api-west.example.test.");
        Values(sets[2]).Should().Equal("10 mail.example.test.", "10 mail2.example.test. 20 mail3.example.net.");
        Values(sets[3]).Should().Equal("\"primary is up\"", "\"on the secondary\"");
    }

    [Fact]
    public void LoadText_NoUnsettledTtl_FiveSecondsOrTheTtlWhenLower()
    {
        var sets = Sets("""
                  - name: www
                    type: A
                    primary: { value: 192.0.2.1, healthCheck: web }
                    secondary: { value: 192.0.2.2 }
                  - name: api
                    type: A
                    ttl: 3
                    primary: { value: 192.0.2.1, healthCheck: web }
                    secondary: { value: 192.0.2.2 }
            """);

        sets.Select(s => s.UnsettledTtl).Should().Equal([5u, 3u], "the default never raises a TTL");
    }

    [Fact]
    public void LoadText_UnsettledTtl_Read()
    {
        var sets = Sets("""
                  - name: www
                    type: A
                    ttl: 5m
                    unsettledTtl: 10s
                    primary: { value: 192.0.2.1, healthCheck: web }
                    secondary: { value: 192.0.2.2 }
                  - name: api
                    type: A
                    unsettledTtl: 0
                    primary: { value: 192.0.2.1, healthCheck: web }
                    secondary: { value: 192.0.2.2 }
                  - name: mail
                    type: A
                    ttl: 30
                    unsettledTtl: 30
                    primary: { value: 192.0.2.1, healthCheck: web }
                    secondary: { value: 192.0.2.2 }
            """);

        sets.Select(s => (s.Ttl, s.UnsettledTtl)).Should().Equal((300u, 10u), (60u, 0u), (30u, 30u));
    }

    /// <summary>Loads the failover zone with <paramref name="sets"/> appended, failing on any error.</summary>
    private static IReadOnlyList<FailoverSetDefinition> Sets(string sets)
    {
        var result = ConfigLoader.LoadText(LoadErrors.FailoverZone + sets, "test.yaml");

        result.Errors.Select(e => e.ToString()).Should().BeEmpty();
        result.Snapshot.Should().NotBeNull();
        return result.Config!.Zones.Single().Failover;
    }

    /// <summary>Each tier's values in presentation format, separated by spaces.</summary>
    private static IEnumerable<string> Values(FailoverSetDefinition set) =>
        set.Tiers.Select(t => string.Join(" ", t.Data.Select(d => RDataFormatter.ToText(set.Type, d))));
}
