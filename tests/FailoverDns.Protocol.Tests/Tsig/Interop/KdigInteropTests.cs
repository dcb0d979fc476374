using FailoverDns.Protocol.Tsig;
using FluentAssertions;
using static FailoverDns.Protocol.Tests.Tsig.TsigTestMessages;

namespace FailoverDns.Protocol.Tests.Tsig.Interop;

/// <summary>
/// kdig (Knot) and dig (BIND) query a responder built on our verifier and signer: they must accept
/// our signed responses, and we their signed queries.
/// </summary>
public class KdigInteropTests
{
    private static readonly string[] TsigErrorNames = ["BADSIG", "BADKEY", "BADTIME", "BADTRUNC"];

    [Theory]
    [InlineData("hmac-sha256", "SOA")]
    [InlineData("hmac-sha512", "SOA")]
    [InlineData("hmac-sha256", "AXFR")]
    [InlineData("hmac-sha512", "AXFR")]
    public async Task Kdig_AcceptsOurSignedResponses(string algorithm, string type)
    {
        var key = KeyText(algorithm);
        await using var responder = new TsigResponder(new TsigKeyRing([key.ToKey()]));

        var kdig = await ToolRun.RunAsync("kdig", "knot-dnsutils", "-y", key.ForDig, "@127.0.0.1", "-p", $"{responder.Port}", "example.test", type, "+timeout=5", "+retry=0");

        kdig.ExitCode.Should().Be(0, kdig.Output);
        kdig.Output.Should().NotContainAny([";; WARNING", ";; ERROR", "failed", .. TsigErrorNames]);
        kdig.Output.Should().Contain("ANY\tTSIG\t" + algorithm);
        responder.RequestStatuses.Should().Equal(TsigStatus.Ok);
        if (type == "AXFR")
        {
            kdig.Output.Should().Contain("host199.example.test.").And.Contain("(4 messages, 202 records)");
        }
    }

    [Theory]
    [InlineData("hmac-sha256", "SOA")]
    [InlineData("hmac-sha512", "AXFR")]
    public async Task Dig_AcceptsOurSignedResponses(string algorithm, string type)
    {
        var key = KeyText(algorithm);
        await using var responder = new TsigResponder(new TsigKeyRing([key.ToKey()]));

        var dig = await ToolRun.RunAsync("dig", "bind9-dnsutils", "-y", key.ForDig, "@127.0.0.1", "-p", $"{responder.Port}", "example.test", type, "+time=5", "+tries=1");

        dig.ExitCode.Should().Be(0, dig.Output);
        // dig also warns that recursion is not available, which is true and beside the point.
        dig.Output.Should().NotContainAny(["Couldn't verify", "tsig", "failed", .. TsigErrorNames]);
        dig.Output.Should().Contain("TSIG");
        responder.RequestStatuses.Should().Equal(TsigStatus.Ok);
        if (type == "AXFR")
        {
            dig.Output.Should().Contain("host199.example.test.");
        }
    }

    [Theory]
    [InlineData("SOA", 0)]
    [InlineData("AXFR", 0)]
    public async Task Kdig_RejectsACorruptedMac(string type, int corruptedMessage)
    {
        // The control for the tests above: kdig does check what it is sent. Of a transfer it checks
        // only the first message (kdig_exec.c, "Verify 1. signature"); dig checks them all, below.
        var key = KeyText();
        await using var responder = new TsigResponder(new TsigKeyRing([key.ToKey()]), corruptMacOfMessage: corruptedMessage);

        var kdig = await ToolRun.RunAsync("kdig", "knot-dnsutils", "-y", key.ForDig, "@127.0.0.1", "-p", $"{responder.Port}", "example.test", type, "+timeout=5", "+retry=0");

        kdig.Output.Should().ContainAny(";; WARNING", ";; ERROR");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Dig_RejectsATransferWithOneCorruptedMac(int corruptedMessage)
    {
        var key = KeyText();
        await using var responder = new TsigResponder(new TsigKeyRing([key.ToKey()]), corruptMacOfMessage: corruptedMessage);

        var dig = await ToolRun.RunAsync("dig", "bind9-dnsutils", "-y", key.ForDig, "@127.0.0.1", "-p", $"{responder.Port}", "example.test", "AXFR", "+time=5", "+tries=1");

        dig.Output.Should().Contain("tsig verify failure");
    }

    [Fact]
    public async Task KdigWithAnotherSecret_GetsBadSig_AndSaysSo()
    {
        var ours = KeyText();
        var theirs = ours with { Secret = Secret512 };
        await using var responder = new TsigResponder(new TsigKeyRing([ours.ToKey()]));

        var kdig = await ToolRun.RunAsync("kdig", "knot-dnsutils", "-y", theirs.ForDig, "@127.0.0.1", "-p", $"{responder.Port}", "example.test", "SOA", "+timeout=5", "+retry=0");

        responder.RequestStatuses.Should().Equal(TsigStatus.BadSig);
        kdig.Output.Should().Contain("BADSIG");
    }

    [Fact]
    public async Task KdigWithAnUnknownKey_GetsBadKey()
    {
        await using var responder = new TsigResponder(new TsigKeyRing([Key()]));

        var kdig = await ToolRun.RunAsync("kdig", "knot-dnsutils", "-y", KeyText(name: "stranger.key").ForDig, "@127.0.0.1", "-p", $"{responder.Port}", "example.test", "SOA", "+timeout=5", "+retry=0");

        responder.RequestStatuses.Should().Equal(TsigStatus.BadKey);
        kdig.Output.Should().Contain("BADKEY");
    }
}
