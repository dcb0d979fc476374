using FailoverDns.Testing;
using FluentAssertions;

namespace FailoverDns.Protocol.Tests;

public class DnsQuestionTests
{
    [Fact]
    public void ToString_Question_IsNameClassMnemonicType()
    {
        new DnsQuestion(Wire.Name("www.example.test"), RecordType.AAAA, 1).ToString().Should().Be("www.example.test. IN AAAA");
    }

    [Fact]
    public void ToString_UnknownClassAndType_UsesGenericNames()
    {
        new DnsQuestion(Wire.Name("x.test"), (RecordType)999, 99).ToString().Should().Be("x.test. CLASS99 TYPE999");
    }
}
