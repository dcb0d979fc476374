using System.Buffers.Binary;
using FailoverDns.Protocol;
using FailoverDns.Protocol.Dnssec;
using FailoverDns.Testing;
using FailoverDns.Zones.Failover;
using FailoverDns.Zones.Lookup;
using FailoverDns.Zones.Text;

namespace FailoverDns.Zones.Tests.Signing;

/// <summary>
/// A signed zone as the snapshot builds it: every RRset and every failover variant signed ahead of
/// time, the NSEC chain in canonical order with a variant for a NODATA policy, and the proofs a plan
/// carries for a client that set DO. Validators check the same end to end (Server tests).
/// </summary>
public sealed class SignedZoneTests : IDisposable
{
    private const string Records = """
        @ 3600 IN SOA ns1.example.test. hostmaster.example.test. 1 7200 900 1209600 300
        @ IN NS ns1
        ns1 IN A 192.0.2.53
        Mail IN MX 10 ns1.Example.Test.
        *.wild IN TXT "any"
        a.b IN A 192.0.2.9
        sub IN NS ns.sub
        ns.sub IN A 192.0.2.99
        secure IN NS ns.secure
        secure IN DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
        ns.secure IN A 192.0.2.98
        """;

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly SigningKey _key = SigningKey.Generate(DnssecAlgorithm.EcdsaP256Sha256);

    public void Dispose() => _key.Dispose();

    [Fact]
    public void Build_EverySignatureVerifies_WithTheTtlConfiguredAndOneLabelLessForAWildcard()
    {
        var snapshot = Build();

        snapshot.Signed.Should().NotBeEmpty();
        foreach (var entry in snapshot.Signed)
        {
            var served = snapshot.Resolve(entry.RRset)!;
            var rrsig = snapshot.Signatures(served)!.Data.Should().ContainSingle().Subject;
            var signer = DnsName.MeasureUncompressed(rrsig.AsSpan(18));
            var header = rrsig.AsSpan(0, 18 + signer);
            var data = RrsigSigner.SignedData(header, entry.Owner, served.Type, entry.OriginalTtl, served.Data);
            _key.Verify(data, rrsig.AsSpan(18 + signer)).Should().BeTrue($"the RRSIG of {DnsName.ToText(entry.Owner)} {served.Type} verifies");
            BinaryPrimitives.ReadUInt16BigEndian(rrsig).Should().Be((ushort)served.Type);
            rrsig[3].Should().Be((byte)(DnsName.CountLabels(entry.Owner) - (DnsName.ToText(entry.Owner).StartsWith('*') ? 1 : 0)));
            BinaryPrimitives.ReadUInt32BigEndian(rrsig.AsSpan(12)).Should().Be((uint)(Now - ZoneSigningOptions.InceptionSkew).ToUnixTimeSeconds());
            BinaryPrimitives.ReadUInt32BigEndian(rrsig.AsSpan(8)).Should().Be((uint)(Now + ZoneSigningOptions.DefaultValidity).ToUnixTimeSeconds());
        }

        var unsettled = snapshot.FailoverSets.Single(s => s.Name == "www.example.test.").UnsettledTiers[0];
        snapshot.Signatures(unsettled)!.Ttl.Should().Be(5, "the RRSIG goes out with the TTL served");
        BinaryPrimitives.ReadUInt32BigEndian(snapshot.Signatures(unsettled)!.Data[0].AsSpan(4)).Should().Be(60, "the original TTL is signed (RFC 4035 §5.3.3)");
    }

    [Fact]
    public void Build_NsecChain_CanonicalOrderWithoutGlueOrEmptyNames_AndTheTypesAtEachName()
    {
        var snapshot = Build();
        var zone = snapshot.Zones[0];

        zone.NsecChain.Select(n => n.ToString()).Should().Equal(
            "example.test.", "a.b.example.test.", "mail.example.test.", "ns1.example.test.", "only.example.test.", "secure.example.test.", "sub.example.test.", "*.wild.example.test.", "www.example.test.");
        Types(snapshot, "example.test.").Should().Equal(RecordType.NS, RecordType.SOA, RecordType.RRSIG, RecordType.NSEC, RecordType.DNSKEY);
        Types(snapshot, "sub.example.test.").Should().Equal(RecordType.NS, RecordType.RRSIG, RecordType.NSEC);
        Types(snapshot, "secure.example.test.").Should().Equal(RecordType.NS, RecordType.DS, RecordType.RRSIG, RecordType.NSEC);
        snapshot.Signatures(snapshot.FindNode(ZoneText.Name("secure.example.test."))!.Find(RecordType.DS)!).Should().NotBeNull("the parent signs a child's DS");
        Next(snapshot, "www.example.test.").Should().Be("example.test.", "the chain wraps to the apex");
        snapshot.Signatures(snapshot.FindNode(ZoneText.Name("sub.example.test."))!.Find(RecordType.NS)!).Should().BeNull("a delegation's NS is the child's to sign");
    }

    [Fact]
    public void WithFailoverAnswers_NodataPolicy_ServesTheSignedNsecWithoutTheType_AndBackOnRecovery()
    {
        var snapshot = Build();
        var only = snapshot.FindNode(ZoneText.Name("only.example.test."))!;
        var set = snapshot.FailoverSets.Single(s => s.Name == "only.example.test.");
        Types(snapshot, "only.example.test.").Should().Contain(RecordType.AAAA);

        var answers = snapshot.CopyFailoverAnswers();
        answers[set.Slot] = set.Answer(new FailoverDecision(-1, true, AllUnhealthyPolicy.NoData));
        var failed = snapshot.WithFailoverAnswers(answers);

        Types(failed, "only.example.test.").Should().Equal(RecordType.RRSIG, RecordType.NSEC);
        failed.Signatures(failed.Nsec(only)!).Should().NotBeNull();
        var plan = AnswerResolver.Resolve(failed, ZoneText.Name("only.example.test."), RecordType.AAAA, dnssec: true);
        plan.End.Should().Be(AnswerPlanEnd.NoData);
        Enumerable.Range(0, plan.ProofCount).Select(i => plan.Proof(i)).Should().Contain(failed.Nsec(only)!);
        Types(failed.WithFailoverAnswers(snapshot.CopyFailoverAnswers()), "only.example.test.").Should().Contain(RecordType.AAAA);
    }

    [Theory]
    [InlineData("nope.example.test.", RecordType.A, "Authority example.test. 300 IN SOA", "Authority mail.example.test. 300 IN NSEC ns1.example.test. MX RRSIG NSEC", "Authority example.test. 300 IN NSEC a.b.example.test. NS SOA RRSIG NSEC DNSKEY")]
    [InlineData("b.example.test.", RecordType.A, "Authority example.test. 300 IN SOA", "Authority example.test. 300 IN NSEC a.b.example.test. NS SOA RRSIG NSEC DNSKEY")]
    [InlineData("ns1.example.test.", RecordType.AAAA, "Authority example.test. 300 IN SOA", "Authority ns1.example.test. 300 IN NSEC only.example.test. A RRSIG NSEC")]
    [InlineData("x.wild.example.test.", RecordType.TXT, "Answer x.wild.example.test. 3600 IN TXT \"any\"", "Authority *.wild.example.test. 300 IN NSEC www.example.test. TXT RRSIG NSEC")]
    [InlineData("x.wild.example.test.", RecordType.A, "Authority example.test. 300 IN SOA", "Authority *.wild.example.test. 300 IN NSEC www.example.test. TXT RRSIG NSEC")]
    [InlineData("host.sub.example.test.", RecordType.A, "Authority sub.example.test. 3600 IN NS ns.sub.example.test.", "Authority sub.example.test. 300 IN NSEC *.wild.example.test. NS RRSIG NSEC")]
    [InlineData("host.secure.example.test.", RecordType.A, "Authority secure.example.test. 3600 IN NS ns.secure.example.test.", "Authority secure.example.test. 3600 IN DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF01234567 89ABCDEF")]
    public void Resolve_WithDnssec_CarriesTheProofs(string name, RecordType type, params string[] expected)
    {
        var snapshot = Build();
        var question = ZoneText.Name(name);

        var plan = AnswerResolver.Resolve(snapshot, question, type, dnssec: true);
        var unsigned = AnswerResolver.Resolve(snapshot, question, type);

        ZoneText.Format(question, plan).Select(l => l.StartsWith("Authority example.test. 300 IN SOA", StringComparison.Ordinal) ? "Authority example.test. 300 IN SOA" : l)
            .Where(l => !l.StartsWith("Additional", StringComparison.Ordinal)).Should().Equal(expected);
        unsigned.ProofCount.Should().Be(0, "without DO nothing is added");
    }

    [Fact]
    public void Build_DnssecRecordsWrittenInASignedZone_Refused()
    {
        var errors = new List<ConfigError>();
        var definition = ZoneText.Definitions(errors, ("example.test.", Records + "\nx IN TYPE47 \\# 3 000003\n"))[0] with { Signing = new ZoneSigningOptions([_key]) };

        ZoneSnapshotBuilder.Build([definition], errors).Should().BeNull();
        errors.Select(e => e.ToString()).Should().ContainSingle().Which.Should().EndWith("zone example.test. is signed here (dnssec): its NSEC records are made by the signer, not written in the zone");
    }

    private ZoneSnapshot Build()
    {
        var errors = new List<ConfigError>();
        var location = new SourceLocation("test", 1, 1);
        var definition = ZoneText.Definitions(errors, ("example.test.", Records))[0] with
        {
            Signing = new ZoneSigningOptions([_key]),
            Failover =
            [
                new FailoverSetDefinition(ZoneText.Name("www.example.test."), RecordType.A, 60, [new([[192, 0, 2, 1]], "web", location), new([[192, 0, 2, 2]], null, location)], AllUnhealthyPolicy.Primary, location),
                new FailoverSetDefinition(ZoneText.Name("only.example.test."), RecordType.AAAA, 60, [new([new byte[16]], "web", location)], AllUnhealthyPolicy.NoData, location),
            ],
        };
        var snapshot = ZoneSnapshotBuilder.Build([definition], errors, new FixedClock(Now));
        errors.Should().BeEmpty();
        return snapshot!;
    }

    private static List<RecordType> Types(ZoneSnapshot snapshot, string name) =>
        [.. NsecData.Types(snapshot.Nsec(snapshot.FindNode(ZoneText.Name(name))!)!.Data[0])];

    private static string Next(ZoneSnapshot snapshot, string name)
    {
        var rdata = snapshot.Nsec(snapshot.FindNode(ZoneText.Name(name))!)!.Data[0];
        return DnsName.ToText(rdata.AsSpan(0, DnsName.MeasureUncompressed(rdata)));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
