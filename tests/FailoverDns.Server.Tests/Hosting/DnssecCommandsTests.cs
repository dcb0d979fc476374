using FailoverDns.Configuration;
using FailoverDns.Server.Hosting;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Hosting;

/// <summary>
/// <c>failoverdns dnssec keygen</c> and <c>ds</c>: keys in BIND's format both ways, checked against BIND's own
/// dnssec-keygen and dnssec-dsfromkey (bind9-utils).
/// </summary>
public sealed class DnssecCommandsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("failoverdns-dnssec-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string ConfigPath => Path.Combine(_directory, "failoverdns.yaml");

    private void WriteConfig(string dnssec) => File.WriteAllText(ConfigPath, $$"""
        zones:
          - name: example.test
            soa: { email: hostmaster@example.test }
            nameservers: [ns1.example.test.]
            records:
              - { name: ns1, type: A, value: 192.0.2.53 }
            dnssec: {{dnssec}}
        """);

    private static (int ExitCode, string[] Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = DnssecCommands.Run(args, _ => null, output, error);
        return (exitCode, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), error.ToString().TrimEnd());
    }

    private static async Task<string> DsFromKeyAsync(string keyFile)
    {
        var (exitCode, output) = await Tool.RunAsync("dnssec-dsfromkey", "-2", keyFile);
        exitCode.Should().Be(0, output);
        return output.Trim();
    }

    [Fact]
    public async Task KeyGen_ThenDs_TheDsBindComputes()
    {
        WriteConfig("{ keyDirectory: zone-keys }");

        var (exitCode, output, error) = Run("keygen", "example.test", "--config", ConfigPath);

        exitCode.Should().Be(0, error);
        output.Should().HaveCount(3);
        var keyFile = output[0];
        Path.GetDirectoryName(keyFile).Should().Be(Path.Combine(_directory, "zone-keys"), "the key directory comes from the zone's dnssec entry");
        Path.GetFileName(keyFile).Should().MatchRegex(@"^Kexample\.test\.\+013\+[0-9]{5}\.key$");
        output[1].Should().Be(keyFile[..^".key".Length] + ".private");
        output[2].Should().Be(await DsFromKeyAsync(keyFile));

        var ds = Run("ds", "example.test.", "--config", ConfigPath);
        ds.ExitCode.Should().Be(0, ds.Error);
        ds.Output.Should().Equal(output[2]);
        ConfigLoader.Load(ConfigPath).Errors.Should().BeEmpty("the config loads the new key");
    }

    [Fact]
    public async Task KeyGen_P384_TheDsBindComputes()
    {
        var (exitCode, output, error) = Run("keygen", "example.test", "--key-directory", _directory, "--algorithm", "ECDSAP384SHA384");

        exitCode.Should().Be(0, error);
        Path.GetFileName(output[0]).Should().StartWith("Kexample.test.+014+");
        output[2].Should().Be(await DsFromKeyAsync(output[0]));
    }

    [Fact]
    public async Task BindKey_LoadsThroughTheConfig_AndItsDsIsBinds()
    {
        WriteConfig("on");
        var keys = Path.Combine(_directory, "keys");
        Directory.CreateDirectory(keys);
        var (exitCode, made) = await Tool.RunAsync("dnssec-keygen", "-a", "ECDSAP256SHA256", "-f", "KSK", "-K", keys, "example.test");
        exitCode.Should().Be(0, made);
        var keyFile = Path.Combine(keys, made.Trim() + ".key");

        var loaded = ConfigLoader.Load(ConfigPath);

        loaded.Errors.Should().BeEmpty();
        var key = loaded.Config!.Zones.Single().Signing!.Keys.Single();
        key.Flags.Should().Be(257);
        made.Trim().Should().EndWith($"+{key.KeyTag:D5}");
        var ds = Run("ds", "example.test", "--config", ConfigPath);
        ds.ExitCode.Should().Be(0, ds.Error);
        ds.Output.Should().Equal(await DsFromKeyAsync(keyFile));
    }

    [Fact]
    public void Ds_MissingKeyDirectory_SaysSo()
    {
        var missing = Path.Combine(_directory, "nope");

        var (exitCode, output, error) = Run("ds", "example.test", "--key-directory", missing);

        exitCode.Should().Be(1);
        output.Should().BeEmpty();
        error.Should().Be($"failoverdns: the key directory {missing} does not exist; create the zone's key with `failoverdns dnssec keygen example.test.`");
    }

    [Fact]
    public void Ds_ZoneWithoutKeys_SaysHowToMakeOne()
    {
        Run("keygen", "example.test", "--key-directory", _directory).ExitCode.Should().Be(0);

        var (exitCode, _, error) = Run("ds", "example.net", "--key-directory", _directory);

        exitCode.Should().Be(1);
        error.Should().Be($"failoverdns: the key directory {_directory} holds no key for example.net. (no Kexample.net.+*.private); create one with `failoverdns dnssec keygen example.net.`");
    }

    [Theory]
    [InlineData(new[] { "keygen" }, "Required argument 'ZONE' missing for command: 'keygen'")]
    [InlineData(new[] { "sign", "example.test" }, "unknown command or argument 'sign'")]
    [InlineData(new[] { "keygen", "example.test", "--algorithm", "8" }, "--algorithm must be 13 (ecdsap256sha256) or 14 (ecdsap384sha384), not '8'")]
    [InlineData(new[] { "ds", "example.test", "--algorithm", "13" }, "unknown command or argument '--algorithm'")]
    [InlineData(new[] { "ds", "example.test", "--key-directory" }, "Required argument missing for option: '--key-directory'")]
    [InlineData(new[] { "ds", "bad..name" }, "'bad..name' is not a valid zone name")]
    public void BadArguments_UsageAndExitTwo(string[] args, string message)
    {
        var (exitCode, _, error) = Run(args);

        exitCode.Should().Be(2);
        error.Should().StartWith($"failoverdns: {message}\nusage: failoverdns dnssec keygen ZONE");
    }

    [Fact]
    public async Task Program_DispatchesDnssec()
    {
        var (exitCode, output) = await ServerProcess.RunAsync(ServerProcess.BuiltAssembly, "dnssec", "ds", "example.test", "--key-directory", Path.Combine(_directory, "nope"));

        exitCode.Should().Be(1);
        output.Should().StartWith("failoverdns: the key directory");
    }
}
