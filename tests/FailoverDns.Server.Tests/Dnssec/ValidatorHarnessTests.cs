using System.Globalization;
using System.Text.RegularExpressions;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Dnssec;

/// <summary>
/// A zone signed by BIND's tools and a copy with one signature damaged, each served by knotd: the
/// validators (Unbound, delv, dnssec-verify) must accept the first and reject the second, or the
/// harness could not be trusted to judge FailoverDns's own signing.
/// </summary>
public sealed partial class SignedZoneFixture : IAsyncLifetime
{
    public const string Zone = "example.test";

    private const string ZoneText = """
        $ORIGIN example.test.
        $TTL 300
        @       IN SOA  ns1 hostmaster 1 3600 600 86400 60
        @       IN NS   ns1
        @       IN MX   10 mail
        ns1     IN A    192.0.2.53
        www     IN A    192.0.2.80
        mail    IN A    192.0.2.25
        *.wild  IN A    192.0.2.99
        ; b.example.test is an empty non-terminal: only a.b has records.
        a.b     IN A    192.0.2.11
        ; An unsigned child: no DS, so everything below it is insecure.
        sub     IN NS   ns.sub
        ns.sub  IN A    192.0.2.54

        """;

    private const string ChildZoneText = """
        $ORIGIN sub.example.test.
        $TTL 300
        @       IN SOA  ns hostmaster 1 3600 600 86400 60
        @       IN NS   ns
        ns      IN A    192.0.2.54
        host    IN A    192.0.2.77

        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("failoverdns-dnssec-").FullName;
    private readonly List<IAsyncDisposable> _running = [];

    internal TrustAnchor Anchor { get; private set; } = null!;

    internal int GoodPort { get; private set; }

    internal int TamperedPort { get; private set; }

    internal ValidatingUnbound Good { get; private set; } = null!;

    internal ValidatingUnbound Tampered { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var signed = await DnssecSigner.SignAsync(_directory, Zone, ZoneText);
        Anchor = signed.Anchor;
        var tamperedFile = Path.Combine(_directory, "tampered.signed");
        await File.WriteAllTextAsync(tamperedFile, DamageSignatureOfWww(await File.ReadAllTextAsync(signed.Path)));

        GoodPort = FreePort.Next();
        _running.Add(await Daemon.StartKnotAsync(Path.Combine(_directory, "knot-good"), GoodPort, Zone, signed.Path, allowTransfer: true));
        TamperedPort = FreePort.Next();
        _running.Add(await Daemon.StartKnotAsync(Path.Combine(_directory, "knot-tampered"), TamperedPort, Zone, tamperedFile, allowTransfer: true));
        var childFile = Path.Combine(_directory, "sub.example.test.zone");
        await File.WriteAllTextAsync(childFile, ChildZoneText);
        var childPort = FreePort.Next();
        _running.Add(await Daemon.StartKnotAsync(Path.Combine(_directory, "knot-child"), childPort, "sub.example.test", childFile));
        Good = await ValidatingUnbound.StartAsync(Zone, GoodPort, Anchor, ("sub.example.test", childPort));
        _running.Add(Good);
        Tampered = await ValidatingUnbound.StartAsync(Zone, TamperedPort, Anchor);
        _running.Add(Tampered);
    }

    public async Task DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_running))
        {
            await process.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The signed zone with one base64 character changed in the signature over www's A RRset, all else as signed.</summary>
    internal static string DamageSignatureOfWww(string signedText)
    {
        var lines = signedText.Split('\n');
        var index = Array.FindIndex(lines, l => WwwAddressSignature().IsMatch(l));
        if (index < 0)
        {
            throw new InvalidOperationException($"no RRSIG over www's A RRset in:\n{signedText}");
        }

        // Fields after RRSIG: type covered, algorithm, labels, original TTL, expiration, inception, key tag, signer, signature…
        var fields = lines[index].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var signature = Array.IndexOf(fields, "RRSIG") + 9;
        var chars = fields[signature].ToCharArray();
        chars[8] = chars[8] == 'A' ? 'B' : 'A';
        fields[signature] = new string(chars);
        lines[index] = string.Join(' ', fields);
        return string.Join('\n', lines);
    }

    [GeneratedRegex(@"^www\.example\.test\.\s+\d+\s+IN\s+RRSIG\s+A\s")]
    private static partial Regex WwwAddressSignature();
}

public sealed class ValidatorHarnessTests(SignedZoneFixture zone) : IClassFixture<SignedZoneFixture>
{
    [Theory]
    [InlineData("www.example.test", "A", "NOERROR", "www.example.test. 300 IN A 192.0.2.80")]
    [InlineData("example.test", "MX", "NOERROR", "example.test. 300 IN MX 10 mail.example.test.")]
    [InlineData("nothere.example.test", "A", "NXDOMAIN", null)]
    [InlineData("www.example.test", "MX", "NOERROR", null)]
    [InlineData("anything.wild.example.test", "A", "NOERROR", "anything.wild.example.test. 300 IN A 192.0.2.99")]
    [InlineData("b.example.test", "A", "NOERROR", null)]
    public async Task Unbound_SignedZone_ValidatesAnswersAndDenials(string name, string type, string status, string? answer)
    {
        var reply = await zone.Good.QueryAsync(name, type);

        reply.Status.Should().Be(status, zone.Good.Log);
        reply.Authenticated.Should().BeTrue($"Unbound validated {name} {type} (flags: {reply.Flags}); its log:\n{zone.Good.Log}");
        var records = reply.Answer.Where(r => !r.Contains(" RRSIG ", StringComparison.Ordinal));
        if (answer is null)
        {
            records.Should().BeEmpty();
        }
        else
        {
            var (ttl, rest) = SplitTtl(records.Should().ContainSingle().Subject);
            var (expectedTtl, expectedRest) = SplitTtl(answer);
            rest.Should().Be(expectedRest);
            ttl.Should().BeInRange(1, expectedTtl, "the Unbound is shared by the class: an earlier test may have left the answer in its cache, its TTL counting down");
            reply.Answer.Should().Contain(r => r.Contains(" RRSIG ", StringComparison.Ordinal), "+dnssec shows the signature");
        }
    }

    /// <summary>A record as dig prints it, its TTL taken out: (300, "www.example.test. IN A 192.0.2.80").</summary>
    private static (int Ttl, string Others) SplitTtl(string record)
    {
        var fields = record.Split(' ', 3);
        return (int.Parse(fields[1], CultureInfo.InvariantCulture), fields[0] + " " + fields[2]);
    }

    [Fact]
    public async Task Unbound_UnsignedChild_AnswersInsecure()
    {
        var reply = await zone.Good.QueryAsync("host.sub.example.test");

        reply.Status.Should().Be("NOERROR", zone.Good.Log);
        reply.Answer.Should().Equal("host.sub.example.test. 300 IN A 192.0.2.77");
        reply.Authenticated.Should().BeFalse("the parent proves sub has no DS, so the child's answer is insecure, neither secure nor bogus");
    }

    [Fact]
    public async Task Unbound_UnsignedDelegation_ProvesThereIsNoDs()
    {
        // The proof that sub is insecure: the parent's signed denial of its DS.
        var reply = await zone.Good.QueryAsync("sub.example.test", "DS");

        reply.Status.Should().Be("NOERROR");
        reply.Answer.Should().BeEmpty();
        reply.Authenticated.Should().BeTrue(zone.Good.Log);
        reply.Authority.Should().Contain(r => r.StartsWith("sub.example.test. ", StringComparison.Ordinal) && r.Contains(" NSEC ", StringComparison.Ordinal) && !r.Contains(" DS ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unbound_AfterFlush_AsksAgainAndValidates()
    {
        await zone.Good.QueryAsync("mail.example.test");

        var removed = await zone.Good.FlushAsync();
        var reply = await zone.Good.QueryAsync("mail.example.test");

        removed.Should().BePositive("mail's A RRset and the zone's keys were cached");
        reply.Authenticated.Should().BeTrue(zone.Good.Log);
        reply.Answer.Should().Contain("mail.example.test. 300 IN A 192.0.2.25");
    }

    [Fact]
    public async Task Unbound_DamagedSignature_ServfailsForThatNameOnly()
    {
        var www = await zone.Tampered.QueryAsync("www.example.test");
        var mail = await zone.Tampered.QueryAsync("mail.example.test");

        www.Status.Should().Be("SERVFAIL", $"the signature over www's A RRset is damaged; Unbound's log:\n{zone.Tampered.Log}");
        www.Answer.Should().BeEmpty();
        www.Raw.Should().Contain("EDE: 6 (DNSSEC Bogus)", "Unbound says why (ede: yes)");
        mail.Status.Should().Be("NOERROR", "the rest of the zone is signed as it was");
        mail.Authenticated.Should().BeTrue(zone.Tampered.Log);
    }

    [Theory]
    [InlineData("www.example.test", "A")]
    [InlineData("nothere.example.test", "A")]
    [InlineData("anything.wild.example.test", "A")]
    public async Task Delv_SignedZone_FullyValidates(string name, string type)
    {
        var result = await Delv.QueryAsync(zone.GoodPort, zone.Anchor, name, type);

        result.FullyValidated.Should().BeTrue(result.Output);
    }

    [Fact]
    public async Task Delv_DamagedSignature_Fails()
    {
        var result = await Delv.QueryAsync(zone.TamperedPort, zone.Anchor, "www.example.test");

        result.FullyValidated.Should().BeFalse(result.Output);
        result.ResolutionFailure.Should().NotBeNull(result.Output).And.NotStartWith("ncache", "not a denial but a failure");
    }

    [Fact]
    public async Task DnssecVerify_TransferredSignedZone_Verifies()
    {
        var text = await Tool.AxfrAsync(zone.GoodPort, SignedZoneFixture.Zone);

        var (exitCode, output) = await DnssecVerify.RunAsync(text, SignedZoneFixture.Zone);

        exitCode.Should().Be(0, output);
        output.Should().Contain("Zone fully signed");
    }

    [Fact]
    public async Task DnssecVerify_TransferredDamagedZone_Fails()
    {
        var text = await Tool.AxfrAsync(zone.TamperedPort, SignedZoneFixture.Zone);

        var (exitCode, output) = await DnssecVerify.RunAsync(text, SignedZoneFixture.Zone);

        exitCode.Should().NotBe(0, output);
    }

    [Fact]
    public void TrustAnchor_DnskeyRecord_BecomesStaticKey()
    {
        var anchor = TrustAnchor.Parse("; This is a key-signing key\nexample.test. 3600 IN DNSKEY 257 3 13 abcd efgh\n");

        anchor.UnboundLine.Should().Be("example.test. DNSKEY 257 3 13 abcd efgh");
        anchor.BindStatement.Should().Be("trust-anchors { \"example.test.\" static-key 257 3 13 \"abcdefgh\"; };\n");
    }
}
