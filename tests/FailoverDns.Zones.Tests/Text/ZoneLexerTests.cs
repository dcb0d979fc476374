using FailoverDns.Zones.Text;

namespace FailoverDns.Zones.Tests.Text;

public sealed class ZoneLexerTests
{
    [Fact]
    public void Split_WordsAndComments_ReturnsTokensWithColumns()
    {
        var lines = Split("www  IN\tA 192.0.2.1 ; a comment\n", out var errors);

        errors.Should().BeEmpty();
        lines.Should().ContainSingle();
        lines[0].HasOwner.Should().BeTrue();
        lines[0].Tokens.Select(t => $"{t.Text}@{t.Location.Line}:{t.Location.Column}")
            .Should().Equal("www@1:1", "IN@1:6", "A@1:9", "192.0.2.1@1:11");
    }

    [Fact]
    public void Split_LineStartingWithSpace_HasNoOwner()
    {
        var lines = Split("www A 192.0.2.1\n  A 192.0.2.2\n\tTXT x\n", out _);

        lines.Select(l => l.HasOwner).Should().Equal(true, false, false);
        lines[1].Location.Should().Be(new SourceLocation("t.zone", 2, 1));
    }

    [Fact]
    public void Split_ParenthesesAcrossLines_JoinOneLogicalLine()
    {
        const string Text = """
            @ SOA ns1 host ( 1 ; serial
                  3600     ; refresh
                  900 ) ; retry
            www A 192.0.2.1
            """;

        var lines = Split(Text, out var errors);

        errors.Should().BeEmpty();
        lines.Should().HaveCount(2);
        lines[0].Tokens.Select(t => t.Text).Should().Equal("@", "SOA", "ns1", "host", "1", "3600", "900");
        lines[0].Tokens[5].Location.Should().Be(new SourceLocation("t.zone", 2, 7));
        lines[1].HasOwner.Should().BeTrue("a line after the closing parenthesis starts afresh");
        lines[1].Location.Line.Should().Be(4);
    }

    [Fact]
    public void Split_QuotedString_KeepsSpacesSemicolonsParenthesesAndEscapes()
    {
        var lines = Split("x TXT \"a ; (b) \\\"c\\\"\" d\n", out var errors);

        errors.Should().BeEmpty();
        var tokens = lines[0].Tokens;
        tokens.Select(t => t.Text).Should().Equal("x", "TXT", "a ; (b) \\\"c\\\"", "d");
        tokens[2].Quoted.Should().BeTrue();
        tokens[2].Location.Column.Should().Be(7);
        tokens[3].Quoted.Should().BeFalse();
    }

    [Fact]
    public void Split_EmptyQuotedString_IsAToken()
    {
        var tokens = Split("x TXT \"\"", out _)[0].Tokens;

        tokens.Should().HaveCount(3);
        tokens[2].Should().Be(new ZoneToken("", true, new SourceLocation("t.zone", 1, 7)));
    }

    [Fact]
    public void Split_EscapedSpaceOutsideQuotes_StaysInToken()
    {
        Split(@"a\ b A 192.0.2.1", out _)[0].Tokens[0].Text.Should().Be(@"a\ b");
    }

    [Fact]
    public void Split_CrLfLineEndings_AreLineEndings()
    {
        var lines = Split("a A 192.0.2.1\r\nb A 192.0.2.2\r\n", out var errors);

        errors.Should().BeEmpty();
        lines.Select(l => string.Join(" ", l.Tokens.Select(t => t.Text))).Should().Equal("a A 192.0.2.1", "b A 192.0.2.2");
    }

    [Fact]
    public void Split_BlankAndCommentLines_AreDropped()
    {
        Split("\n; only a comment\n   \n\t; indented comment\n", out var errors).Should().BeEmpty();
        errors.Should().BeEmpty();
    }

    [Fact]
    public void Split_FirstLineAndColumn_OffsetLocations()
    {
        var token = ZoneLexer.Split("10 mail", "c.yaml", 12, 17, []).Single().Tokens[1];

        token.Location.Should().Be(new SourceLocation("c.yaml", 12, 20));
    }

    [Fact]
    public void Split_UnclosedParenthesis_ReportedWhereOpened()
    {
        Split("@ SOA ns1 host (\n 1 2 3 4 5\n", out var errors);

        errors.Select(e => e.ToString()).Should().Equal("t.zone:1:16: '(' is never closed");
    }

    [Fact]
    public void Split_UnmatchedClosingParenthesis_Reported()
    {
        Split("www A 192.0.2.1 )\n", out var errors);

        errors.Select(e => e.ToString()).Should().Equal("t.zone:1:17: ')' without a matching '('");
    }

    [Fact]
    public void Split_UnterminatedQuote_ReportedWhereItStarts()
    {
        var lines = Split("x TXT \"open\ny A 192.0.2.1\n", out var errors);

        errors.Select(e => e.ToString()).Should().Equal("t.zone:1:7: unterminated quoted string");
        lines.Should().HaveCount(2, "the next line is still read");
        lines[1].Tokens[0].Text.Should().Be("y");
    }

    private static IReadOnlyList<ZoneLine> Split(string text, out List<ConfigError> errors)
    {
        errors = [];
        return ZoneLexer.Split(text, "t.zone", 1, 1, errors);
    }
}
