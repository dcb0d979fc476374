using FluentAssertions;

namespace FailoverDns.Protocol.Tests;

/// <summary>Every strict prefix of a valid message is rejected cleanly, never with an exception.</summary>
public class TruncatedPrefixTests
{
    public static TheoryData<string> Messages => new() { "rich response", "rich query", "EDNS query", "assorted response" };

    [Theory]
    [MemberData(nameof(Messages))]
    public void TryParse_EveryStrictPrefix_ReturnsFalse(string which)
    {
        var message = Get(which);
        DnsMessage.TryParse(message, out _).Should().BeTrue("the whole message is valid");

        for (var length = 0; length < message.Length; length++)
        {
            DnsMessage.TryParse(message.AsSpan(0, length), out var result).Should().BeFalse($"a prefix of {length} of {message.Length} bytes is incomplete");
            result.Should().BeNull();
        }
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Parse_EveryStrictPrefix_ReturnsIgnoreOrMalformed(string which)
    {
        var message = Get(which);
        var isQuery = (message[2] & 0x80) == 0;
        var name = new byte[DnsName.MaxLength];
        QueryParser.Parse(message, name, out _).Should().Be(isQuery ? QueryParseStatus.Ok : QueryParseStatus.Ignore);

        for (var length = 0; length < message.Length; length++)
        {
            var expected = length < DnsHeader.Size || !isQuery ? QueryParseStatus.Ignore : QueryParseStatus.Malformed;

            QueryParser.Parse(message.AsSpan(0, length), name, out var query).Should().Be(expected, $"a prefix of {length} of {message.Length} bytes is incomplete");

            if (expected == QueryParseStatus.Malformed)
            {
                query.Header.Id.Should().Be((ushort)((message[0] << 8) | message[1]), "the ID is echoed in FORMERR");
            }
        }
    }

    [Fact]
    public void Parse_PrefixEndingAfterQuestion_HasQuestion()
    {
        var message = TestMessages.RichQuery();

        for (var length = 34; length < message.Length; length++)
        {
            QueryParser.Parse(message.AsSpan(0, length), new byte[DnsName.MaxLength], out var query).Should().Be(QueryParseStatus.Malformed);
            query.HasQuestion.Should().BeTrue($"the question ends at 34 and the prefix is {length} bytes");
        }
    }

    private static byte[] Get(string which) => which switch
    {
        "rich response" => TestMessages.RichResponse(),
        "rich query" => TestMessages.RichQuery(),
        "EDNS query" => TestMessages.EdnsQuery(),
        "assorted response" => TestMessages.AssortedResponse(),
        _ => throw new ArgumentOutOfRangeException(nameof(which)),
    };
}
