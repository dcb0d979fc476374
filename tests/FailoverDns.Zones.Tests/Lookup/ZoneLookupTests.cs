using FailoverDns.Protocol;
using FailoverDns.Testing;
using FailoverDns.Zones.Lookup;

namespace FailoverDns.Zones.Tests.Lookup;

/// <summary>
/// Table-driven lookups in the style of CoreDNS <c>plugin/file/lookup_test.go</c>: each case is a
/// question and the expected outcome with its RRset in presentation format (the answer, the NS of a
/// referral, or the SOA that a negative answer carries in authority).
/// </summary>
public sealed class ZoneLookupTests
{
    private const string ParentZone = """
        $ORIGIN example.test.
        $TTL 300
        @           3600 SOA ns1 hostmaster 1 3600 900 1209600 60
        @           NS    ns1
        @           NS    ns2.elsewhere.test.
        @           A     192.0.2.10
        @           MX    10 mail
        ns1         A     192.0.2.53
        ns1         AAAA  2001:db8::53
        mail        A     192.0.2.25
        MiXeD       A     192.0.2.9
        www         A     192.0.2.1
        www         A     192.0.2.2
        www         TXT   "web"
        ftp         CNAME www
        _sip._udp   SRV   10 5 5060 sip
        sip         AAAA  2001:db8::60
        a.b.c       A     192.0.2.3       ; b.c and c are empty non-terminals
        *.w         A     192.0.2.80
        *.w         MX    10 mail
        exists.w    TXT   "real"
        x.sub.w     A     192.0.2.81      ; sub.w: an empty non-terminal without a * child
        *.cw        CNAME www
        lab         NS    ns.lab
        lab         NS    ns.elsewhere.test.
        ns.lab      A     192.0.2.100     ; glue
        child       NS    ns1.child
        ns1.child   A     192.0.2.200     ; glue, but the child zone is served here too
        """;

    private const string ChildZone = """
        $ORIGIN child.example.test.
        $TTL 600
        @     SOA ns1 hostmaster 5 3600 900 1209600 30
        @     NS  ns1
        ns1   A   192.0.2.200
        www   A   192.0.2.201
        """;

    // Negative answers: SOA TTL = min(SOA TTL, SOA MINIMUM) (RFC 2308 §3).
    private const string ParentSoa = "example.test. 60 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 900 1209600 60";
    private const string ChildSoa = "child.example.test. 30 IN SOA ns1.child.example.test. hostmaster.child.example.test. 5 3600 900 1209600 30";
    private const string Parent = "example.test.";
    private const string Child = "child.example.test.";

    private static readonly ZoneSnapshot Snapshot = ZoneText.Build((Parent, ParentZone), (Child, ChildZone));

    public static TheoryData<string, string, LookupOutcome, string?, string[]> Cases => new()
    {
        // Exact matches.
        { "www.example.test.", "A", LookupOutcome.Answer, Parent, ["www.example.test. 300 IN A 192.0.2.1", "www.example.test. 300 IN A 192.0.2.2"] },
        { "www.example.test.", "TXT", LookupOutcome.Answer, Parent, ["www.example.test. 300 IN TXT \"web\""] },
        { "example.test.", "A", LookupOutcome.Answer, Parent, ["example.test. 300 IN A 192.0.2.10"] },
        { "example.test.", "NS", LookupOutcome.Answer, Parent, ["example.test. 300 IN NS ns1.example.test.", "example.test. 300 IN NS ns2.elsewhere.test."] },
        { "example.test.", "SOA", LookupOutcome.Answer, Parent, ["example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 900 1209600 60"] },
        { "example.test.", "MX", LookupOutcome.Answer, Parent, ["example.test. 300 IN MX 10 mail.example.test."] },
        { "ns1.example.test.", "AAAA", LookupOutcome.Answer, Parent, ["ns1.example.test. 300 IN AAAA 2001:db8::53"] },
        { "_sip._udp.example.test.", "SRV", LookupOutcome.Answer, Parent, ["_sip._udp.example.test. 300 IN SRV 10 5 5060 sip.example.test."] },

        // Names match case-insensitively (RFC 4343): the caller lowercases the question.
        { "WWW.Example.TEST.", "A", LookupOutcome.Answer, Parent, ["www.example.test. 300 IN A 192.0.2.1", "www.example.test. 300 IN A 192.0.2.2"] },
        { "mixed.example.test.", "A", LookupOutcome.Answer, Parent, ["mixed.example.test. 300 IN A 192.0.2.9"] },
        { "MIXED.example.test.", "A", LookupOutcome.Answer, Parent, ["mixed.example.test. 300 IN A 192.0.2.9"] },

        // NoData: the name exists, the type does not (RFC 2308 §2.2).
        { "www.example.test.", "AAAA", LookupOutcome.NoData, Parent, [ParentSoa] },
        { "example.test.", "AAAA", LookupOutcome.NoData, Parent, [ParentSoa] },
        { "mail.example.test.", "MX", LookupOutcome.NoData, Parent, [ParentSoa] },
        { "www.example.test.", "CAA", LookupOutcome.NoData, Parent, [ParentSoa] },

        // Empty non-terminals exist: NoData, not NxDomain (RFC 4592 §2.2.2).
        { "c.example.test.", "A", LookupOutcome.NoData, Parent, [ParentSoa] },
        { "b.c.example.test.", "TXT", LookupOutcome.NoData, Parent, [ParentSoa] },
        { "a.b.c.example.test.", "A", LookupOutcome.Answer, Parent, ["a.b.c.example.test. 300 IN A 192.0.2.3"] },
        { "_udp.example.test.", "SRV", LookupOutcome.NoData, Parent, [ParentSoa] },

        // NxDomain (RFC 2308 §2.1).
        { "nope.example.test.", "A", LookupOutcome.NxDomain, Parent, [ParentSoa] },
        { "wwww.example.test.", "A", LookupOutcome.NxDomain, Parent, [ParentSoa] },
        { "x.www.example.test.", "A", LookupOutcome.NxDomain, Parent, [ParentSoa] },
        { "x.a.b.c.example.test.", "A", LookupOutcome.NxDomain, Parent, [ParentSoa] },
        { "x.c.example.test.", "A", LookupOutcome.NxDomain, Parent, [ParentSoa] },

        // Wildcards (RFC 4592): synthesized under the closest encloser, at any depth.
        { "anything.w.example.test.", "A", LookupOutcome.Answer, Parent, ["anything.w.example.test. 300 IN A 192.0.2.80"] },
        { "deep.er.w.example.test.", "A", LookupOutcome.Answer, Parent, ["deep.er.w.example.test. 300 IN A 192.0.2.80"] },
        { "anything.w.example.test.", "MX", LookupOutcome.Answer, Parent, ["anything.w.example.test. 300 IN MX 10 mail.example.test."] },
        { "anything.w.example.test.", "AAAA", LookupOutcome.NoData, Parent, [ParentSoa] },
        { "*.w.example.test.", "A", LookupOutcome.Answer, Parent, ["*.w.example.test. 300 IN A 192.0.2.80"] },
        { "something.cw.example.test.", "A", LookupOutcome.Answer, Parent, ["something.cw.example.test. 300 IN CNAME www.example.test."] },
        { "w.example.test.", "A", LookupOutcome.NoData, Parent, [ParentSoa] },

        // ... but not where the name exists,
        { "exists.w.example.test.", "A", LookupOutcome.NoData, Parent, [ParentSoa] },
        { "exists.w.example.test.", "TXT", LookupOutcome.Answer, Parent, ["exists.w.example.test. 300 IN TXT \"real\""] },
        { "sub.w.example.test.", "A", LookupOutcome.NoData, Parent, [ParentSoa] },
        { "x.sub.w.example.test.", "A", LookupOutcome.Answer, Parent, ["x.sub.w.example.test. 300 IN A 192.0.2.81"] },

        // ... nor below an existing name (here an empty non-terminal) that is the closest encloser without a * child.
        { "y.sub.w.example.test.", "A", LookupOutcome.NxDomain, Parent, [ParentSoa] },
        { "x.exists.w.example.test.", "A", LookupOutcome.NxDomain, Parent, [ParentSoa] },

        // Delegation: a referral for the cut itself and everything below it, glue included.
        { "lab.example.test.", "A", LookupOutcome.Referral, Parent, ["lab.example.test. 300 IN NS ns.lab.example.test.", "lab.example.test. 300 IN NS ns.elsewhere.test."] },
        { "lab.example.test.", "NS", LookupOutcome.Referral, Parent, ["lab.example.test. 300 IN NS ns.lab.example.test.", "lab.example.test. 300 IN NS ns.elsewhere.test."] },
        { "lab.example.test.", "ANY", LookupOutcome.Referral, Parent, ["lab.example.test. 300 IN NS ns.lab.example.test.", "lab.example.test. 300 IN NS ns.elsewhere.test."] },
        { "ns.lab.example.test.", "A", LookupOutcome.Referral, Parent, ["lab.example.test. 300 IN NS ns.lab.example.test.", "lab.example.test. 300 IN NS ns.elsewhere.test."] },
        { "ns.lab.example.test.", "DS", LookupOutcome.Referral, Parent, ["lab.example.test. 300 IN NS ns.lab.example.test.", "lab.example.test. 300 IN NS ns.elsewhere.test."] },
        { "deep.x.lab.example.test.", "AAAA", LookupOutcome.Referral, Parent, ["lab.example.test. 300 IN NS ns.lab.example.test.", "lab.example.test. 300 IN NS ns.elsewhere.test."] },

        // DS at the cut is parent-side data (RFC 4035 §3.1.4.1): answered from the parent, here NoData.
        { "lab.example.test.", "DS", LookupOutcome.NoData, Parent, [ParentSoa] },

        // A CNAME answers every type; following it is AnswerResolver's loop (AnswerResolverTests).
        { "ftp.example.test.", "A", LookupOutcome.Answer, Parent, ["ftp.example.test. 300 IN CNAME www.example.test."] },
        { "ftp.example.test.", "CNAME", LookupOutcome.Answer, Parent, ["ftp.example.test. 300 IN CNAME www.example.test."] },
        { "ftp.example.test.", "MX", LookupOutcome.Answer, Parent, ["ftp.example.test. 300 IN CNAME www.example.test."] },

        // ANY: one RRset, the first by type number (RFC 8482 §4.1).
        { "example.test.", "ANY", LookupOutcome.Answer, Parent, ["example.test. 300 IN A 192.0.2.10"] },
        { "www.example.test.", "ANY", LookupOutcome.Answer, Parent, ["www.example.test. 300 IN A 192.0.2.1", "www.example.test. 300 IN A 192.0.2.2"] },
        { "sip.example.test.", "ANY", LookupOutcome.Answer, Parent, ["sip.example.test. 300 IN AAAA 2001:db8::60"] },
        { "ftp.example.test.", "ANY", LookupOutcome.Answer, Parent, ["ftp.example.test. 300 IN CNAME www.example.test."] },
        { "c.example.test.", "ANY", LookupOutcome.NoData, Parent, [ParentSoa] },
        { "anything.w.example.test.", "ANY", LookupOutcome.Answer, Parent, ["anything.w.example.test. 300 IN A 192.0.2.80"] },

        // Out of every zone served: Refused.
        { "other.test.", "A", LookupOutcome.Refused, null, [] },
        { "test.", "A", LookupOutcome.Refused, null, [] },
        { ".", "NS", LookupOutcome.Refused, null, [] },
        { "example.test.other.", "A", LookupOutcome.Refused, null, [] },
        { "xexample.test.", "A", LookupOutcome.Refused, null, [] },

        // Nested zones both served: names at and below the child apex come from the child zone.
        { "www.child.example.test.", "A", LookupOutcome.Answer, Child, ["www.child.example.test. 600 IN A 192.0.2.201"] },
        { "child.example.test.", "SOA", LookupOutcome.Answer, Child, ["child.example.test. 600 IN SOA ns1.child.example.test. hostmaster.child.example.test. 5 3600 900 1209600 30"] },
        { "child.example.test.", "NS", LookupOutcome.Answer, Child, ["child.example.test. 600 IN NS ns1.child.example.test."] },
        { "ns1.child.example.test.", "A", LookupOutcome.Answer, Child, ["ns1.child.example.test. 600 IN A 192.0.2.200"] },
        { "child.example.test.", "A", LookupOutcome.NoData, Child, [ChildSoa] },
        { "nope.child.example.test.", "A", LookupOutcome.NxDomain, Child, [ChildSoa] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Find_Question_ReturnsExpectedOutcome(string qname, string qtype, LookupOutcome outcome, string? zone, string[] expected)
    {
        var question = DnsName.ToLower(ZoneText.Name(qname));

        var result = ZoneLookup.Find(Snapshot, question, Enum.Parse<RecordType>(qtype));

        result.Outcome.Should().Be(outcome);
        (result.Zone?.Name).Should().Be(zone);
        Section(question, result).Should().Equal(expected);
    }

    private const string Rfc4592Zone = """
        $ORIGIN example.
        example.                 3600 IN  SOA   ns.example.com. hostmaster.example. 1 3600 900 1209600 300
        example.                 3600     NS    ns.example.com.
        example.                 3600     NS    ns.example.net.
        *.example.               3600     TXT   "this is a wildcard"
        *.example.               3600     MX    10 host1.example.
        sub.*.example.           3600     TXT   "this is not a wildcard"
        host1.example.           3600     A     192.0.2.1
        _ssh._tcp.host1.example. 3600     SRV   0 0 22 host1.example.
        _ssh._tcp.host2.example. 3600     SRV   0 0 22 host2.example.
        subdel.example.          3600     NS    ns.example.com.
        subdel.example.          3600     NS    ns.example.net.
        """;

    private const string Rfc4592Soa = "example. 300 IN SOA ns.example.com. hostmaster.example. 1 3600 900 1209600 300";

    private static readonly ZoneSnapshot Rfc4592 = ZoneText.Build(("example.", Rfc4592Zone));

    /// <summary>The examples of RFC 4592 §2.2.1, answered as the RFC says.</summary>
    public static TheoryData<string, string, LookupOutcome, string[]> Rfc4592Cases => new()
    {
        { "host3.example.", "MX", LookupOutcome.Answer, ["host3.example. 3600 IN MX 10 host1.example."] },
        { "host3.example.", "A", LookupOutcome.NoData, [Rfc4592Soa] },
        { "foo.bar.example.", "TXT", LookupOutcome.Answer, ["foo.bar.example. 3600 IN TXT \"this is a wildcard\""] },
        { "host1.example.", "MX", LookupOutcome.NoData, [Rfc4592Soa] },
        { "sub.*.example.", "MX", LookupOutcome.NoData, [Rfc4592Soa] },
        { "_telnet._tcp.host1.example.", "SRV", LookupOutcome.NxDomain, [Rfc4592Soa] },
        { "host.subdel.example.", "A", LookupOutcome.Referral, ["subdel.example. 3600 IN NS ns.example.com.", "subdel.example. 3600 IN NS ns.example.net."] },
        { "ghost.*.example.", "MX", LookupOutcome.NxDomain, [Rfc4592Soa] },
    };

    [Theory]
    [MemberData(nameof(Rfc4592Cases))]
    public void Find_Rfc4592Examples_AnsweredAsTheRfcSays(string qname, string qtype, LookupOutcome outcome, string[] expected)
    {
        var question = ZoneText.Name(qname);

        var result = ZoneLookup.Find(Rfc4592, question, Enum.Parse<RecordType>(qtype));

        result.Outcome.Should().Be(outcome);
        Section(question, result).Should().Equal(expected);
    }

    [Fact]
    public void Find_WildcardMatch_IsFlaggedAndPointsAtTheWildcardNode()
    {
        var answer = Find("anything.w.example.test.", RecordType.A);
        answer.IsWildcard.Should().BeTrue();
        answer.Node!.ToString().Should().Be("*.w.example.test.");

        var noData = Find("anything.w.example.test.", RecordType.AAAA);
        noData.IsWildcard.Should().BeTrue("a wildcard NoData still proves the name by the wildcard (RFC 4592 §4)");
        noData.RRset.Should().BeNull();

        Find("*.w.example.test.", RecordType.A).IsWildcard.Should().BeFalse("the question is the wildcard owner itself");
        Find("exists.w.example.test.", RecordType.A).IsWildcard.Should().BeFalse();
        Find("www.example.test.", RecordType.A).IsWildcard.Should().BeFalse();
    }

    [Fact]
    public void Find_Referral_CarriesTheCutAndItsGlue()
    {
        var result = Find("deep.x.lab.example.test.", RecordType.A);

        result.Node!.ToString().Should().Be("lab.example.test.");
        result.RRset.Should().BeSameAs(result.Node.Find(RecordType.NS));
        result.IsWildcard.Should().BeFalse();
        var glue = result.RRset!.Additional.Should().ContainSingle().Subject;
        glue.RecordIndex.Should().Be(0);
        ZoneText.Format(ZoneText.Name("ns.lab.example.test."), glue.A).Should().Equal("ns.lab.example.test. 300 IN A 192.0.2.100");
        glue.Aaaa.Should().BeNull();
    }

    [Fact]
    public void Find_NegativeOutcomes_CarryTheZoneAndNoRRset()
    {
        var nxDomain = Find("nope.example.test.", RecordType.A);
        nxDomain.Node.Should().BeNull();
        nxDomain.RRset.Should().BeNull();

        var noData = Find("www.example.test.", RecordType.AAAA);
        noData.Node!.ToString().Should().Be("www.example.test.");
        noData.RRset.Should().BeNull();

        Find("other.test.", RecordType.A).Should().Be(LookupResult.Refused);
    }

    [Fact]
    public void Find_NegativeSoaTtl_IsMinimumOfSoaTtlAndMinimum()
    {
        // SOA TTL below MINIMUM this time: the TTL wins (RFC 2308 §3).
        var snapshot = ZoneText.Build(("example.test.", "@ 30 SOA ns1 hostmaster 1 3600 900 1209600 300\n@ NS ns1\nns1 A 192.0.2.53\n"));

        var result = ZoneLookup.Find(snapshot, ZoneText.Name("nope.example.test."), RecordType.A);

        result.Outcome.Should().Be(LookupOutcome.NxDomain);
        result.Zone!.Soa.Ttl.Should().Be(30);
        result.Zone.NegativeSoa.Ttl.Should().Be(30);
        Snapshot.Zones[0].Soa.Ttl.Should().Be(3600);
        Snapshot.Zones[0].NegativeSoa.Ttl.Should().Be(60);
        Snapshot.Zones[0].NegativeSoa.Data.Should().BeEquivalentTo(Snapshot.Zones[0].Soa.Data);
    }

    [Fact]
    public void Find_EmptySnapshot_Refuses()
    {
        ZoneLookup.Find(ZoneSnapshot.Empty, ZoneText.Name("example.test."), RecordType.A).Should().Be(LookupResult.Refused);
        ZoneLookup.Find(ZoneSnapshot.Empty, DnsName.Root, RecordType.NS).Should().Be(LookupResult.Refused);
    }

    [Fact]
    public void Find_RootZoneServed_AnswersEverything()
    {
        var snapshot = ZoneText.Build((".", "@ SOA a.root-servers.test. nstld.test. 1 1800 900 604800 86400\n@ NS a.root-servers.test.\ntest. NS ns.test.\n"));

        ZoneLookup.Find(snapshot, DnsName.Root, RecordType.NS).Outcome.Should().Be(LookupOutcome.Answer);
        ZoneLookup.Find(snapshot, ZoneText.Name("www.example.test."), RecordType.A).Outcome.Should().Be(LookupOutcome.Referral);
        ZoneLookup.Find(snapshot, ZoneText.Name("nope."), RecordType.A).Outcome.Should().Be(LookupOutcome.NxDomain);
    }

    [Fact]
    public void Find_AnyQuestion_DoesNotAllocate()
    {
        var questions = new[] { "www.example.test.", "nope.example.test.", "anything.w.example.test.", "deep.x.lab.example.test.", "c.example.test.", "other.test.", "www.child.example.test." }
            .Select(ZoneText.Name).ToArray();
        foreach (var question in questions)
        {
            ZoneLookup.Find(Snapshot, question, RecordType.A);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            foreach (var question in questions)
            {
                ZoneLookup.Find(Snapshot, question, RecordType.A);
            }
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0, "the lookup is on the query path, which must not allocate");
    }

    private static LookupResult Find(string name, RecordType type) => ZoneLookup.Find(Snapshot, ZoneText.Name(name), type);

    /// <summary>The section a server would fill from the result: answer, referral NS, or negative SOA.</summary>
    private static string[] Section(ReadOnlySpan<byte> question, LookupResult result) => result.Outcome switch
    {
        LookupOutcome.Answer => ZoneText.Format(question, result.RRset),
        LookupOutcome.Referral => ZoneText.Format(result.Node!.Name, result.RRset),
        LookupOutcome.NoData or LookupOutcome.NxDomain => ZoneText.Format(result.Zone!.Origin, result.Zone.NegativeSoa),
        _ => [],
    };
}
