using FailoverDns.Configuration.Yaml;
using FailoverDns.Protocol;
using FailoverDns.Testing;
using FailoverDns.Zones.Lookup;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FailoverDns.Configuration.Tests;

/// <summary>
/// Record entries are read apart from the rest of the YAML (a million of them must not become one
/// tree); what is loaded must be the same as if the tree were whole, whatever the key order.
/// </summary>
public sealed class ZoneRecordEntriesTests
{
    private const string TwoZones = """
        zones:
          - name: a.test
            records:
              - { name: x, type: A, value: 192.0.2.1 }
              - { name: y, type: A, value: 192.0.2.2 }
            other: { records: [1, 2] }
          - just a scalar
          - name: b.test
            records:
              - { name: z, type: A, value: 192.0.2.3 }
        """;

    [Fact]
    public void HideRecords_TreeKeepsEachZonesRecordsListEmptyAndEverythingElse()
    {
        var stream = new YamlStream();
        stream.Load(ZoneRecordEntries.HideRecords(new Parser(new StringReader(TwoZones))));

        var zones = (YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode)["zones"];
        ((YamlSequenceNode)zones[0]["records"]).Children.Should().BeEmpty();
        ((YamlSequenceNode)zones[0]["other"]["records"]).Children.Should().HaveCount(2);
        ((YamlScalarNode)zones[1]).Value.Should().Be("just a scalar");
        ((YamlSequenceNode)zones[2]["records"]).Children.Should().BeEmpty();
    }

    [Fact]
    public void ReadRecords_EachEntryWithItsZonesIndexAndPosition()
    {
        var entries = ZoneRecordEntries.ReadRecords(() => new StringReader(TwoZones)).ToList();

        entries.Select(e => (e.Zone, e.Entry.Start.Line, e.Entry.Start.Column, ((YamlScalarNode)e.Entry["name"]).Value)).Should().Equal(
            (0, 4L, 9L, "x"),
            (0, 5L, 9L, "y"),
            (2, 10L, 9L, "z"));
    }

    /// <summary>Two zones, the first with its records written before its name and TTL; the second's name on line 8.</summary>
    private const string RecordsFirst = """
        zones:
          - records:
              - { name: www, type: A, value: 192.0.2.1 }
            name: example.test
            ttl: 120
            soa: { email: hostmaster@example.test }
            nameservers: [ns.example.net.]
          - name: example.org
            soa: { email: hostmaster@example.org }
            nameservers: [ns.example.net.]
            records:
              - { name: www, type: A, value: 192.0.2.2 }
        """;

    [Fact]
    public void LoadText_RecordsWrittenBeforeTheZonesNameAndTtl_TakeThem()
    {
        var result = ConfigLoader.LoadText(RecordsFirst, "test.yaml");

        result.ErrorLines.Should().BeEmpty();
        Answer(result.Snapshot!, "www.example.test.").Should().Equal("www.example.test. 120 IN A 192.0.2.1");
        Answer(result.Snapshot!, "www.example.org.").Should().Equal("www.example.org. 3600 IN A 192.0.2.2");
    }

    [Fact]
    public void LoadText_ZoneWithAnInvalidName_ItsEntriesPassedOverAndTheNextZoneGetsItsOwn()
    {
        var badZone = "  - name: \"bad..name\"\n    records:\n      - { name: www, type: A, value: 300.0.0.1 }\n";
        var yaml = RecordsFirst.Replace("  - name: example.org", badZone + "  - name: example.org", StringComparison.Ordinal);

        ConfigLoader.LoadText(yaml, "test.yaml").ErrorLines.Should().Equal("test.yaml:8:11: zone name 'bad..name' is not a valid domain name");
    }

    [Fact]
    public void LoadText_AliasesIntoAndOutOfRecordEntries_Resolved()
    {
        var result = ConfigLoader.LoadText("""
            healthChecks:
              - { name: web, type: http, target: &web 192.0.2.7 }
            zones:
              - name: example.test
                soa: { email: hostmaster@example.test }
                nameservers: [ns1.example.test.]
                records:
                  - { name: www, type: A, value: *web }
                  - { name: ns1, type: A, value: &ns 192.0.2.53 }
                failover:
                  - name: app
                    type: A
                    primary: { value: *ns, healthCheck: web }
                    secondary: { value: 192.0.2.8 }
            """, "test.yaml");

        result.ErrorLines.Should().BeEmpty();
        Answer(result.Snapshot!, "www.example.test.").Should().Equal("www.example.test. 3600 IN A 192.0.2.7");
        Answer(result.Snapshot!, "ns1.example.test.").Should().Equal("ns1.example.test. 3600 IN A 192.0.2.53");
    }

    [Fact]
    public void LoadText_RecordErrorInAnEntry_PlacedInTheFile()
    {
        LoadErrors.Of(LoadErrors.Zone + "      - { name: www, type: A, value: 192.0.2.300 }\n").Should().ContainSingle()
            .Which.Should().StartWith("test.yaml:7:");
    }

    private static string[] Answer(FailoverDns.Zones.ZoneSnapshot snapshot, string name)
    {
        var owner = ZoneText.Name(name);
        var result = ZoneLookup.Find(snapshot, owner, RecordType.A);
        result.Outcome.Should().Be(LookupOutcome.Answer);
        return ZoneText.Format(owner, result.RRset);
    }
}
