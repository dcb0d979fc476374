using FailoverDns.Configuration.Dnssec;
using FailoverDns.Protocol;
using FailoverDns.Protocol.Dnssec;
using FailoverDns.Testing;
using FailoverDns.Zones;
using FailoverDns.Zones.Lookup;

namespace FailoverDns.Configuration.Tests.Dnssec;

/// <summary>A zone's <c>dnssec:</c> entry: on/off or a mapping, its keys loaded at config load, errors at the entry.</summary>
public sealed class DnssecReaderTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly SigningKey _key = SigningKey.Generate(DnssecAlgorithm.EcdsaP256Sha256);

    public DnssecReaderTests() => Directory.CreateDirectory(Path.Combine(_directory.Path, "keys"));

    public void Dispose()
    {
        _key.Dispose();
        _directory.Dispose();
    }

    private string ConfigPath => Path.Combine(_directory.Path, "test.yaml");

    private static string Config(string dnssec, string files = "") => $"""
        {files}zones:
          - name: example.test
            soa: {"{"} email: hostmaster@example.test {"}"}
            nameservers: [ns1.example.test.]
            records:
              - {"{"} name: ns1, type: A, value: 192.0.2.53 {"}"}
            dnssec: {dnssec}
        """;

    private ConfigLoadResult Load(string yaml) => ConfigLoader.LoadText(yaml, ConfigPath);

    private List<string> Errors(string yaml) => [.. Load(yaml).Errors.Select(e => e.ToString())];

    private void WriteKey(string directory = "keys") => KeyFiles.Write(Path.Combine(_directory.Path, directory), "example.test", _key, DateTimeOffset.UtcNow.AddMinutes(-1));

    [Theory]
    [InlineData("on")]
    [InlineData("true")]
    [InlineData("On")]
    public void On_KeysBesideTheConfig_DefaultsApply(string value)
    {
        WriteKey();

        var result = Load(Config(value));

        result.Errors.Should().BeEmpty();
        var signing = result.Config!.Zones.Single().Signing!;
        signing.Keys.Single().DnskeyData.Should().Equal(_key.DnskeyData);
        signing.Validity.Should().Be(TimeSpan.FromDays(14));
        signing.RefreshBefore.Should().Be(TimeSpan.FromDays(7));
        signing.KeyDirectory.Should().Be(Path.Combine(_directory.Path, "keys"));
    }

    [Theory]
    [InlineData("off")]
    [InlineData("false")]
    public void Off_Unsigned(string value)
    {
        var result = Load(Config(value));

        result.Errors.Should().BeEmpty();
        result.Config!.Zones.Single().Signing.Should().BeNull();
    }

    [Fact]
    public void Mapping_EverySetting()
    {
        WriteKey("zone-keys/example");

        var result = Load(Config("{ keyDirectory: zone-keys/example, signatureValidity: 30d, refreshBefore: 10d }"));

        result.Errors.Should().BeEmpty();
        var signing = result.Config!.Zones.Single().Signing!;
        signing.Keys.Should().ContainSingle();
        signing.Validity.Should().Be(TimeSpan.FromDays(30));
        signing.RefreshBefore.Should().Be(TimeSpan.FromDays(10));
        signing.KeyDirectory.Should().Be(Path.Combine(_directory.Path, "zone-keys", "example"));
    }

    [Fact]
    public void Mapping_Empty_IsOnWithDefaults()
    {
        WriteKey();

        Load(Config("{}")).Config!.Zones.Single().Signing!.Validity.Should().Be(ZoneSigningOptions.DefaultValidity);
    }

    [Fact]
    public void NoKeyDirectory_ErrorAtTheDnssecEntry()
    {
        Errors(Config("on")).Should().Equal(
            $"{ConfigPath}:7:13: DNSSEC keys of example.test.: the key directory {Path.Combine(_directory.Path, "keys")} holds no key for example.test. (no Kexample.test.+*.private); create one with `failoverdns dnssec keygen example.test.`");
    }

    [Fact]
    public void MissingDirectory_ErrorAtTheDnssecEntry()
    {
        Errors(Config("{ keyDirectory: nope }")).Should().Equal(
            $"{ConfigPath}:7:13: DNSSEC keys of example.test.: the key directory {Path.Combine(_directory.Path, "nope")} does not exist; create the zone's key with `failoverdns dnssec keygen example.test.`");
    }

    [Fact]
    public void KeyDirectoryOutsideTheConfigDirectory_RefusedUnlessAllowed()
    {
        using var elsewhere = new TempDirectory();
        KeyFiles.Write(elsewhere.Path, "example.test", _key, DateTimeOffset.UtcNow.AddMinutes(-1));
        var dnssec = $"{{ keyDirectory: '{elsewhere.Path}' }}";

        Errors(Config(dnssec)).Should().ContainSingle().Which.Should().StartWith($"{ConfigPath}:7:13: DNSSEC keys of example.test.: the key directory {elsewhere.Path} cannot be used: it is outside the config file's directory");
        Errors(Config(dnssec, "files: { allowOutsideConfigDirectory: true }\n")).Should().BeEmpty();
    }

    [Theory]
    [InlineData("maybe", "7:13: 'dnssec' must be on, off, or a mapping of keyDirectory, signatureValidity and refreshBefore, not 'maybe'")]
    [InlineData("[on]", "7:13: 'dnssec' must be on, off, or a mapping of keyDirectory, signatureValidity and refreshBefore")]
    [InlineData("{ keyDirectory: keys, zzz: 1 }", "7:35: unknown key 'zzz' (expected one of: keyDirectory, refreshBefore, signatureValidity)")]
    [InlineData("{ signatureValidity: 30m }", "7:34: 'signatureValidity' must be a duration from 1h to 8760h (like 500ms, 10s, 1m), not '30m'")]
    [InlineData("{ refreshBefore: 1m }", "7:30: 'refreshBefore' must be a duration from 10m to 8760h (like 500ms, 10s, 1m), not '1m'")]
    [InlineData("{ signatureValidity: 7d }", "7:34: 'refreshBefore' (168h) must be shorter than 'signatureValidity' (168h): signatures are made again when less than refreshBefore of them is left")]
    [InlineData("{ signatureValidity: 2d, refreshBefore: 3d }", "7:53: 'refreshBefore' (72h) must be shorter than 'signatureValidity' (48h): signatures are made again when less than refreshBefore of them is left")]
    public void BadSetting_ErrorAtIt(string dnssec, string expected)
    {
        WriteKey();

        Errors(Config(dnssec)).Should().Equal($"{ConfigPath}:{expected}");
    }

    [Fact]
    public void DsRecordAtADelegation_Loads()
    {
        var yaml = Config("off").Replace("""
                  - { name: ns1, type: A, value: 192.0.2.53 }
            """, """
                  - { name: ns1, type: A, value: 192.0.2.53 }
                  - { name: lab, type: NS, value: ns.elsewhere.test. }
                  - { name: lab, type: DS, value: 49024 13 2 DCAD866B7EBE194C1F48201AEF5EF23FE0EE1F33F500EA89 F71EA99004217334 }
            """, StringComparison.Ordinal);

        var result = Load(yaml);

        result.Errors.Should().BeEmpty();
        var owner = ZoneText.Name("lab.example.test.");
        var found = ZoneLookup.Find(result.Snapshot!, owner, RecordType.DS);
        ZoneText.Format(owner, found.RRset).Should().Equal("lab.example.test. 3600 IN DS 49024 13 2 DCAD866B7EBE194C1F48201AEF5EF23FE0EE1F33F500EA89F71EA990 04217334");
    }
}
