using FailoverDns.Protocol;

namespace FailoverDns.Configuration.Tests;

/// <summary>Where failover sets and their checks may stand, and what they link to.</summary>
public sealed class FailoverPlacementTests
{
    [Fact]
    public void LoadText_FailoverSetBelowDelegation_IsRejected()
    {
        var yaml = LoadErrors.FailoverZone.Replace(
            "      - { name: ns1, type: A, value: 192.0.2.53 }",
            "      - { name: ns1, type: A, value: 192.0.2.53 }\n      - { name: sub, type: NS, value: ns.other.test. }",
            StringComparison.Ordinal) + """
                  - { name: www.sub, type: A, primary: { value: 10.0.0.1, healthCheck: web }, secondary: { value: 10.0.1.1 } }
            """;

        LoadErrors.Of(yaml).Should().Equal(
            "test.yaml:12:9: failover set www.sub.example.test. A lies at or below a delegation, where the child zone answers; it would never be served");
    }

    [Theory]
    [InlineData("www.example.com")]
    [InlineData("www.example.com:8080")]
    [InlineData("192.0.2.1:80")]
    [InlineData("[2001:db8::1]:8443")]
    public void LoadText_ValidHostHeader_IsAccepted(string host)
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks($"  - {{ name: web, type: http, target: 192.0.2.1, host: '{host}' }}")).Should().BeEmpty();
    }

    [Theory]
    [InlineData("bad host/")]
    [InlineData("www.example.com:http")]
    [InlineData("www.example.com:0")]
    [InlineData("2001:db8::1")]
    public void LoadText_InvalidHostHeader_IsRejectedAtItsValue(string host)
    {
        LoadErrors.Of(LoadErrors.WithHealthChecks($"  - {{ name: web, type: http, target: 192.0.2.1, host: '{host}' }}")).Should().Equal(
            $"test.yaml:2:55: 'host' must be a host name or address, optionally with :port (e.g. www.example.com or www.example.com:8080), not '{host}'");
    }

    [Fact]
    public void Build_MxTargetedFailoverTier_LinksAdditionalAddresses()
    {
        var yaml = LoadErrors.FailoverZone.Replace(
            "      - { name: ns1, type: A, value: 192.0.2.53 }",
            "      - { name: ns1, type: A, value: 192.0.2.53 }\n      - { name: mail, type: A, value: 192.0.2.25 }",
            StringComparison.Ordinal) + """
                  - { name: "@", type: MX, primary: { value: "10 mail", healthCheck: web }, secondary: { value: "20 mail" } }
            """;

        var snapshot = ConfigLoader.LoadText(yaml, "test.yaml").Snapshot!;

        var set = snapshot.FailoverSets.Single();
        set.Type.Should().Be(RecordType.MX);
        set.Tiers.Should().OnlyContain(t => t.Additional.Length == 1 && t.Additional[0].A != null);
    }
}
