using FailoverDns.Protocol;
using FailoverDns.Testing;
using FailoverDns.Zones.Failover;
using FailoverDns.Zones.Lookup;
using FailoverDns.Zones.Model;
using FailoverDns.Zones.Text;

namespace FailoverDns.Zones.Tests.Lookup;

/// <summary>
/// Lookups of names that hold failover sets: the node holds a placeholder and the snapshot says
/// which tier (or nothing, or SERVFAIL) it answers; a new snapshot switches without touching the old.
/// </summary>
public sealed class FailoverLookupTests
{
    // The zone's plain records, as ConfigLoader would read them from YAML with its defaults
    // (TTL 3600, failover sets 60, SOA refresh 3600, retry 900, expire 1209600); the failover sets are built below.
    private const string Records = """
        @ IN SOA ns1 hostmaster 1 3600 900 1209600 120
        @ IN NS ns1
        ns1 IN A 192.0.2.53
        @ IN MX 10 mail
        @ IN MX 20 mx.example.net.
        www IN TXT "web"
        alias IN CNAME www
        """;

    // Negative answers: SOA TTL = min(SOA TTL 3600, SOA MINIMUM 120) (RFC 2308 §3).
    private const string Soa = "example.test. 120 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 900 1209600 120";

    private static readonly ZoneSnapshot Initial = Load();

    [Fact]
    public void Build_FailoverSets_CompiledWithEveryTierPreEncoded()
    {
        Initial.FailoverSets.Select(s => $"{s.Name} {RecordTypeNames.ToName(s.Type)}").Should().BeEquivalentTo(
            "www.example.test. A", "mail.example.test. A", "only.example.test. AAAA", "api.example.test. CNAME", "*.w.example.test. A");
        Initial.FailoverSets.Select(s => s.Slot).Should().Equal(Enumerable.Range(0, Initial.FailoverSets.Count), "a set's slot is its index");

        var only = Set(Initial, "only.example.test.", RecordType.AAAA);
        only.Tiers.Select(t => ZoneText.Format(only.Definition.Name, t).Single()).Should().Equal(
            "only.example.test. 60 IN AAAA 2001:db8::1",
            "only.example.test. 60 IN AAAA 2001:db8::2",
            "only.example.test. 60 IN AAAA 2001:db8::3");
        ZoneText.Format(ZoneText.Name("mail.example.test."), Set(Initial, "mail.example.test.", RecordType.A).Tiers[0])
            .Should().Equal(["mail.example.test. 30 IN A 192.0.2.25"], "identical values in a tier collapse into one record (RFC 2181 §5)");
    }

    [Fact]
    public void Find_FreshSnapshot_ServesEveryPrimaryTier()
    {
        Answer(Initial, "www.example.test.", RecordType.A).Should().Equal("www.example.test. 60 IN A 192.0.2.1");
        Answer(Initial, "mail.example.test.", RecordType.A).Should().Equal("mail.example.test. 30 IN A 192.0.2.25");
        Answer(Initial, "only.example.test.", RecordType.AAAA).Should().Equal("only.example.test. 60 IN AAAA 2001:db8::1");
        Answer(Initial, "api.example.test.", RecordType.CNAME).Should().Equal("api.example.test. 60 IN CNAME api.east.example.net.");
        Answer(Initial, "x.w.example.test.", RecordType.A).Should().Equal("x.w.example.test. 60 IN A 192.0.2.80");
        foreach (var set in Initial.FailoverSets)
        {
            Initial.ActiveAnswer(set).Should().BeSameAs(set.Tiers[0], "until health is known every set serves its primary");
        }
    }

    [Fact]
    public void Find_FailoverSetBesidePlainRecords_PlainRecordsUnaffected()
    {
        Answer(Initial, "www.example.test.", RecordType.TXT).Should().Equal("www.example.test. 3600 IN TXT \"web\"");

        var switched = With(Initial, ("www.example.test.", RecordType.A, 1));

        Answer(switched, "www.example.test.", RecordType.TXT).Should().Equal("www.example.test. 3600 IN TXT \"web\"");
    }

    [Fact]
    public void WithFailoverAnswers_AnotherTier_ServedWhileTheOriginalSnapshotIsUnchanged()
    {
        var switched = With(Initial, ("www.example.test.", RecordType.A, 1), ("only.example.test.", RecordType.AAAA, 2));

        Answer(switched, "www.example.test.", RecordType.A).Should().Equal("www.example.test. 60 IN A 192.0.2.2");
        Answer(switched, "only.example.test.", RecordType.AAAA).Should().Equal("only.example.test. 60 IN AAAA 2001:db8::3");
        Answer(switched, "mail.example.test.", RecordType.A).Should().Equal(["mail.example.test. 30 IN A 192.0.2.25"], "sets not switched keep their answer");

        Answer(Initial, "www.example.test.", RecordType.A).Should().Equal("www.example.test. 60 IN A 192.0.2.1");
        Answer(Initial, "only.example.test.", RecordType.AAAA).Should().Equal("only.example.test. 60 IN AAAA 2001:db8::1");

        switched.Zones.Should().BeSameAs(Initial.Zones, "nodes and zones are shared, only the active answers differ");
        switched.FailoverSets.Should().BeSameAs(Initial.FailoverSets);
        switched.NodeCount.Should().Be(Initial.NodeCount);
    }

    [Fact]
    public void WithFailoverAnswers_BackToThePrimary_ServesThePrimaryAgain()
    {
        var secondary = With(Initial, ("www.example.test.", RecordType.A, 1));
        var back = With(secondary, ("www.example.test.", RecordType.A, 0));

        Answer(secondary, "www.example.test.", RecordType.A).Should().Equal("www.example.test. 60 IN A 192.0.2.2");
        Answer(back, "www.example.test.", RecordType.A).Should().Equal("www.example.test. 60 IN A 192.0.2.1");
    }

    [Fact]
    public void WithFailoverAnswers_WrongNumberOfAnswers_Throws()
    {
        var act = () => Initial.WithFailoverAnswers(new RRset?[Initial.FailoverSets.Count + 1]);

        act.Should().Throw<ArgumentException>().WithParameterName("answers");
    }

    [Fact]
    public void Find_WildcardFailoverSet_SynthesizesTheActiveTier()
    {
        var switched = With(Initial, ("*.w.example.test.", RecordType.A, 1));

        var result = ZoneLookup.Find(switched, ZoneText.Name("x.w.example.test."), RecordType.A);

        result.Outcome.Should().Be(LookupOutcome.Answer);
        result.IsWildcard.Should().BeTrue();
        ZoneText.Format(ZoneText.Name("x.w.example.test."), result.RRset).Should().Equal("x.w.example.test. 60 IN A 192.0.2.81");
    }

    [Theory]
    [InlineData("only.example.test.", "AAAA")]
    [InlineData("only.example.test.", "A")]
    [InlineData("www.example.test.", "A")]
    [InlineData("api.example.test.", "CNAME")]
    [InlineData("api.example.test.", "A")]
    [InlineData("x.w.example.test.", "A")]
    public void Find_NullAnswer_NoDataWithTheSoa(string name, string type)
    {
        var snapshot = WithAll(Initial, null);

        var result = ZoneLookup.Find(snapshot, ZoneText.Name(name), Enum.Parse<RecordType>(type));

        result.Outcome.Should().Be(LookupOutcome.NoData, "the name exists even when its only data answers nothing (RFC 2308 §2.2), so not NXDOMAIN");
        result.RRset.Should().BeNull();
        result.Node.Should().NotBeNull();
        ZoneText.Format(result.Zone!.Origin, result.Zone.NegativeSoa).Should().Equal(Soa);
    }

    [Fact]
    public void Find_NameWithOnlyAFailoverSet_ExistsForOtherTypes()
    {
        ZoneLookup.Find(Initial, ZoneText.Name("only.example.test."), RecordType.A).Outcome.Should().Be(LookupOutcome.NoData);
        ZoneLookup.Find(Initial, ZoneText.Name("mail.example.test."), RecordType.MX).Outcome.Should().Be(LookupOutcome.NoData);
        ZoneLookup.Find(Initial, ZoneText.Name("x.only.example.test."), RecordType.A).Outcome.Should().Be(LookupOutcome.NxDomain);
        ZoneLookup.Find(Initial, ZoneText.Name("w.example.test."), RecordType.A).Outcome.Should().Be(LookupOutcome.NoData, "the parent of a wildcard set is an empty non-terminal");
    }

    [Theory]
    [InlineData("www.example.test.", "A")]
    [InlineData("api.example.test.", "CNAME")]
    [InlineData("api.example.test.", "AAAA")]
    [InlineData("x.w.example.test.", "A")]
    public void Find_ServFailMarker_ServFailOutcome(string name, string type)
    {
        var snapshot = WithAll(Initial, RRset.ServFail);

        var result = ZoneLookup.Find(snapshot, ZoneText.Name(name), Enum.Parse<RecordType>(type));

        result.Outcome.Should().Be(LookupOutcome.ServFail);
        result.RRset.Should().BeNull("the marker itself is never an answer to write");
        result.Node.Should().NotBeNull();
        result.Zone!.Name.Should().Be("example.test.");
    }

    [Fact]
    public void Find_ServFailMarker_OtherTypesOfTheNameStillAnswered()
    {
        var snapshot = WithAll(Initial, RRset.ServFail);

        Answer(snapshot, "www.example.test.", RecordType.TXT).Should().Equal("www.example.test. 3600 IN TXT \"web\"");
        ZoneLookup.Find(snapshot, ZoneText.Name("www.example.test."), RecordType.AAAA).Outcome.Should().Be(LookupOutcome.NoData);
    }

    [Fact]
    public void Find_CnameFailoverSet_AnswersEveryTypeWithTheActiveCname()
    {
        var switched = With(Initial, ("api.example.test.", RecordType.CNAME, 1));

        foreach (var type in new[] { RecordType.A, RecordType.AAAA, RecordType.MX, RecordType.CNAME })
        {
            Answer(Initial, "api.example.test.", type).Should().Equal("api.example.test. 60 IN CNAME api.east.example.net.");
            Answer(switched, "api.example.test.", type).Should().Equal("api.example.test. 60 IN CNAME api.west.example.net.");
        }

        var result = ZoneLookup.Find(switched, ZoneText.Name("api.example.test."), RecordType.A);
        result.RRset!.Type.Should().Be(RecordType.CNAME, "the caller follows a CNAME by the answer's type");
        result.RRset.CnameTarget.ToArray().Should().Equal(Wire.Name("api.west.example.net"));
        result.Node!.Cname.Should().NotBeNull();
        result.Node.Cname!.FailoverSlot.Should().BeGreaterThanOrEqualTo(0, "the node holds the placeholder, not a tier");
    }

    [Fact]
    public void Find_Any_SkipsNoDataAndServFailPlaceholders()
    {
        Answer(Initial, "www.example.test.", RecordType.ANY).Should().Equal(["www.example.test. 60 IN A 192.0.2.1"], "A sorts before TXT (RFC 8482 §4.1)");

        foreach (var marker in new[] { null, RRset.ServFail })
        {
            var snapshot = WithAll(Initial, marker);

            Answer(snapshot, "www.example.test.", RecordType.ANY).Should().Equal("www.example.test. 3600 IN TXT \"web\"");
            var only = ZoneLookup.Find(snapshot, ZoneText.Name("only.example.test."), RecordType.ANY);
            only.Outcome.Should().Be(LookupOutcome.NoData, "ANY never fails the query for one set (marker {0})", marker is null ? "null" : "ServFail");
            only.RRset.Should().BeNull();
        }
    }

    [Fact]
    public void Find_AnyWithPrimaryServed_AnswersTheActiveTier()
    {
        var switched = With(Initial, ("api.example.test.", RecordType.CNAME, 1));

        Answer(switched, "api.example.test.", RecordType.ANY).Should().Equal("api.example.test. 60 IN CNAME api.west.example.net.");
    }

    [Fact]
    public void Find_MxTargetIsAFailoverSet_AdditionalResolvesToTheActiveTier()
    {
        var result = ZoneLookup.Find(Initial, ZoneText.Name("example.test."), RecordType.MX);

        result.Outcome.Should().Be(LookupOutcome.Answer);
        var target = result.RRset!.Additional.Should().ContainSingle("only mail.example.test. is in the zone").Subject;
        target.RecordIndex.Should().Be(0);
        target.Aaaa.Should().BeNull();
        target.A!.FailoverSlot.Should().Be(Set(Initial, "mail.example.test.", RecordType.A).Slot, "the link holds the placeholder, resolved per snapshot");

        var mail = ZoneText.Name("mail.example.test.");
        ZoneText.Format(mail, Initial.Resolve(target.A)).Should().Equal("mail.example.test. 30 IN A 192.0.2.25");
        var switched = With(Initial, ("mail.example.test.", RecordType.A, 1));
        ZoneText.Format(mail, switched.Resolve(target.A)).Should().Equal("mail.example.test. 30 IN A 192.0.2.26");
        WithAll(Initial, null).Resolve(target.A).Should().BeNull();
        WithAll(Initial, RRset.ServFail).Resolve(target.A).Should().BeSameAs(RRset.ServFail);
    }

    [Fact]
    public void Resolve_PlainRRsetOrNull_ReturnedAsIs()
    {
        var txt = Initial.FindNode(ZoneText.Name("www.example.test."))!.Find(RecordType.TXT);

        txt!.FailoverSlot.Should().Be(-1);
        Initial.Resolve(txt).Should().BeSameAs(txt);
        WithAll(Initial, null).Resolve(txt).Should().BeSameAs(txt);
        Initial.Resolve(null).Should().BeNull();
    }

    [Fact]
    public void Answer_Decisions_MapToTierNothingOrServFail()
    {
        var set = Set(Initial, "only.example.test.", RecordType.AAAA);

        set.Answer(new FailoverDecision(0, false, AllUnhealthyPolicy.NoData)).Should().BeSameAs(set.Tiers[0]);
        set.Answer(new FailoverDecision(2, false, AllUnhealthyPolicy.NoData)).Should().BeSameAs(set.Tiers[2]);
        set.Answer(new FailoverDecision(0, true, AllUnhealthyPolicy.Primary)).Should().BeSameAs(set.Tiers[0]);
        set.Answer(new FailoverDecision(2, true, AllUnhealthyPolicy.LastTier)).Should().BeSameAs(set.Tiers[2]);
        set.Answer(new FailoverDecision(-1, true, AllUnhealthyPolicy.NoData)).Should().BeNull();
        set.Answer(new FailoverDecision(-1, true, AllUnhealthyPolicy.ServFail)).Should().BeSameAs(RRset.ServFail);
    }

    [Fact]
    public void Find_PolicyDecisionsPublished_AnswersFollowTheDecisionTable()
    {
        // What the coordinator does: decide per set from tier health, publish one new snapshot.
        var snapshot = Publish(Initial, [false, false, false]);
        ZoneLookup.Find(snapshot, ZoneText.Name("only.example.test."), RecordType.AAAA).Outcome.Should().Be(LookupOutcome.NoData, "its policy is nodata");
        ZoneLookup.Find(snapshot, ZoneText.Name("api.example.test."), RecordType.A).Outcome.Should().Be(LookupOutcome.ServFail, "its policy is servfail");
        Answer(snapshot, "www.example.test.", RecordType.A).Should().Equal(["www.example.test. 60 IN A 192.0.2.1"], "the default policy fails open to the primary");

        snapshot = Publish(snapshot, [false, true, true]);
        Answer(snapshot, "only.example.test.", RecordType.AAAA).Should().Equal("only.example.test. 60 IN AAAA 2001:db8::2");
        Answer(snapshot, "api.example.test.", RecordType.A).Should().Equal("api.example.test. 60 IN CNAME api.west.example.net.");
        Answer(snapshot, "www.example.test.", RecordType.A).Should().Equal("www.example.test. 60 IN A 192.0.2.2");
    }

    [Fact]
    public void Find_FailoverName_DoesNotAllocate()
    {
        var snapshots = new[] { Initial, WithAll(Initial, null), WithAll(Initial, RRset.ServFail) };
        var questions = new[] { "www.example.test.", "only.example.test.", "api.example.test.", "x.w.example.test." }.Select(ZoneText.Name).ToArray();
        foreach (var snapshot in snapshots)
        {
            foreach (var question in questions)
            {
                ZoneLookup.Find(snapshot, question, RecordType.A);
                ZoneLookup.Find(snapshot, question, RecordType.ANY);
            }
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            foreach (var snapshot in snapshots)
            {
                foreach (var question in questions)
                {
                    ZoneLookup.Find(snapshot, question, RecordType.A);
                    ZoneLookup.Find(snapshot, question, RecordType.ANY);
                }
            }
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0, "resolving a placeholder is on the query path, which must not allocate");
    }

    [Fact]
    public void Resolve_ServFailSet_ServFailWithoutAaOrRecords()
    {
        var snapshot = WithAll(Initial, RRset.ServFail);

        var plan = AnswerResolver.Resolve(snapshot, ZoneText.Name("www.example.test."), RecordType.A);

        plan.End.Should().Be(AnswerPlanEnd.ServFail);
        plan.ResponseCode.Should().Be(ResponseCode.ServFail);
        plan.IsAuthoritative.Should().BeFalse("the set's policy fails the query: no authoritative answer");
        plan.EndNode!.ToString().Should().Be("www.example.test.", "explain names the set that failed");
        plan.Count.Should().Be(0);
    }

    [Fact]
    public void Resolve_CnameToServFailSet_ChainThenServFail()
    {
        var question = ZoneText.Name("alias.example.test.");

        var plan = AnswerResolver.Resolve(WithAll(Initial, RRset.ServFail), question, RecordType.A);

        plan.End.Should().Be(AnswerPlanEnd.ServFail);
        plan.ResponseCode.Should().Be(ResponseCode.ServFail);
        plan.IsAuthoritative.Should().BeTrue("the question itself was answered from the zone");
        ZoneText.Format(question, plan).Should().Equal("Answer alias.example.test. 3600 IN CNAME www.example.test.");
    }

    [Fact]
    public void Resolve_CnameToSetAnsweringNothing_NoDataWithTheSoa()
    {
        var question = ZoneText.Name("alias.example.test.");

        var plan = AnswerResolver.Resolve(WithAll(Initial, null), question, RecordType.A);

        plan.End.Should().Be(AnswerPlanEnd.NoData);
        ZoneText.Format(question, plan).Should().Equal("Answer alias.example.test. 3600 IN CNAME www.example.test.", "Authority " + Soa);
    }

    [Fact]
    public void Resolve_MxTargetIsAFailoverSet_AdditionalHoldsTheActiveTierOrNothing()
    {
        var question = ZoneText.Name("example.test.");
        string[] mx = ["Answer example.test. 3600 IN MX 10 mail.example.test.", "Answer example.test. 3600 IN MX 20 mx.example.net."];

        var switched = AnswerResolver.Resolve(With(Initial, ("mail.example.test.", RecordType.A, 1)), question, RecordType.MX);
        var nothing = AnswerResolver.Resolve(WithAll(Initial, null), question, RecordType.MX);
        var servFail = AnswerResolver.Resolve(WithAll(Initial, RRset.ServFail), question, RecordType.MX);

        ZoneText.Format(question, switched).Should().Equal(mx[0], mx[1], "Additional mail.example.test. 30 IN A 192.0.2.26");
        ZoneText.Format(question, nothing).Should().Equal(mx, "a set answering NODATA has no address to add");
        ZoneText.Format(question, servFail).Should().Equal(mx, "nor has a set answering SERVFAIL: the answer is still served");
        servFail.ResponseCode.Should().Be(ResponseCode.NoError);
    }

    private static ZoneSnapshot Load()
    {
        var errors = new List<ConfigError>();
        var plain = ZoneText.Definitions(errors, ("example.test.", Records))[0];
        var zone = plain with
        {
            Failover =
            [
                Set("www", RecordType.A, 60, AllUnhealthyPolicy.Primary, ("192.0.2.1", "web"), ("192.0.2.2", null)),
                Set("mail", RecordType.A, 30, AllUnhealthyPolicy.Primary, ("192.0.2.25, 192.0.2.25", "web"), ("192.0.2.26", null)),
                Set("only", RecordType.AAAA, 60, AllUnhealthyPolicy.NoData, ("2001:db8::1", "web"), ("2001:db8::2", "backup"), ("2001:db8::3", null)),
                Set("api", RecordType.CNAME, 60, AllUnhealthyPolicy.ServFail, ("api.east.example.net.", "web"), ("api.west.example.net.", "backup")),
                Set("*.w", RecordType.A, 60, AllUnhealthyPolicy.Primary, ("192.0.2.80", "web"), ("192.0.2.81", null)),
            ],
        };
        var snapshot = ZoneSnapshotBuilder.Build([zone], errors);
        if (errors.Count > 0 || snapshot is null)
        {
            throw new InvalidOperationException("the test zone does not build:\n" + string.Join("\n", errors));
        }

        return snapshot;
    }

    /// <summary>A failover set of <paramref name="tiers"/> (comma-separated values, check), the values parsed as a zone file would.</summary>
    private static FailoverSetDefinition Set(string name, RecordType type, uint ttl, AllUnhealthyPolicy whenAllUnhealthy, params (string Values, string? Check)[] tiers)
    {
        var origin = ZoneText.Name("example.test.");
        var location = new SourceLocation("test", 1, 1);
        var errors = new List<ConfigError>();
        var definitions = tiers.Select(t =>
        {
            var lines = t.Values.Split(", ").Select(v => $"{name} IN {RecordTypeNames.ToName(type)} {v}");
            var records = ZoneFileParser.ParseText(string.Join('\n', lines), "test", origin, ttl, errors);
            return new FailoverTierDefinition([.. records.Select(r => r.Data)], t.Check, location);
        }).ToArray();
        errors.Should().BeEmpty();
        return new FailoverSetDefinition(ZoneText.Name(name + ".example.test."), type, ttl, definitions, whenAllUnhealthy, location);
    }

    private static FailoverSet Set(ZoneSnapshot snapshot, string name, RecordType type) =>
        snapshot.FailoverSets.Single(s => s.Name == name && s.Type == type);

    /// <summary>A snapshot in which the named sets serve the given tier and every other set what it served in <paramref name="snapshot"/>.</summary>
    private static ZoneSnapshot With(ZoneSnapshot snapshot, params (string Name, RecordType Type, int Tier)[] switches)
    {
        var answers = snapshot.FailoverSets.Select(snapshot.ActiveAnswer).ToArray();
        foreach (var (name, type, tier) in switches)
        {
            var set = Set(snapshot, name, type);
            answers[set.Slot] = set.Tiers[tier];
        }

        return snapshot.WithFailoverAnswers(answers);
    }

    /// <summary>A snapshot in which every set answers <paramref name="answer"/> (null for NODATA, or <see cref="RRset.ServFail"/>).</summary>
    private static ZoneSnapshot WithAll(ZoneSnapshot snapshot, RRset? answer) =>
        snapshot.WithFailoverAnswers([.. snapshot.FailoverSets.Select(_ => answer)]);

    /// <summary>Every set decides with tier health <paramref name="healthy"/> (cut to its tier count), as the coordinator would.</summary>
    private static ZoneSnapshot Publish(ZoneSnapshot snapshot, bool[] healthy) =>
        snapshot.WithFailoverAnswers([.. snapshot.FailoverSets.Select(s => s.Answer(FailoverPolicy.Choose(healthy[..s.Tiers.Length], s.Definition.WhenAllUnhealthy)))]);

    private static string[] Answer(ZoneSnapshot snapshot, string name, RecordType type)
    {
        var question = ZoneText.Name(name);
        var result = ZoneLookup.Find(snapshot, question, type);
        result.Outcome.Should().Be(LookupOutcome.Answer, "{0} {1} should be answered", name, type);
        return ZoneText.Format(question, result.RRset);
    }
}
