using System.Buffers.Binary;
using FailoverDns.Protocol;
using FailoverDns.Testing;
using FailoverDns.Zones.Model;
using FailoverDns.Zones.Text;

namespace FailoverDns.Zones.Tests;

public sealed class ZoneSnapshotBuilderTests
{
    private const string Apex = "@ 3600 SOA ns1 hostmaster 7 3600 900 1209600 300\n@ NS ns1\nns1 A 192.0.2.53\n";

    [Fact]
    public void Build_Records_GroupedIntoRRsetsOrderedByType()
    {
        var snapshot = ZoneText.Build(("example.test.", Apex + "www TXT x\nwww AAAA 2001:db8::1\nwww A 192.0.2.2\nwww A 192.0.2.1\n"));

        var node = Node(snapshot, "www.example.test.");
        node.RRsets.Select(r => r.Type).Should().Equal(RecordType.A, RecordType.TXT, RecordType.AAAA);
        ZoneText.Format(node.Name, node.Find(RecordType.A)).Should().Equal(
            "www.example.test. 3600 IN A 192.0.2.2",
            "www.example.test. 3600 IN A 192.0.2.1");
        node.Find(RecordType.MX).Should().BeNull();
        node.Cname.Should().BeNull();
        node.Zone.Should().BeSameAs(snapshot.Zones[0]);
    }

    [Fact]
    public void Build_DuplicateRecords_CollapseAndRRsetTakesLowestTtl()
    {
        var snapshot = ZoneText.Build(("example.test.", Apex + "www 300 A 192.0.2.1\nWWW 60 A 192.0.2.1\nwww 120 A 192.0.2.2\n"));

        var rrset = Node(snapshot, "www.example.test.").Find(RecordType.A)!;
        rrset.Ttl.Should().Be(60, "an RRset has one TTL (RFC 2181 §5.2)");
        rrset.Count.Should().Be(2, "identical records are one (RFC 2181 §5)");
        snapshot.Zones[0].RecordCount.Should().Be(5); // SOA, NS, ns1 A, and two www A
    }

    [Fact]
    public void Build_RRset_PreEncodedWithOwnerPointingAtTheQuestion()
    {
        var snapshot = ZoneText.Build(("example.test.", Apex + "www 300 A 192.0.2.1\nwww 300 A 192.0.2.2\n"));

        var rrset = Node(snapshot, "www.example.test.").Find(RecordType.A)!;
        rrset.RecordOffsets.Should().Equal(0, 16);
        rrset.Wire.Should().Equal([
            0xC0, 0x0C,             // owner: pointer to the question name at offset 12
            0x00, 0x01,             // TYPE A
            0x00, 0x01,             // CLASS IN
            0x00, 0x00, 0x01, 0x2C, // TTL 300
            0x00, 0x04,             // RDLENGTH
            192, 0, 2, 1,           // RDATA
            0xC0, 0x0C, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2C, 0x00, 0x04,
            192, 0, 2, 2,
        ]);
    }

    [Theory]
    [InlineData("ns1 hostmaster", new byte[] { 3, (byte)'n', (byte)'s', (byte)'1', 0xC0, 0x0C, 10, (byte)'h', (byte)'o', (byte)'s', (byte)'t', (byte)'m', (byte)'a', (byte)'s', (byte)'t', (byte)'e', (byte)'r', 0xC0, 0x0C }, new[] { 4, 17 })]
    [InlineData("@ x.org.", new byte[] { 0xC0, 0x0C, 1, (byte)'x', 3, (byte)'o', (byte)'r', (byte)'g', 0 }, new[] { 0 })]
    public void Build_Soa_NamesInTheZoneEndInAPointerToTheApex(string names, byte[] compressed, int[] pointers)
    {
        var snapshot = ZoneText.Build(("example.test.", Apex.Replace("SOA ns1 hostmaster", "SOA " + names, StringComparison.Ordinal)));
        var zone = snapshot.Zones[0];

        foreach (var soa in new[] { zone.Soa, zone.NegativeSoa })
        {
            var rdata = soa.Wire.AsSpan(ResponseWriter.RecordHeaderSize);
            BinaryPrimitives.ReadUInt16BigEndian(soa.Wire.AsSpan(10)).Should().Be((ushort)rdata.Length);
            rdata[..compressed.Length].ToArray().Should().Equal(compressed, "a name in the zone ends in a pointer to the owner, the apex, as the owner itself does");
            rdata[compressed.Length..].ToArray().Should().Equal(soa.Data[0][^20..], "serial and timers as they are");
            soa.OwnerPointersInData.Should().Equal(pointers.Select(p => ResponseWriter.RecordHeaderSize + p), "the writer moves those pointers with the owner");
        }
    }

    [Fact]
    public void Build_InZoneNameServerWithoutAddress_IsRejectedAtTheNsRecord()
    {
        const string Soa = "@ 3600 SOA ns1 hostmaster 7 3600 900 1209600 300\n";

        ZoneText.BuildErrors(("example.test.", Soa + "@ NS ns1\n@ NS ns2\nns1 A 192.0.2.53\nns2 TXT no-address\n")).Should().Equal(
            "example.test.zone:3:1: name server ns2.example.test. is inside zone example.test. but has no A or AAAA record there; add one, or name a server outside the zone");
        ZoneText.BuildErrors(("example.test.", Soa + "@ NS ns1\nsub NS ns1\n")).Should().Equal(
            "example.test.zone:2:1: name server ns1.example.test. is inside zone example.test. but has no A or AAAA record there; add one, or name a server outside the zone",
            "example.test.zone:3:1: name server ns1.example.test. is inside zone example.test. but has no A or AAAA record there; add one, or name a server outside the zone");
        ZoneText.BuildErrors(("example.test.", Soa + "@ NS ns1\nns1 CNAME host\nhost A 192.0.2.1\n")).Should().ContainSingle()
            .Which.Should().Contain("name server ns1.example.test. is an alias (CNAME)");
    }

    [Fact]
    public void Build_NameServerOutsideBelowDelegationOrAddressed_IsAccepted()
    {
        const string Soa = "@ 3600 SOA ns1 hostmaster 7 3600 900 1209600 300\n";

        ZoneText.BuildErrors(("example.test.", Soa + "@ NS ns1.other.test.\n@ NS ns6\nns6 AAAA 2001:db8::53\n")).Should().BeEmpty();
        ZoneText.BuildErrors(("example.test.", Soa + "@ NS ns1.other.test.\nsub NS ns.sub\nsub NS sub\n")).Should().BeEmpty("glue below a delegation is the child's business");
        ZoneText.BuildErrors(("example.test.", Soa + "@ NS ns1\n* A 192.0.2.9\n")).Should().BeEmpty("a wildcard answers for it");
        ZoneText.BuildErrors(("example.test.", Soa + "@ NS ns1.inner\n"), ("inner.example.test.", Soa + "@ NS ns1\nns1 A 192.0.2.1\n")).Should().BeEmpty("the nested zone served here answers for it");
        ZoneText.BuildErrors(("example.test.", Soa + "@ NS ns1\nns1 A 192.0.2.1\nold NS ns1.old\nns1.old A 192.0.2.2\n")).Should().BeEmpty();
    }

    [Fact]
    public void Build_OwnerNames_IndexedLowercase()
    {
        var snapshot = ZoneText.Build(("example.test.", "$ORIGIN Example.TEST.\n@ SOA NS1 hostmaster 1 1 1 1 1\n@ NS NS1\nNs1 A 192.0.2.53\nWWW A 192.0.2.1\n"));

        snapshot.Zones[0].Name.Should().Be("example.test.");
        snapshot.FindNode(ZoneText.Name("www.example.test.")).Should().NotBeNull();
        snapshot.FindNode(ZoneText.Name("WWW.example.test.")).Should().BeNull("callers look up the lowercased name");
    }

    [Fact]
    public void Build_EmptyNonTerminals_AddedAsNodesWithoutRRsets()
    {
        var snapshot = ZoneText.Build(("example.test.", Apex + "a.b.c A 192.0.2.1\nx.b.c A 192.0.2.2\n"));

        Node(snapshot, "b.c.example.test.").IsEmptyNonTerminal.Should().BeTrue();
        Node(snapshot, "c.example.test.").IsEmptyNonTerminal.Should().BeTrue();
        Node(snapshot, "a.b.c.example.test.").IsEmptyNonTerminal.Should().BeFalse();
        snapshot.NodeCount.Should().Be(6); // apex, ns1, a.b.c, x.b.c, b.c, c
    }

    [Fact]
    public void Build_Delegation_LinksEveryNodeAtAndBelowTheCut()
    {
        var snapshot = ZoneText.Build(("example.test.", Apex + "lab NS ns.lab\nns.lab A 192.0.2.100\ndeep.x.lab A 192.0.2.101\n"));

        var cut = Node(snapshot, "lab.example.test.");
        cut.Cut.Should().BeSameAs(cut);
        Node(snapshot, "ns.lab.example.test.").Cut.Should().BeSameAs(cut);
        Node(snapshot, "x.lab.example.test.").Cut.Should().BeSameAs(cut, "an empty non-terminal below a cut is below it too");
        Node(snapshot, "deep.x.lab.example.test.").Cut.Should().BeSameAs(cut);
        Node(snapshot, "example.test.").Cut.Should().BeNull("NS at the apex is not a delegation");
        Node(snapshot, "ns1.example.test.").Cut.Should().BeNull();
    }

    [Fact]
    public void Build_Wildcard_LinkedFromItsParent()
    {
        var snapshot = ZoneText.Build(("example.test.", Apex + "*.w A 192.0.2.80\n* TXT apex-wildcard\nx.* TXT not-a-wildcard-parent\n"));

        Node(snapshot, "w.example.test.").Wildcard.Should().BeSameAs(Node(snapshot, "*.w.example.test."));
        Node(snapshot, "example.test.").Wildcard.Should().BeSameAs(Node(snapshot, "*.example.test."));
        Node(snapshot, "*.example.test.").Wildcard.Should().BeNull();
        Node(snapshot, "ns1.example.test.").Wildcard.Should().BeNull();
    }

    [Fact]
    public void Build_AdditionalTargets_LinkInZoneAddressRecords()
    {
        var snapshot = ZoneText.Build(("example.test.", """
            @     SOA   ns1 hostmaster 1 1 1 1 1
            @     NS    ns2.elsewhere.test.
            @     NS    NS1
            @     MX    10 mail
            @     MX    20 mx.elsewhere.test.
            @     MX    30 nodata
            ns1   A     192.0.2.53
            ns1   AAAA  2001:db8::53
            mail  A     192.0.2.25
            nodata TXT  "no address"
            _sip._udp SRV 10 5 5060 sip
            sip   AAAA  2001:db8::60
            www   CNAME mail
            """));
        var apex = Node(snapshot, "example.test.");

        var ns = apex.Find(RecordType.NS)!;
        var nsTarget = ns.Additional.Should().ContainSingle("ns2.elsewhere.test. is not in the zone").Subject;
        nsTarget.RecordIndex.Should().Be(1);
        nsTarget.NameOffset.Should().Be(12, "an NS target starts right after the 12-byte record header");
        nsTarget.A.Should().BeSameAs(Node(snapshot, "ns1.example.test.").Find(RecordType.A));
        nsTarget.Aaaa.Should().BeSameAs(Node(snapshot, "ns1.example.test.").Find(RecordType.AAAA));
        NameAt(ns, nsTarget).Should().Be("NS1.@", "the offset points at the target inside the pre-encoded record, which ends in a pointer to the owner");

        var mx = apex.Find(RecordType.MX)!;
        var mxTarget = mx.Additional.Should().ContainSingle("only mail has addresses").Subject;
        mxTarget.RecordIndex.Should().Be(0);
        mxTarget.NameOffset.Should().Be(14, "after the header and the 2-byte preference");
        mxTarget.A.Should().BeSameAs(Node(snapshot, "mail.example.test.").Find(RecordType.A));
        mxTarget.Aaaa.Should().BeNull();
        NameAt(mx, mxTarget).Should().Be("mail.@");

        var srv = Node(snapshot, "_sip._udp.example.test.").Find(RecordType.SRV)!;
        var srvTarget = srv.Additional.Should().ContainSingle().Subject;
        srvTarget.NameOffset.Should().Be(18, "after the header, priority, weight and port");
        srvTarget.A.Should().BeNull();
        srvTarget.Aaaa.Should().BeSameAs(Node(snapshot, "sip.example.test.").Find(RecordType.AAAA));

        Node(snapshot, "www.example.test.").Cname!.Additional.Should().BeEmpty("CNAME targets are followed, not added");
    }

    [Fact]
    public void Build_NestedZones_EachNameIndexedInTheDeepestZone()
    {
        var snapshot = ZoneText.Build(
            ("example.test.", Apex + "child NS ns.child\nns.child A 192.0.2.1\nonly-parent.child A 192.0.2.9\n"),
            ("child.example.test.", "@ SOA ns hostmaster 1 1 1 1 1\n@ NS ns\nns A 192.0.2.2\n"));
        var parent = snapshot.Zones[0];
        var child = snapshot.Zones[1];

        Node(snapshot, "child.example.test.").Zone.Should().BeSameAs(child);
        Node(snapshot, "child.example.test.").Cut.Should().BeNull("the child apex is not a cut in the child zone");
        ZoneText.Format(ZoneText.Name("ns.child.example.test."), Node(snapshot, "ns.child.example.test.").Find(RecordType.A))
            .Should().Equal("ns.child.example.test. 3600 IN A 192.0.2.2");
        snapshot.FindNode(ZoneText.Name("only-parent.child.example.test.")).Should().BeNull("the parent's data below the cut is occluded");
        Node(snapshot, "example.test.").Zone.Should().BeSameAs(parent);
    }

    [Fact]
    public void Build_ZoneModel_ExposesSoaAndSerial()
    {
        var zone = ZoneText.Build(("example.test.", Apex)).Zones.Single();

        zone.Origin.Should().Equal(Wire.Name("example.test"));
        zone.Serial.Should().Be(7);
        zone.RecordCount.Should().Be(3);
        zone.Soa.Count.Should().Be(1);
        zone.NegativeSoa.Ttl.Should().Be(300);
    }

    [Fact]
    public void Build_SameSoaTwice_Accepted()
    {
        ZoneText.BuildErrors(("example.test.", Apex + "@ 3600 SOA ns1 hostmaster 7 3600 900 1209600 300\n")).Should().BeEmpty();
    }

    [Fact]
    public void Build_TwoDifferentSoas_Reported()
    {
        ZoneText.BuildErrors(("example.test.", Apex + "@ SOA ns1 hostmaster 8 3600 900 1209600 300\n")).Should().Equal(
            "example.test.zone:4:1: zone example.test. has more than one SOA record (first at example.test.zone:1:1)");
    }

    [Fact]
    public void Build_SoaBelowApex_Reported()
    {
        ZoneText.BuildErrors(("example.test.", Apex + "sub SOA ns1 hostmaster 1 1 1 1 1\n")).Should().Equal(
            "example.test.zone:4:1: an SOA record belongs at the zone apex, not at sub.example.test.");
    }

    [Fact]
    public void Build_MissingSoaAndNs_BothReported()
    {
        ZoneText.BuildErrors(("example.test.", "www A 192.0.2.1\n")).Should().Equal(
            "example.test.zone:1:1: zone example.test. has no SOA record (add 'soa:' or an SOA line in its zone file)",
            "example.test.zone:1:1: zone example.test. has no NS records at its apex (add 'nameservers:')");
    }

    [Fact]
    public void Build_RecordOutsideZone_Reported()
    {
        ZoneText.BuildErrors(("example.test.", Apex + "www.example.net. A 192.0.2.1\nexample.test.evil. A 192.0.2.2\n")).Should().Equal(
            "example.test.zone:4:1: www.example.net. is outside zone example.test.",
            "example.test.zone:5:1: example.test.evil. is outside zone example.test.");
    }

    [Fact]
    public void Build_CnameConflicts_Reported()
    {
        ZoneText.BuildErrors(("example.test.", Apex + "a CNAME x\na TXT y\nb CNAME x\nb CNAME Y\nc CNAME x\nc CNAME X\n")).Should().Equal(
            "example.test.zone:4:1: a.example.test. has a CNAME and other data (TXT at example.test.zone:5:1); a CNAME must stand alone",
            "example.test.zone:7:1: b.example.test. has more than one CNAME (first at example.test.zone:6:1)");
    }

    [Fact]
    public void Build_ErrorsInSeveralZones_AllReported()
    {
        ZoneText.BuildErrors(
            ("example.test.", Apex + "other.test. A 192.0.2.1\n"),
            ("example.net.", "@ NS ns1.example.test.\n"),
            ("example.test.", Apex)).Should().Equal(
            "example.test.zone:4:1: other.test. is outside zone example.test.",
            "example.net.zone:1:1: zone example.net. has no SOA record (add 'soa:' or an SOA line in its zone file)",
            "example.test.zone:1:1: zone example.test. is defined twice (first at example.test.zone:1:1)");
    }

    [Fact]
    public void Build_NoZones_EmptySnapshot()
    {
        var errors = new List<ConfigError>();

        var snapshot = ZoneSnapshotBuilder.Build([], errors);

        errors.Should().BeEmpty();
        snapshot!.Zones.Should().BeEmpty();
        snapshot.NodeCount.Should().Be(0);
    }

    [Fact]
    public void Build_ExistingErrors_DoNotStopABuildOfValidZones()
    {
        var errors = new List<ConfigError> { new(new SourceLocation("x", 1, 1), "an earlier problem") };

        var snapshot = ZoneSnapshotBuilder.Build(ZoneText.Definitions(errors, ("example.test.", Apex)), errors);

        snapshot.Should().NotBeNull("only errors found by this build make it fail");
        errors.Should().ContainSingle();
    }

    [Fact]
    public void ZoneStore_Publish_ReplacesCurrentSnapshot()
    {
        var first = ZoneText.Build(("example.test.", Apex));
        var second = ZoneText.Build(("example.net.", Apex));
        var store = new ZoneStore(first);

        store.Current.Should().BeSameAs(first);
        store.Publish(second);
        store.Current.Should().BeSameAs(second);
    }

    private static ZoneNode Node(ZoneSnapshot snapshot, string name) =>
        snapshot.FindNode(ZoneText.Name(name)) ?? throw new InvalidOperationException($"no node {name}");

    /// <summary>The target inside the pre-encoded record, "@" standing for a pointer to the owner.</summary>
    private static string NameAt(RRset rrset, AdditionalTarget target)
    {
        var record = rrset.Wire.AsSpan(rrset.RecordOffsets[target.RecordIndex]);
        var labels = new List<string>();
        for (var i = target.NameOffset; record[i] != 0; i += 1 + record[i])
        {
            if (record[i] >= 0xC0)
            {
                labels.Add("@");
                break;
            }

            labels.Add(System.Text.Encoding.ASCII.GetString(record.Slice(i + 1, record[i])));
        }

        return string.Join('.', labels);
    }
}
