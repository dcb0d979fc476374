using FailoverDns.Protocol;
using FailoverDns.Testing;
using FailoverDns.Zones.Text;

namespace FailoverDns.Zones.Tests.Text;

public sealed class ZoneFileParserTests
{
    private static readonly byte[] Origin = ZoneText.Name("example.test.");

    [Fact]
    public void ParseText_FullZone_ReturnsEveryRecord()
    {
        const string Text = """
            ; a zone as BIND writes it
            $ORIGIN example.test.
            $TTL 1h
            @       IN SOA ns1 hostmaster ( 2026112101 ; serial
                            3600       ; refresh
                            900        ; retry
                            1209600    ; expire
                            300 )      ; minimum
                    IN NS   ns1
                    IN NS   ns2.example.net.
                    IN MX   10 mail
            ns1     IN A    192.0.2.53
            mail    IN A    192.0.2.25
            www 60  IN AAAA 2001:db8::1
            """;

        Parse(Text, out var errors).Should().Equal(
            "example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. 2026112101 3600 900 1209600 300",
            "example.test. 3600 IN NS ns1.example.test.",
            "example.test. 3600 IN NS ns2.example.net.",
            "example.test. 3600 IN MX 10 mail.example.test.",
            "ns1.example.test. 3600 IN A 192.0.2.53",
            "mail.example.test. 3600 IN A 192.0.2.25",
            "www.example.test. 60 IN AAAA 2001:db8::1");
        errors.Should().BeEmpty();
    }

    [Fact]
    public void ParseText_OriginDirective_ChangesOriginForLaterNames()
    {
        const string Text = """
            a A 192.0.2.1
            $ORIGIN sub.example.test.
            b A 192.0.2.2
            @ CNAME a.example.test.
            $ORIGIN deeper
            c CNAME b
            $ORIGIN other.test.
            d A 192.0.2.4
            """;

        Parse(Text, out var errors).Should().Equal(
            "a.example.test. 3600 IN A 192.0.2.1",
            "b.sub.example.test. 3600 IN A 192.0.2.2",
            "sub.example.test. 3600 IN CNAME a.example.test.",
            "c.deeper.sub.example.test. 3600 IN CNAME b.deeper.sub.example.test.",
            "d.other.test. 3600 IN A 192.0.2.4");
        errors.Should().BeEmpty();
    }

    [Fact]
    public void ParseText_TtlDirective_AppliesToRecordsWithoutTtl()
    {
        const string Text = """
            a A 192.0.2.1
            $TTL 300
            b A 192.0.2.2
            c 60 A 192.0.2.3
            $TTL 1h30m
            d A 192.0.2.4
            """;

        Parse(Text, out var errors, defaultTtl: 86400).Should().Equal(
            "a.example.test. 86400 IN A 192.0.2.1",
            "b.example.test. 300 IN A 192.0.2.2",
            "c.example.test. 60 IN A 192.0.2.3",
            "d.example.test. 5400 IN A 192.0.2.4");
        errors.Should().BeEmpty();
    }

    [Fact]
    public void ParseText_BlankOwner_IsPreviousOwner()
    {
        const string Text = """
            www A 192.0.2.1
                A 192.0.2.2
            	TXT "tab-indented"
            ftp CNAME www
            """;

        Parse(Text, out _).Should().Equal(
            "www.example.test. 3600 IN A 192.0.2.1",
            "www.example.test. 3600 IN A 192.0.2.2",
            "www.example.test. 3600 IN TXT \"tab-indented\"",
            "ftp.example.test. 3600 IN CNAME www.example.test.");
    }

    [Fact]
    public void ParseText_AtSign_IsOrigin()
    {
        Parse("@ A 192.0.2.1\nalias CNAME @\n", out _).Should().Equal(
            "example.test. 3600 IN A 192.0.2.1",
            "alias.example.test. 3600 IN CNAME example.test.");
    }

    [Fact]
    public void ParseText_AbsoluteAndMixedCaseOwners_KeptAsWritten()
    {
        Parse("WWW.Example.TEST. A 192.0.2.1\nMail A 192.0.2.2\n", out _).Should().Equal(
            "WWW.Example.TEST. 3600 IN A 192.0.2.1",
            "Mail.example.test. 3600 IN A 192.0.2.2");
    }

    [Theory]
    [InlineData("www 300 IN A 192.0.2.1", 300u)]
    [InlineData("www IN 300 A 192.0.2.1", 300u)]
    [InlineData("www 300 A 192.0.2.1", 300u)]
    [InlineData("www IN A 192.0.2.1", 3600u)]
    [InlineData("www A 192.0.2.1", 3600u)]
    [InlineData("www 5m in a 192.0.2.1", 300u)]
    [InlineData("www CLASS1 300 A 192.0.2.1", 300u)]
    [InlineData("    300 IN A 192.0.2.1", 300u)]
    public void ParseText_TtlAndClassInEitherOrder_Accepted(string line, uint ttl)
    {
        var records = ZoneFileParser.ParseText("www A 192.0.2.9\n" + line, "t.zone", Origin, 3600, Errors(out var errors));

        errors.Should().BeEmpty();
        records[1].ToString().Should().Be($"www.example.test. {ttl} IN A 192.0.2.1");
    }

    [Fact]
    public void ParseText_ParenthesesWithComments_SpanLines()
    {
        const string Text = """
            txt TXT ( "one" ; first
                      "two;three" ) ; second, with a ';' in quotes
            srv SRV ( 10
                      5 5060 ; port
                      sip )
            """;

        Parse(Text, out var errors).Should().Equal(
            "txt.example.test. 3600 IN TXT \"one\" \"two;three\"",
            "srv.example.test. 3600 IN SRV 10 5 5060 sip.example.test.");
        errors.Should().BeEmpty();
    }

    [Fact]
    public void ParseText_QuotedTxtWithEscapes_Decoded()
    {
        var records = ZoneFileParser.ParseText("""x TXT "say \"hi\"" "a;b" "\065\\" unquoted""", "t.zone", Origin, 3600, Errors(out var errors));

        errors.Should().BeEmpty();
        records.Single().Data.Should().Equal([
            8, .. Wire.Ascii("say \"hi\""),
            3, .. Wire.Ascii("a;b"),
            2, (byte)'A', (byte)'\\',
            8, .. Wire.Ascii("unquoted"),
        ]);
    }

    [Fact]
    public void ParseText_GenericType_AcceptedAsRfc3597()
    {
        var records = ZoneFileParser.ParseText("x TYPE999 \\# 3 010203\ny type1 \\# 4 c0000201\nz TYPE65535 \\# 0\n", "t.zone", Origin, 3600, Errors(out var errors));

        errors.Should().BeEmpty();
        records.Select(r => r.ToString()).Should().Equal(
            @"x.example.test. 3600 IN TYPE999 \# 3 010203",
            "y.example.test. 3600 IN A 192.0.2.1",
            @"z.example.test. 3600 IN TYPE65535 \# 0");
        records[0].Type.Should().Be((RecordType)999);
        records[0].Data.Should().Equal([1, 2, 3]);
    }

    [Fact]
    public void ParseText_UnsupportedType_SuggestsGenericForm()
    {
        ParseErrors("host HINFO \"PC\" \"Linux\"").Should().Equal(
            @"t.zone:1:6: type HINFO is not supported in text form; write it as TYPEnn \# <length> <hex> (RFC 3597)");
    }

    [Fact]
    public void ParseText_UnknownType_ListsSupportedTypes()
    {
        ParseErrors("www 300 IN AAA 192.0.2.1").Should().Equal(
            "t.zone:1:12: unknown record type 'AAA' (supported: A, AAAA, CNAME, NS, SOA, MX, TXT, SRV, CAA, PTR, DS, or TYPEnn)");
    }

    [Theory]
    [InlineData("www A 192.0.2.256", "t.zone:1:7: '192.0.2.256' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)")]
    [InlineData("www 300 IN A", "t.zone:1:12: missing an IPv4 address")]
    [InlineData("www 2147483648 A 192.0.2.1", "t.zone:1:5: TTL must be 0-2147483647 seconds (or a duration like 1h), not '2147483648'")]
    [InlineData("www 5x A 192.0.2.1", "t.zone:1:5: TTL must be 0-2147483647 seconds (or a duration like 1h), not '5x'")]
    [InlineData("www CH A 192.0.2.1", "t.zone:1:5: class CH is not served; only IN is")]
    [InlineData("www CLASS3 A 192.0.2.1", "t.zone:1:5: class CLASS3 is not served; only IN is")]
    [InlineData("www 300 IN", "t.zone:1:1: the record has no type")]
    [InlineData("www", "t.zone:1:1: the record has no type")]
    [InlineData("a..b A 192.0.2.1", "t.zone:1:1: 'a..b' is not a valid domain name: it has an empty label (two dots in a row?)")]
    [InlineData("  A 192.0.2.1", "t.zone:1:1: the first record has no owner name")]
    [InlineData("$GENERATE 1-10 h$ A 192.0.2.$", "t.zone:1:1: unknown directive '$GENERATE' (known: $ORIGIN, $TTL, $INCLUDE)")]
    [InlineData("$TTL", "t.zone:1:1: $TTL takes one value")]
    [InlineData("$ORIGIN a. b.", "t.zone:1:1: $ORIGIN takes one value")]
    [InlineData("$INCLUDE", "t.zone:1:1: $INCLUDE takes a file name and an optional origin")]
    [InlineData("$TTL forever", "t.zone:1:6: TTL must be 0-2147483647 seconds (or a duration like 1h), not 'forever'")]
    [InlineData("$ORIGIN a..b.", "t.zone:1:9: 'a..b.' is not a valid domain name: it has an empty label (two dots in a row?)")]
    [InlineData("x TYPE0 \\# 0", "t.zone:1:3: unknown record type 'TYPE0' (supported: A, AAAA, CNAME, NS, SOA, MX, TXT, SRV, CAA, PTR, DS, or TYPEnn)")]
    [InlineData("x TYPE999 010203", "t.zone:1:11: write TYPE999 data in the generic form \\# <length> <hex>")]
    public void ParseText_BadLine_ReportsLineAndColumn(string line, string expected)
    {
        ParseErrors(line).Should().Equal(expected);
    }

    [Fact]
    public void ParseText_ErrorsOnSeveralLines_AllReportedAndGoodLinesKept()
    {
        const string Text = """
            ok1 A 192.0.2.1
            bad1 A 1.2.3
            ok2 A 192.0.2.2
            bad2 MX 10
                 MX 70000 mail
            bad3 HINFO a b
            """;

        var records = ZoneFileParser.ParseText(Text, "t.zone", Origin, 3600, Errors(out var errors));

        errors.Select(e => e.ToString()).Should().Equal(
            "t.zone:2:8: '1.2.3' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)",
            "t.zone:4:9: missing a domain name",
            "t.zone:5:9: preference must be a number from 0 to 65535, not '70000'",
            @"t.zone:6:6: type HINFO is not supported in text form; write it as TYPEnn \# <length> <hex> (RFC 3597)");
        records.Select(r => r.ToString()).Should().Equal(
            "ok1.example.test. 3600 IN A 192.0.2.1",
            "ok2.example.test. 3600 IN A 192.0.2.2");
    }

    [Fact]
    public void ParseText_ErrorInsideParentheses_ReportsTheRightLine()
    {
        const string Text = """
            @ SOA ns1 hostmaster (
                  1    ; serial
                  3600
                  15x  ; retry
                  1209600
                  300 )
            """;

        ParseErrors(Text).Should().Equal("t.zone:4:7: retry must be seconds (or a duration like 1h), not '15x'");
    }

    [Fact]
    public void ParseText_RecordLocation_IsStartOfLine()
    {
        var records = ZoneFileParser.ParseText("a A 192.0.2.1\n\n  A 192.0.2.2\n", "t.zone", Origin, 3600, Errors(out _));

        records.Select(r => r.Location).Should().Equal(new SourceLocation("t.zone", 1, 1), new SourceLocation("t.zone", 3, 1));
    }

    [Fact]
    public void Parse_Include_ReadsFileWithCurrentOriginAndTtl()
    {
        using var dir = new TempDirectory();
        dir.Write("hosts/web.zone", "www A 192.0.2.1\n    AAAA 2001:db8::1\n");
        dir.Write("mail.zone", "$ORIGIN mail.example.test.\n@ A 192.0.2.25\n");
        var main = dir.Write("example.test.zone", """
            $TTL 300
            $INCLUDE hosts/web.zone
            $INCLUDE mail.zone
            after A 192.0.2.99
            $INCLUDE hosts/web.zone sub.example.test.
            """);

        var records = ZoneFileParser.Parse(main, Origin, 3600, Errors(out var errors));

        errors.Should().BeEmpty();
        records.Select(r => r.ToString()).Should().Equal(
            "www.example.test. 300 IN A 192.0.2.1",
            "www.example.test. 300 IN AAAA 2001:db8::1",
            "mail.example.test. 300 IN A 192.0.2.25",
            "after.example.test. 300 IN A 192.0.2.99", // the $ORIGIN inside mail.zone does not leak out (RFC 1035 §5.1)
            "www.sub.example.test. 300 IN A 192.0.2.1",
            "www.sub.example.test. 300 IN AAAA 2001:db8::1");
        records[0].Location.File.Should().EndWith("web.zone");
    }

    [Fact]
    public void Parse_IncludeErrors_ReportTheIncludedFile()
    {
        using var dir = new TempDirectory();
        var included = dir.Write("bad.zone", "ok A 192.0.2.1\nbad A 192.0.2.300\n");
        var main = dir.Write("main.zone", "$INCLUDE bad.zone\n");

        ZoneFileParser.Parse(main, Origin, 3600, Errors(out var errors));

        errors.Select(e => e.ToString()).Should().Equal(
            $"{included}:2:7: '192.0.2.300' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)");
    }

    [Fact]
    public void Parse_IncludeLoop_ReportedNotInfinite()
    {
        using var dir = new TempDirectory();
        var a = dir.Write("a.zone", "a A 192.0.2.1\n$INCLUDE b.zone\n");
        dir.Write("b.zone", "b A 192.0.2.2\n$INCLUDE a.zone\n");

        ZoneFileParser.Parse(a, Origin, 3600, Errors(out var errors));

        errors.Should().ContainSingle()
            .Which.Message.Should().Be("$INCLUDE nested deeper than 8 levels (an include loop?)");
        errors[0].Location.Line.Should().Be(2);
        errors[0].Location.Column.Should().Be(1);
    }

    [Fact]
    public void Parse_SelfInclude_ReportedNotInfinite()
    {
        using var dir = new TempDirectory();
        var self = dir.Write("self.zone", "$INCLUDE self.zone\n");

        ZoneFileParser.Parse(self, Origin, 3600, Errors(out var errors));

        errors.Select(e => e.ToString()).Should().Equal($"{self}:1:1: $INCLUDE nested deeper than 8 levels (an include loop?)");
    }

    [Fact]
    public void Parse_MissingInclude_ReportedAtTheFileName()
    {
        using var dir = new TempDirectory();
        var main = dir.Write("main.zone", "a A 192.0.2.1\n$INCLUDE  missing.zone\n");

        var records = ZoneFileParser.Parse(main, Origin, 3600, Errors(out var errors));

        records.Should().ContainSingle();
        errors.Should().ContainSingle();
        errors[0].Location.Should().Be(new SourceLocation(main, 2, 11));
        errors[0].Message.Should().StartWith("cannot read zone file '").And.Contain("missing.zone");
    }

    [Fact]
    public void Parse_MissingFile_ReportedAtTheReference()
    {
        var referencedFrom = new SourceLocation("config.yaml", 7, 11);

        ZoneFileParser.Parse("/nonexistent/dir/x.zone", Origin, 3600, Errors(out var errors), referencedFrom);

        errors.Should().ContainSingle().Which.Location.Should().Be(referencedFrom);
        errors[0].Message.Should().StartWith("cannot read zone file '/nonexistent/dir/x.zone'");
    }

    [Fact]
    public void Parse_FileWithoutIncludes_SameAsParseText()
    {
        using var dir = new TempDirectory();
        const string Text = "$TTL 60\n@ NS ns1\nns1 A 192.0.2.1\n";
        var path = dir.Write("z.zone", Text);

        var fromFile = ZoneFileParser.Parse(path, Origin, 3600, Errors(out _)).Select(r => r.ToString());
        var fromText = ZoneFileParser.ParseText(Text, path, Origin, 3600, Errors(out _)).Select(r => r.ToString());

        fromFile.Should().Equal(fromText);
    }

    private static List<ConfigError> Errors(out List<ConfigError> errors) => errors = [];

    private static List<string> Parse(string text, out List<ConfigError> errors, uint defaultTtl = 3600) =>
        ZoneFileParser.ParseText(text, "t.zone", Origin, defaultTtl, Errors(out errors)).Select(r => r.ToString()).ToList();

    private static List<string> ParseErrors(string text)
    {
        var records = ZoneFileParser.ParseText(text, "t.zone", Origin, 3600, Errors(out var errors));
        records.Should().BeEmpty();
        return errors.Select(e => e.ToString()).ToList();
    }
}
