using FailoverDns.Protocol;
using FailoverDns.Testing;
using FailoverDns.Zones.Lookup;

namespace FailoverDns.Zones.Tests.Lookup;

/// <summary>
/// Whole replies as planned: the CNAME chain, the authority a negative answer or a referral carries,
/// Additional, RCODE and AA, and the state resolution ended in. Each case lists the reply's records
/// in presentation format, their owners read where the plan points them (so an owner offset that is
/// off by a byte fails here, not only in a reply on the wire).
/// </summary>
public sealed class AnswerResolverTests
{
    private const string ParentZone = """
        $ORIGIN example.test.
        $TTL 300
        @           3600 SOA ns1 hostmaster 1 3600 900 1209600 60
        @           NS    ns1
        @           MX    10 mail
        @           MX    20 mx.elsewhere.test.
        ns1         A     192.0.2.53
        ns1         AAAA  2001:db8::53
        mail        A     192.0.2.25
        mail        AAAA  2001:db8::25
        www         A     192.0.2.1
        ftp         CNAME www
        chain       CNAME ftp
        Upper       CNAME WWW.Example.Test.
        dangling    CNAME nothere
        tomx        CNAME example.test.
        ext         CNAME www.elsewhere.test.
        intolab     CNAME host.lab
        chainlab    CNAME intolab
        tolab       CNAME lab
        intochild   CNAME www.child
        loop1       CNAME loop2
        loop2       CNAME loop1
        self        CNAME self
        c1          CNAME c2
        c2          CNAME c3
        c3          CNAME c4
        c4          CNAME c5
        c5          CNAME c6
        c6          CNAME c7
        c7          CNAME c8
        c8          CNAME c9
        c9          CNAME c10
        c10         A     192.0.2.10
        *.w         A     192.0.2.80
        *.cw        CNAME www
        lab         NS    ns.lab
        lab         NS    ns.elsewhere.test.
        ns.lab      A     192.0.2.100
        child       NS    ns1.child
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
    private const string Soa = "example.test. 60 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 900 1209600 60";

    private static readonly ZoneSnapshot Snapshot = ZoneText.Build(("example.test.", ParentZone), ("child.example.test.", ChildZone));

    public static TheoryData<string, string, AnswerPlanEnd, ResponseCode, bool, string[]> Cases => new()
    {
        // An answer, with the addresses of in-zone targets in Additional (out-of-zone ones have none).
        { "www.example.test.", "A", AnswerPlanEnd.Answer, ResponseCode.NoError, true, ["Answer www.example.test. 300 IN A 192.0.2.1"] },
        { "example.test.", "MX", AnswerPlanEnd.Answer, ResponseCode.NoError, true, [
            "Answer example.test. 300 IN MX 10 mail.example.test.",
            "Answer example.test. 300 IN MX 20 mx.elsewhere.test.",
            "Additional mail.example.test. 300 IN A 192.0.2.25",
            "Additional mail.example.test. 300 IN AAAA 2001:db8::25"] },
        { "example.test.", "NS", AnswerPlanEnd.Answer, ResponseCode.NoError, true, [
            "Answer example.test. 300 IN NS ns1.example.test.",
            "Additional ns1.example.test. 300 IN A 192.0.2.53",
            "Additional ns1.example.test. 300 IN AAAA 2001:db8::53"] },

        // In-zone CNAMEs are followed, each owner pointing at the target in the CNAME before it (RFC 1034 §4.3.2 step 3a).
        { "chain.example.test.", "A", AnswerPlanEnd.Answer, ResponseCode.NoError, true, [
            "Answer chain.example.test. 300 IN CNAME ftp.example.test.",
            "Answer ftp.example.test. 300 IN CNAME www.example.test.",
            "Answer www.example.test. 300 IN A 192.0.2.1"] },
        { "upper.example.test.", "A", AnswerPlanEnd.Answer, ResponseCode.NoError, true, [
            "Answer upper.example.test. 300 IN CNAME WWW.Example.Test.",
            "Answer WWW.Example.Test. 300 IN A 192.0.2.1"] },
        { "tomx.example.test.", "MX", AnswerPlanEnd.Answer, ResponseCode.NoError, true, [
            "Answer tomx.example.test. 300 IN CNAME example.test.",
            "Answer example.test. 300 IN MX 10 mail.example.test.",
            "Answer example.test. 300 IN MX 20 mx.elsewhere.test.",
            "Additional mail.example.test. 300 IN A 192.0.2.25",
            "Additional mail.example.test. 300 IN AAAA 2001:db8::25"] },
        { "x.cw.example.test.", "A", AnswerPlanEnd.Answer, ResponseCode.NoError, true, [
            "Answer x.cw.example.test. 300 IN CNAME www.example.test.",
            "Answer www.example.test. 300 IN A 192.0.2.1"] },

        // ... but not when the question asks for the CNAME itself, or for ANY (RFC 8482 §4.1: one RRset).
        { "chain.example.test.", "CNAME", AnswerPlanEnd.Answer, ResponseCode.NoError, true, ["Answer chain.example.test. 300 IN CNAME ftp.example.test."] },
        { "chain.example.test.", "ANY", AnswerPlanEnd.Answer, ResponseCode.NoError, true, ["Answer chain.example.test. 300 IN CNAME ftp.example.test."] },

        // A chain that ends in a negative answer carries the SOA, its owner a suffix of the last target.
        { "dangling.example.test.", "A", AnswerPlanEnd.NxDomain, ResponseCode.NxDomain, true, [
            "Answer dangling.example.test. 300 IN CNAME nothere.example.test.",
            "Authority example.test. 60 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 900 1209600 60"] },
        { "ftp.example.test.", "AAAA", AnswerPlanEnd.NoData, ResponseCode.NoError, true, [
            "Answer ftp.example.test. 300 IN CNAME www.example.test.",
            "Authority " + Soa] },

        // Negative answers without a chain: the SOA's owner is a suffix of the question.
        { "nothere.example.test.", "A", AnswerPlanEnd.NxDomain, ResponseCode.NxDomain, true, ["Authority " + Soa] },
        { "deep.nothere.example.test.", "A", AnswerPlanEnd.NxDomain, ResponseCode.NxDomain, true, ["Authority " + Soa] },
        { "www.example.test.", "MX", AnswerPlanEnd.NoData, ResponseCode.NoError, true, ["Authority " + Soa] },
        { "x.w.example.test.", "MX", AnswerPlanEnd.NoData, ResponseCode.NoError, true, ["Authority " + Soa] },
        { "lab.example.test.", "DS", AnswerPlanEnd.NoData, ResponseCode.NoError, true, ["Authority " + Soa] },

        // A CNAME out of the zone is the answer as it is; the resolver follows it.
        { "ext.example.test.", "A", AnswerPlanEnd.CnameLeavesZone, ResponseCode.NoError, true, ["Answer ext.example.test. 300 IN CNAME www.elsewhere.test."] },
        { "intochild.example.test.", "A", AnswerPlanEnd.CnameLeavesZone, ResponseCode.NoError, true, ["Answer intochild.example.test. 300 IN CNAME www.child.example.test."] },

        // A CNAME into a delegation of the zone is followed to the cut: the chain, then the referral,
        // its NS owner a suffix of the last target, with glue; AA kept, as Knot does (RFC 1034 §4.3.2 step 3b).
        { "intolab.example.test.", "A", AnswerPlanEnd.Referral, ResponseCode.NoError, true, [
            "Answer intolab.example.test. 300 IN CNAME host.lab.example.test.",
            "Authority lab.example.test. 300 IN NS ns.lab.example.test.",
            "Authority lab.example.test. 300 IN NS ns.elsewhere.test.",
            "Additional ns.lab.example.test. 300 IN A 192.0.2.100"] },
        { "intolab.example.test.", "MX", AnswerPlanEnd.Referral, ResponseCode.NoError, true, [
            "Answer intolab.example.test. 300 IN CNAME host.lab.example.test.",
            "Authority lab.example.test. 300 IN NS ns.lab.example.test.",
            "Authority lab.example.test. 300 IN NS ns.elsewhere.test.",
            "Additional ns.lab.example.test. 300 IN A 192.0.2.100"] },
        { "chainlab.example.test.", "A", AnswerPlanEnd.Referral, ResponseCode.NoError, true, [
            "Answer chainlab.example.test. 300 IN CNAME intolab.example.test.",
            "Answer intolab.example.test. 300 IN CNAME host.lab.example.test.",
            "Authority lab.example.test. 300 IN NS ns.lab.example.test.",
            "Authority lab.example.test. 300 IN NS ns.elsewhere.test.",
            "Additional ns.lab.example.test. 300 IN A 192.0.2.100"] },
        { "tolab.example.test.", "A", AnswerPlanEnd.Referral, ResponseCode.NoError, true, [
            "Answer tolab.example.test. 300 IN CNAME lab.example.test.",
            "Authority lab.example.test. 300 IN NS ns.lab.example.test.",
            "Authority lab.example.test. 300 IN NS ns.elsewhere.test.",
            "Additional ns.lab.example.test. 300 IN A 192.0.2.100"] },

        // A loop stops where it closes, as Knot does.
        { "loop1.example.test.", "A", AnswerPlanEnd.CnameLoop, ResponseCode.NoError, true, [
            "Answer loop1.example.test. 300 IN CNAME loop2.example.test.",
            "Answer loop2.example.test. 300 IN CNAME loop1.example.test."] },
        { "self.example.test.", "A", AnswerPlanEnd.CnameLoop, ResponseCode.NoError, true, ["Answer self.example.test. 300 IN CNAME self.example.test."] },

        // At most MaxCnameChain (8) answers: seven CNAMEs and the data fit, eight CNAMEs are cut there.
        { "c3.example.test.", "A", AnswerPlanEnd.Answer, ResponseCode.NoError, true, [
            "Answer c3.example.test. 300 IN CNAME c4.example.test.",
            "Answer c4.example.test. 300 IN CNAME c5.example.test.",
            "Answer c5.example.test. 300 IN CNAME c6.example.test.",
            "Answer c6.example.test. 300 IN CNAME c7.example.test.",
            "Answer c7.example.test. 300 IN CNAME c8.example.test.",
            "Answer c8.example.test. 300 IN CNAME c9.example.test.",
            "Answer c9.example.test. 300 IN CNAME c10.example.test.",
            "Answer c10.example.test. 300 IN A 192.0.2.10"] },
        { "c2.example.test.", "A", AnswerPlanEnd.CnameChainLimit, ResponseCode.NoError, true, [
            "Answer c2.example.test. 300 IN CNAME c3.example.test.",
            "Answer c3.example.test. 300 IN CNAME c4.example.test.",
            "Answer c4.example.test. 300 IN CNAME c5.example.test.",
            "Answer c5.example.test. 300 IN CNAME c6.example.test.",
            "Answer c6.example.test. 300 IN CNAME c7.example.test.",
            "Answer c7.example.test. 300 IN CNAME c8.example.test.",
            "Answer c8.example.test. 300 IN CNAME c9.example.test.",
            "Answer c9.example.test. 300 IN CNAME c10.example.test."] },

        // A referral: the cut's NS in Authority (owner a suffix of the question), glue in Additional, AA clear.
        { "deep.x.lab.example.test.", "A", AnswerPlanEnd.Referral, ResponseCode.NoError, false, [
            "Authority lab.example.test. 300 IN NS ns.lab.example.test.",
            "Authority lab.example.test. 300 IN NS ns.elsewhere.test.",
            "Additional ns.lab.example.test. 300 IN A 192.0.2.100"] },

        // Nothing served here: no records, no AA.
        { "www.elsewhere.test.", "A", AnswerPlanEnd.Refused, ResponseCode.Refused, false, [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Resolve_Question_PlansTheWholeReply(string qname, string qtype, AnswerPlanEnd end, ResponseCode rcode, bool authoritative, string[] expected)
    {
        var question = ZoneText.Name(qname);

        var plan = AnswerResolver.Resolve(Snapshot, question, Enum.Parse<RecordType>(qtype));

        plan.End.Should().Be(end);
        plan.ResponseCode.Should().Be(rcode);
        plan.IsAuthoritative.Should().Be(authoritative);
        plan.Snapshot.Should().BeSameAs(Snapshot);
        ZoneText.Format(question, plan).Should().Equal(expected);
    }

    [Fact]
    public void Resolve_MixedCaseQuestion_MatchesAndPointsAtTheQuestionAsWritten()
    {
        var question = ZoneText.Name("CHAIN.Example.TEST.");

        var plan = AnswerResolver.Resolve(Snapshot, question, RecordType.A);

        plan.End.Should().Be(AnswerPlanEnd.Answer);
        question.Should().Equal(ZoneText.Name("CHAIN.Example.TEST."), "the question is not lowered in place");
        ZoneText.Format(question, plan)[0].Should().Be("Answer CHAIN.Example.TEST. 300 IN CNAME ftp.example.test.", "the first owner is the question, 0x20 case kept");
    }

    [Fact]
    public void Resolve_Chain_EntriesCarryTheirNodeAndWildcardForExplaining()
    {
        var plan = AnswerResolver.Resolve(Snapshot, ZoneText.Name("x.cw.example.test."), RecordType.A);

        var entries = plan.Entries.ToArray();
        entries.Select(e => (e.Node?.ToString(), e.IsWildcard)).Should().Equal(("*.cw.example.test.", true), ("www.example.test.", false));
        entries.Select(e => e.OwnerEntry).Should().Equal(AnswerPlanEntry.Question, 0);
        entries.Should().OnlyContain(e => e.Section != DnsSection.Additional, "Additional is enumerated apart");
        plan.Zone!.Name.Should().Be("example.test.");
        plan.EndNode.Should().BeNull();
    }

    [Fact]
    public void Resolve_EndStates_NameTheNodeTheyStoppedAt()
    {
        var loop = AnswerResolver.Resolve(Snapshot, ZoneText.Name("loop1.example.test."), RecordType.A);
        loop.EndNode!.ToString().Should().Be("loop1.example.test.", "the loop closes where it began");

        var referral = AnswerResolver.Resolve(Snapshot, ZoneText.Name("deep.x.lab.example.test."), RecordType.A);
        referral.EndNode!.ToString().Should().Be("lab.example.test.");

        var cnameToCut = AnswerResolver.Resolve(Snapshot, ZoneText.Name("intolab.example.test."), RecordType.A);
        cnameToCut.EndNode!.ToString().Should().Be("lab.example.test.", "the chain ends at the delegation");
        cnameToCut.Entries[1].OwnerEntry.Should().Be(0, "the NS owner points into the CNAME's target");

        var noData = AnswerResolver.Resolve(Snapshot, ZoneText.Name("ftp.example.test."), RecordType.AAAA);
        noData.EndNode!.ToString().Should().Be("www.example.test.");

        var refused = AnswerResolver.Resolve(Snapshot, ZoneText.Name("www.elsewhere.test."), RecordType.A);
        refused.Zone.Should().BeNull();
        refused.EndNode.Should().BeNull();
        refused.Count.Should().Be(0);
    }

    [Fact]
    public void Resolve_Additional_DroppedWithoutTruncation()
    {
        var plan = AnswerResolver.Resolve(Snapshot, ZoneText.Name("example.test."), RecordType.MX);

        var additional = new List<AnswerPlanEntry>();
        foreach (var entry in plan.Additional)
        {
            additional.Add(entry);
        }

        additional.Should().HaveCount(2).And.OnlyContain(e => e.Section == DnsSection.Additional && e.OwnerEntry == 0 && e.Node == null);
    }

    [Fact]
    public void Resolve_DefaultPlan_IsEmpty()
    {
        var plan = default(AnswerPlan);

        plan.Entries.IsEmpty.Should().BeTrue();
        plan.Additional.GetEnumerator().MoveNext().Should().BeFalse();
    }

    [Fact]
    public void Resolve_AnyQuestion_DoesNotAllocate()
    {
        var questions = new[] { "www.example.test.", "chain.example.test.", "loop1.example.test.", "c1.example.test.", "dangling.example.test.", "ext.example.test.", "deep.x.lab.example.test.", "chainlab.example.test.", "example.test.", "www.elsewhere.test." }
            .Select(ZoneText.Name).ToArray();
        var types = new[] { RecordType.A, RecordType.MX, RecordType.ANY };
        var sum = Walk();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            sum += Walk();
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0, "resolving and walking a plan is on the query path, which must not allocate");
        sum.Should().BePositive();

        int Walk()
        {
            var records = 0;
            foreach (var question in questions)
            {
                foreach (var type in types)
                {
                    var plan = AnswerResolver.Resolve(Snapshot, question, type);
                    foreach (ref readonly var entry in plan.Entries)
                    {
                        records += entry.RRset.Count;
                    }

                    foreach (var entry in plan.Additional)
                    {
                        records += entry.RRset.Count;
                    }
                }
            }

            return records;
        }
    }
}
