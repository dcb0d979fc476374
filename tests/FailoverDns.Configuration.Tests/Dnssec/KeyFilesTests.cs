using FailoverDns.Configuration.Dnssec;
using FailoverDns.Protocol.Dnssec;
using FailoverDns.Testing;
using FailoverDns.Zones.Text;

namespace FailoverDns.Configuration.Tests.Dnssec;

/// <summary>Zone keys in BIND's file format: written, read back, BIND's own files, timing, and every way a key can be wrong.</summary>
public sealed class KeyFilesTests : IDisposable
{
    /// <summary>Made by `dnssec-keygen -a ECDSAP256SHA256 -f KSK -K . example.org` (BIND 9).</summary>
    private const string BindStem = "Kexample.org.+013+49024";

    private const string BindPublic = """
        ; This is a key-signing key, keyid 49024, for example.org.
        ; Created: 20261201071253 (Tue Dec  1 07:12:53 2026)
        ; Publish: 20261201071253 (Tue Dec  1 07:12:53 2026)
        ; Activate: 20261201071253 (Tue Dec  1 07:12:53 2026)
        example.org. IN DNSKEY 257 3 13 oYKsIx6Ni/9wLMMhoFWIDEt3x5ALZagpUaf7GrCAeAlqMPydvKKjLDNe w8q6J8RsCGW9MlyuHVmbE8QVpXqrDQ==

        """;

    private const string BindPrivateKey = "m/2+AIPaOW3kl5otTBZx18qDGpew2mwNjiyrmMwUni0=";

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static string BindPrivate(string timing = "Created: 20261201071253\nPublish: 20261201071253\nActivate: 20261201071253\n") =>
        $"Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: {BindPrivateKey}\n{timing}";

    private void WriteBindKey(string? privateText = null, string publicText = BindPublic)
    {
        _directory.Write(BindStem + ".key", publicText);
        _directory.Write(BindStem + ".private", privateText ?? BindPrivate());
    }

    private string ReadError(string zone = "example.org")
    {
        KeyFiles.TryReadZone(_directory.Path, zone, FileReadOptions.Default, Now, out _, out var error).Should().BeFalse();
        return error!;
    }

    [Fact]
    public void Write_ThenRead_SameKeyThatSigns()
    {
        using var key = SigningKey.Generate(DnssecAlgorithm.EcdsaP256Sha256);

        var (publicFile, privateFile) = KeyFiles.Write(_directory.Path, "Example.ORG", key, Now);

        Path.GetFileName(publicFile).Should().Be($"Kexample.org.+013+{key.KeyTag:D5}.key");
        Path.GetFileName(privateFile).Should().Be($"Kexample.org.+013+{key.KeyTag:D5}.private");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(privateFile).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.ReadAllText(privateFile).Should().Contain("Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: ").And.Contain("Created: 20261201120000\nPublish: 20261201120000\nActivate: 20261201120000\n");
        File.ReadAllText(publicFile).Should().Contain($"; This is a key-signing key, keyid {key.KeyTag}, for example.org.\n; Created: 20261201120000 (Tue Dec  1 12:00:00 2026)\n")
            .And.Contain("example.org. IN DNSKEY 257 3 13 ");
        KeyFiles.TryReadZone(_directory.Path, "example.org.", FileReadOptions.Default, Now, out var keys, out var error).Should().BeTrue(error);
        var read = keys!.Signing.Should().ContainSingle().Subject;
        keys.Published.Should().Equal(read);
        read.DnskeyData.Should().Equal(key.DnskeyData);
        read.Source.Should().Be(privateFile);
        read.Verify("data"u8, key.Sign("data"u8)).Should().BeTrue();
    }

    [Fact]
    public void Write_P384Key_ReadsBack()
    {
        using var key = SigningKey.Generate(DnssecAlgorithm.EcdsaP384Sha384, SigningKey.ZoneKeyFlag);

        KeyFiles.Write(_directory.Path, "example.org", key, Now);

        KeyFiles.TryReadAll(_directory.Path, "example.org", FileReadOptions.Default, out var keys, out var error).Should().BeTrue(error);
        var read = keys!.Single().Key;
        read.DnskeyData.Should().Equal(key.DnskeyData);
        read.Flags.Should().Be(256);
    }

    [Fact]
    public void Read_KeyMadeByBind_Loads()
    {
        WriteBindKey();

        KeyFiles.TryReadAll(_directory.Path, "example.org", FileReadOptions.Default, out var keys, out var error).Should().BeTrue(error);

        var key = keys!.Single();
        key.Key.KeyTag.Should().Be(49024);
        key.Key.Flags.Should().Be(257);
        key.Key.Algorithm.Should().Be(DnssecAlgorithm.EcdsaP256Sha256);
        key.Timing.Activate.Should().Be(new DateTime(2026, 12, 1, 7, 12, 53, DateTimeKind.Utc));
        key.StateAt(Now).Should().Be(KeyState.Signing);
    }

    [Theory]
    [InlineData("Activate: 20261201071253\nInactive: 20261201110000\n", KeyState.Published)] // rolled out: still published
    [InlineData("Activate: 20261202000000\n", KeyState.Published)]                          // pre-published
    [InlineData("Publish: 20261202000000\nActivate: 20261202000000\n", KeyState.Unused)]   // not yet published
    [InlineData("Activate: 20261101000000\nDelete: 20261201110000\n", KeyState.Unused)]     // deleted
    [InlineData("Activate: 20261201071253\nRevoke: 20261201110000\n", KeyState.Published)]
    [InlineData("", KeyState.Signing)]                                                     // no timing: no limits
    public void Read_BindTiming_DecidesWhatTheKeyDoes(string timing, KeyState expected)
    {
        WriteBindKey(BindPrivate(timing));

        KeyFiles.TryReadAll(_directory.Path, "example.org", FileReadOptions.Default, out var keys, out var error).Should().BeTrue(error);

        keys!.Single().StateAt(Now).Should().Be(expected);
    }

    [Fact]
    public void ReadZone_RolloverKeys_PublishedAndSigningApart()
    {
        WriteBindKey(BindPrivate("Activate: 20261101000000\nInactive: 20261201110000\n"));
        using var successor = SigningKey.Generate(DnssecAlgorithm.EcdsaP256Sha256);
        KeyFiles.Write(_directory.Path, "example.org", successor, Now.AddHours(-1));

        KeyFiles.TryReadZone(_directory.Path, "example.org", FileReadOptions.Default, Now, out var keys, out var error).Should().BeTrue(error);

        keys!.Published.Select(k => k.KeyTag).Should().BeEquivalentTo([(ushort)49024, successor.KeyTag]);
        keys.Signing.Select(k => k.KeyTag).Should().Equal(successor.KeyTag);
    }

    [Fact]
    public void ReadZone_NoKeyActive_SaysSo()
    {
        WriteBindKey(BindPrivate("Activate: 20270101000000\n"));

        ReadError().Should().Be($"none of the 1 key(s) of example.org. in {_directory.Path} is active now (see their Publish, Activate, Inactive and Delete times); create one with `failoverdns dnssec keygen example.org.`");
    }

    [Fact]
    public void Read_MissingDirectory_SaysSo()
    {
        var missing = Path.Combine(_directory.Path, "nope");

        KeyFiles.TryReadZone(missing, "example.org", FileReadOptions.Default, Now, out _, out var error).Should().BeFalse();

        error.Should().Be($"the key directory {missing} does not exist; create the zone's key with `failoverdns dnssec keygen example.org.`");
    }

    [Fact]
    public void Read_NoKeyForTheZone_SaysHowToMakeOne()
    {
        WriteBindKey();

        ReadError("example.net").Should().Be($"the key directory {_directory.Path} holds no key for example.net. (no Kexample.net.+*.private); create one with `failoverdns dnssec keygen example.net.`");
    }

    [Fact]
    public void Read_PublicFileMissing_CannotRead()
    {
        _directory.Write(BindStem + ".private", BindPrivate());

        ReadError().Should().StartWith($"cannot read the key file {Path.Combine(_directory.Path, BindStem)}.key: ");
    }

    [Fact]
    public void Read_PrivateKeyNotBase64_FileAndLineWithoutTheKey()
    {
        WriteBindKey(BindPrivate().Replace(BindPrivateKey, "secret!!" + BindPrivateKey, StringComparison.Ordinal));

        var error = ReadError();

        error.Should().Be($"{Path.Combine(_directory.Path, BindStem)}.private:3: PrivateKey is not base64");
    }

    [Fact]
    public void Read_GarbageLineInPrivateFile_NotQuoted()
    {
        WriteBindKey(BindPrivate() + BindPrivateKey + "\n");

        var error = ReadError();

        error.Should().Be($"{Path.Combine(_directory.Path, BindStem)}.private:7: expected 'Field: value'").And.NotContain(BindPrivateKey);
    }

    [Fact]
    public void Read_MalformedDnskey_FileAndLine()
    {
        WriteBindKey(publicText: BindPublic.Replace("257 3 13", "257 3", StringComparison.Ordinal).Replace(" w8q6", "", StringComparison.Ordinal));

        ReadError().Should().Be($"{Path.Combine(_directory.Path, BindStem)}.key:5: expected the key as 'example.org. IN DNSKEY <flags> 3 <algorithm> <base64 key>'");
    }

    [Fact]
    public void Read_KeyOfAnotherZone_SaysSo()
    {
        WriteBindKey(publicText: BindPublic.Replace("example.org. IN", "example.net. IN", StringComparison.Ordinal));

        ReadError().Should().Be($"{Path.Combine(_directory.Path, BindStem)}.key:5: the key is for 'example.net.', not example.org.");
    }

    [Fact]
    public void Read_RsaKey_AlgorithmNotSupported()
    {
        const string stem = "Kexample.org.+008+12345";
        _directory.Write(stem + ".key", "example.org. IN DNSKEY 257 3 8 AwEAAc3d\n");
        _directory.Write(stem + ".private", "Private-key-format: v1.3\nAlgorithm: 8 (RSASHA256)\nModulus: AAAA\n");

        ReadError().Should().Be($"{Path.Combine(_directory.Path, stem)}.private: algorithm 8 is not supported: FailoverDns signs with ECDSA only, algorithm 13 (ECDSAP256SHA256) or 14 (ECDSAP384SHA384)");
    }

    [Fact]
    public void Read_PublicKeyOfAnotherKey_Mismatch()
    {
        using var other = SigningKey.Generate(DnssecAlgorithm.EcdsaP256Sha256);
        WriteBindKey(publicText: KeyFiles.DnskeyText("example.org", other) + "\n");

        ReadError().Should().Be($"{Path.Combine(_directory.Path, BindStem)}.key does not hold the public key of {Path.Combine(_directory.Path, BindStem)}.private: the two files are not one key pair");
    }

    [Fact]
    public void Read_OutsideConfinement_Refused()
    {
        WriteBindKey();
        var options = new FileReadOptions { ConfinedTo = Path.Combine(_directory.Path, "config") };

        KeyFiles.TryReadZone(_directory.Path, "example.org", options, Now, out _, out var error).Should().BeFalse();

        error.Should().StartWith($"the key directory {_directory.Path} cannot be used: it is outside the config file's directory");
    }
}
