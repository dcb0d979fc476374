using FailoverDns.Testing;
using FluentAssertions;

namespace FailoverDns.Protocol.Tests;

public class DnsRecordTests
{
    [Fact]
    public void ToString_ARecord_IsPresentationFormat()
    {
        var record = new DnsRecord(Wire.Name("www.example.test"), RecordType.A, 1, 300, [192, 0, 2, 1]);

        record.ToString().Should().Be("www.example.test. 300 IN A 192.0.2.1");
        record.NameText.Should().Be("www.example.test.");
        record.DataText.Should().Be("192.0.2.1");
    }

    [Fact]
    public void ToString_UnknownClassAndType_UsesGenericNames()
    {
        var record = new DnsRecord(Wire.Name("x.test"), (RecordType)999, 99, 0, [0x01]);

        record.ToString().Should().Be(@"x.test. 0 CLASS99 TYPE999 \# 1 01");
    }

    [Fact]
    public void ToString_ChaosClass_UsesMnemonic()
    {
        var record = new DnsRecord(Wire.Name("version.bind"), RecordType.TXT, 3, 0, [0x03, .. "1.0"u8]);

        record.ToString().Should().Be("version.bind. 0 CH TXT \"1.0\"");
    }
}
