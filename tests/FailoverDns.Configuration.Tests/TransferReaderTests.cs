using System.Net;

namespace FailoverDns.Configuration.Tests;

/// <summary>A zone's <c>transfer</c> section: who may transfer it and whom to notify, and every mistake placed.</summary>
public sealed class TransferReaderTests
{
    private static ConfigLoadResult Load(string transfer) => ConfigLoader.LoadText(LoadErrors.Zone.Replace("    records:", $"    transfer: {transfer}\n    records:", StringComparison.Ordinal), "test.yaml");

    [Fact]
    public void LoadText_AllowAndNotify_Read()
    {
        var result = Load("{ allow: [192.0.2.53, '2001:db8::/64'], notify: [192.0.2.53, '127.0.0.1:5353', '[::1]:5354'] }");

        result.Errors.Should().BeEmpty();
        var transfer = result.Config!.Zones.Single().Transfer!;
        transfer.Allows(IPAddress.Parse("192.0.2.53")).Should().BeTrue();
        transfer.Allows(IPAddress.Parse("::ffff:192.0.2.53")).Should().BeTrue("an IPv4 client on a dual-stack socket");
        transfer.Allows(IPAddress.Parse("2001:db8::7")).Should().BeTrue();
        transfer.Allows(IPAddress.Parse("192.0.2.54")).Should().BeFalse();
        transfer.Notify.Should().Equal(IPEndPoint.Parse("192.0.2.53:53"), IPEndPoint.Parse("127.0.0.1:5353"), IPEndPoint.Parse("[::1]:5354"));
    }

    [Fact]
    public void LoadText_NoTransferSection_NotTransferred()
    {
        ConfigLoader.LoadText(LoadErrors.Zone, "test.yaml").Config!.Zones.Single().Transfer.Should().BeNull();
    }

    [Theory]
    [InlineData("{ notify: [192.0.2.53] }", "test.yaml:5:15: transfer needs 'allow', the addresses of the secondaries that may transfer the zone")]
    [InlineData("{ allow: [secondary.example] }", "test.yaml:5:25: transfer 'allow' entries are addresses or prefixes of the secondaries, such as 192.0.2.53 or 2001:db8::/64, not 'secondary.example'")]
    [InlineData("{ allow: [192.0.2.53], notify: ['192.0.2.53:99999'] }", "test.yaml:5:47: transfer 'notify' entries are addresses of secondaries, with a port when not 53 (192.0.2.53, 192.0.2.53:5353 or [2001:db8::53]:5353), not '192.0.2.53:99999'")]
    [InlineData("{ allow: [192.0.2.53], alow: [] }", "test.yaml:5:38: unknown key 'alow' (expected one of: allow, notify)")]
    public void LoadText_Mistake_NamedWithItsPosition(string transfer, string error)
    {
        Load(transfer).Errors.Select(e => e.ToString()).Should().Equal(error);
    }
}
