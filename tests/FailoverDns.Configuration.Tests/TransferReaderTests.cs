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
        transfer.Admits(IPAddress.Parse("192.0.2.53"), null).Should().BeTrue();
        transfer.Admits(IPAddress.Parse("::ffff:192.0.2.53"), null).Should().BeTrue("an IPv4 client on a dual-stack socket");
        transfer.Admits(IPAddress.Parse("2001:db8::7"), null).Should().BeTrue();
        transfer.Admits(IPAddress.Parse("192.0.2.54"), null).Should().BeFalse();
        transfer.Notify.Should().Equal(IPEndPoint.Parse("192.0.2.53:53"), IPEndPoint.Parse("127.0.0.1:5353"), IPEndPoint.Parse("[::1]:5354"));
    }

    private const string Keys = "tsigKeys:\n  - { name: xfr-key, algorithm: hmac-sha512, secret: 'AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=' }\n";

    [Fact]
    public void LoadText_KeysOnly_AnyAddressWithTheKey()
    {
        var result = ConfigLoader.LoadText(Keys + LoadErrors.Zone.Replace("    records:", "    transfer: { keys: [xfr-key] }\n    records:", StringComparison.Ordinal), "test.yaml");

        result.Errors.Should().BeEmpty();
        result.Config!.TsigKeys.Should().ContainSingle().Which.ToString().Should().Be("xfr-key. (hmac-sha512)");
        var transfer = result.Config.Zones.Single().Transfer!;
        transfer.Admits(IPAddress.Parse("198.51.100.7"), "xfr-key.").Should().BeTrue();
        transfer.Admits(IPAddress.Parse("198.51.100.7"), null).Should().BeFalse("unsigned");
        transfer.Admits(IPAddress.Parse("198.51.100.7"), "other-key.").Should().BeFalse();
    }

    [Fact]
    public void LoadText_SecretFromAFileOrTheEnvironment_SameKeyAsInline()
    {
        const string Secret = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
        var directory = Directory.CreateTempSubdirectory("failoverdns-tsig-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "xfr.key"), Secret + "\n");
            var fromFile = ConfigLoader.LoadText("tsigKeys:\n  - { name: a, secretFile: xfr.key }\n" + LoadErrors.Zone, Path.Combine(directory.FullName, "test.yaml"));
            var fromEnvironment = ConfigLoader.LoadText("tsigKeys:\n  - { name: a, secretEnv: XFR_SECRET }\n" + LoadErrors.Zone, "test.yaml", name => name == "XFR_SECRET" ? Secret : null);
            var inline = ConfigLoader.LoadText($"tsigKeys:\n  - {{ name: a, secret: '{Secret}' }}\n" + LoadErrors.Zone, "test.yaml");

            var keys = new[] { fromFile, fromEnvironment, inline }.Select(r => { r.Errors.Should().BeEmpty(); return r.Config!.TsigKeys.Single(); }).ToList();
            var signed = SignedBy(keys[2]);
            var statuses = keys.Take(2).Select(k => FailoverDns.Protocol.Tsig.TsigExchange.VerifyRequest(signed, new FailoverDns.Protocol.Tsig.TsigKeyRing([k]), TimeProvider.System).Status).ToList();
            statuses.Should().Equal([FailoverDns.Protocol.Tsig.TsigStatus.Ok, FailoverDns.Protocol.Tsig.TsigStatus.Ok], "the same secret however it is given");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>An empty message signed with <paramref name="key"/>.</summary>
    private static byte[] SignedBy(FailoverDns.Protocol.Tsig.TsigKey key)
    {
        var buffer = new byte[600];
        new FailoverDns.Protocol.DnsHeader(1, 0, 0, 0, 0, 0).TryWrite(buffer);
        FailoverDns.Protocol.Tsig.TsigExchange.TrySignRequest(buffer, FailoverDns.Protocol.DnsHeader.Size, key, TimeProvider.System, out var written, out _).Should().BeTrue();
        return buffer[..written];
    }

    [Fact]
    public void LoadText_UnknownKeyOrBadSecret_NamedWithoutQuotingTheSecret()
    {
        var unknown = ConfigLoader.LoadText(LoadErrors.Zone.Replace("    records:", "    transfer: { keys: [nokey] }\n    records:", StringComparison.Ordinal), "test.yaml");
        unknown.Errors.Select(e => e.Message).Should().Equal("zone example.test. transfers with TSIG key 'nokey.', which is not defined under tsigKeys");

        var bad = ConfigLoader.LoadText("tsigKeys:\n  - { name: k, secret: 'c2hvcnQ=' }\n" + LoadErrors.Zone, "test.yaml");
        bad.Errors.Select(e => e.ToString()).Should().Equal("test.yaml:2:24: the TSIG secret must be base64 of at least 16 bytes (as `tsig-keygen` or `keymgr -t` print it)");
    }

    [Fact]
    public void LoadText_NoTransferSection_NotTransferred()
    {
        ConfigLoader.LoadText(LoadErrors.Zone, "test.yaml").Config!.Zones.Single().Transfer.Should().BeNull();
    }

    [Theory]
    [InlineData("{ notify: [192.0.2.53] }", "test.yaml:5:15: transfer needs 'allow' (the secondaries' addresses) or 'keys' (the TSIG keys they sign with), or both")]
    [InlineData("{ allow: [secondary.example] }", "test.yaml:5:25: transfer 'allow' entries are addresses or prefixes of the secondaries, such as 192.0.2.53 or 2001:db8::/64, not 'secondary.example'")]
    [InlineData("{ allow: [192.0.2.53], notify: ['192.0.2.53:99999'] }", "test.yaml:5:47: transfer 'notify' entries are addresses of secondaries, with a port when not 53 (192.0.2.53, 192.0.2.53:5353 or [2001:db8::53]:5353), or 'nameservers', not '192.0.2.53:99999'")]
    [InlineData("{ allow: [192.0.2.53], alow: [] }", "test.yaml:5:38: unknown key 'alow' (expected one of: allow, keys, notify)")]
    public void LoadText_Mistake_NamedWithItsPosition(string transfer, string error)
    {
        Load(transfer).Errors.Select(e => e.ToString()).Should().Equal(error);
    }
}
