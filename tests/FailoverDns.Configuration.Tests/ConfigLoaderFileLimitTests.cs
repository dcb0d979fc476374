using FailoverDns.Testing;
using FailoverDns.Zones.Text;

namespace FailoverDns.Configuration.Tests;

/// <summary>
/// Files that are not zone files, or too big, or outside the config's directory: each fails the
/// load with a sentence, at once, quoting nothing of what it read.
/// </summary>
public sealed class ConfigLoaderFileLimitTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Config(string zoneFile, string files = "") => $"""
        {files}
        zones:
          - name: example.test
            soa: {"{"} email: hostmaster@example.test {"}"}
            nameservers: [ns1.example.test.]
            records:
              - {"{"} name: ns1, type: A, value: 192.0.2.53 {"}"}
          - name: example.org
            file: {zoneFile}
        """;

    /// <summary>Loads on another thread, so a load that hangs fails the test instead of the run.</summary>
    private static ConfigLoadResult LoadWithin(string path)
    {
        var load = Task.Run(() => ConfigLoader.Load(path));
        load.Wait(Deadline).Should().BeTrue("a load must never wait on a file for long");
        return load.Result;
    }

    [Fact]
    public void Load_ZoneFileIsFifo_RefusedWithoutWaitingForAWriter()
    {
        Fifo.Create(Path.Combine(_dir.Path, "pipe.zone"));
        var config = _dir.Write("test.yaml", Config("pipe.zone"));

        var errors = LoadWithin(config).Errors.Select(e => e.ToString());

        errors.Should().Equal($"{config}:9:11: cannot read zone file 'pipe.zone': it is a FIFO (named pipe), not a regular file");
    }

    [Fact]
    public void Load_ConfigFileIsFifo_Refused()
    {
        var config = Fifo.Create(Path.Combine(_dir.Path, "test.yaml"));

        var errors = LoadWithin(config).Errors.Select(e => e.ToString());

        errors.Should().Equal($"{config}:1:1: cannot read the config file: it is a FIFO (named pipe), not a regular file");
    }

    [Fact]
    public void Load_ZoneFileIsDevZero_RefusedAsADevice()
    {
        var config = _dir.Write("test.yaml", Config("/dev/zero", "files: { allowOutsideConfigDirectory: true }"));

        var errors = LoadWithin(config).Errors.Select(e => e.ToString());

        errors.Should().Equal($"{config}:9:11: cannot read zone file '/dev/zero': it is a character device, not a regular file");
    }

    [Fact]
    public void Load_ZoneFileOverMaxSize_Refused()
    {
        _dir.Write("big.zone", "$TTL 300\n" + string.Concat(Enumerable.Range(0, 100).Select(i => $"host{i} A 192.0.2.1\n")));
        var config = _dir.Write("test.yaml", Config("big.zone", "files: { maxSize: 1024 }"));

        var errors = LoadWithin(config).Errors.Select(e => e.ToString());

        errors.Should().Equal($"{config}:9:11: cannot read zone file 'big.zone': it is larger than 1024 bytes (files: maxSize)");
    }

    [Fact]
    public void LoadText_FilesSection_SetsTheLimits()
    {
        var result = ConfigLoader.LoadText("files: { maxSize: 2048, readTimeout: 250ms, allowOutsideConfigDirectory: true }\n" + LoadErrors.Zone, "/etc/failoverdns/test.yaml");

        result.Errors.Should().BeEmpty();
        result.Config!.Files.Should().Be(new FileReadOptions { MaxSize = 2048, Timeout = TimeSpan.FromMilliseconds(250), ConfinedTo = null });
    }

    [Fact]
    public void LoadText_ReadTimeoutOutOfRange_Refused()
    {
        LoadErrors.Of("files: { readTimeout: 10ms }\n" + LoadErrors.Zone).Should().Equal(
            "test.yaml:1:23: 'readTimeout' must be a duration from 100ms to 10m (like 500ms, 10s, 1m), not '10ms'");
    }

    [Fact]
    public void Load_ZoneFileOutsideConfigDirectory_RefusedUnlessAllowed()
    {
        using var elsewhere = new TempDirectory();
        var zone = elsewhere.Write("other.zone", "$TTL 300\n@ SOA ns1.example.org. hostmaster 1 3600 900 1209600 300\n@ NS ns1.example.org.\nns1 A 192.0.2.53\n");
        var refused = _dir.Write("test.yaml", Config(zone));
        var allowed = _dir.Write("allowed.yaml", Config(zone, "files: { allowOutsideConfigDirectory: true }"));

        var errors = LoadWithin(refused).Errors.Select(e => e.ToString());
        var loaded = LoadWithin(allowed);

        errors.Should().Equal($"{refused}:9:11: cannot read zone file {Excerpt.Quote(zone)}: it is outside the config file's directory {_dir.Path}/ (files: allowOutsideConfigDirectory allows it)");
        loaded.Errors.Should().BeEmpty();
        loaded.Summary.Zones.Should().Be(2);
    }

    [Fact]
    public void Load_SymbolicLinkLeadingOutOfTheDirectory_Refused()
    {
        using var elsewhere = new TempDirectory();
        var target = elsewhere.Write("secret.zone", "$TTL 300\n");
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "link.zone"), target);
        var config = _dir.Write("test.yaml", Config("link.zone"));

        var errors = LoadWithin(config).Errors.Select(e => e.ToString());

        errors.Should().Equal($"{config}:9:11: cannot read zone file 'link.zone': it is outside the config file's directory {_dir.Path}/ (files: allowOutsideConfigDirectory allows it)");
    }

    [Fact]
    public void Load_DirectoryLinkLeadingOutOfTheDirectory_Refused()
    {
        using var elsewhere = new TempDirectory();
        elsewhere.Write("secret.zone", "$TTL 300\n");
        Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "zones"), elsewhere.Path);
        var config = _dir.Write("test.yaml", Config("zones/secret.zone"));

        var errors = LoadWithin(config).Errors.Select(e => e.ToString());

        errors.Should().Equal($"{config}:9:11: cannot read zone file 'zones/secret.zone': it is outside the config file's directory {_dir.Path}/ (files: allowOutsideConfigDirectory allows it)");
    }

    [Fact]
    public void Load_SymbolicLinkToASibling_Read()
    {
        _dir.Write("data/real.zone", "$TTL 300\n@ SOA ns1.example.org. hostmaster 1 3600 900 1209600 300\n@ NS ns1.example.org.\nns1 A 192.0.2.53\n");
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "link.zone"), Path.Combine(_dir.Path, "data", "real.zone"));
        var config = _dir.Write("test.yaml", Config("link.zone"));

        LoadWithin(config).Errors.Should().BeEmpty("a link that stays inside, as Kubernetes mounts config maps, is fine");
    }

    [Fact]
    public void Load_IncludeOfProcSelfEnviron_RefusedAndNothingOfItQuoted()
    {
        var secret = "failoverdns-test-secret-" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable("FAILOVERDNS_TEST_SECRET", secret);
        _dir.Write("env.zone", "$INCLUDE /proc/self/environ\n");
        var confined = _dir.Write("test.yaml", Config("env.zone"));
        var allowed = _dir.Write("allowed.yaml", Config("env.zone", "files: { allowOutsideConfigDirectory: true }"));

        var confinedErrors = LoadWithin(confined).Errors.Select(e => e.ToString()).ToList();
        var allowedErrors = LoadWithin(allowed).Errors.Select(e => e.ToString()).ToList();

        var envZone = Path.Combine(_dir.Path, "env.zone");
        confinedErrors.Should().Equal($"{envZone}:1:10: cannot read zone file '/proc/self/environ': it is outside the config file's directory {_dir.Path}/ (files: allowOutsideConfigDirectory allows it)");
        allowedErrors.Should().Equal($"{envZone}:1:10: cannot read zone file '/proc/self/environ': it is not a text file (it contains NUL bytes)");
    }

    [Fact]
    public void Load_MillionBadLines_FirstHundredErrorsAndACountOfTheRest()
    {
        using (var writer = new StreamWriter(Path.Combine(_dir.Path, "bad.zone")))
        {
            writer.Write("$TTL 300\n@ SOA ns1.example.org. hostmaster 1 3600 900 1209600 300\n@ NS ns1.example.org.\n");
            for (var i = 0; i < 1_000_000; i++)
            {
                writer.Write("h");
                writer.Write(i);
                writer.Write(" A 10.0.0.300\n");
            }
        }

        var config = _dir.Write("test.yaml", Config("bad.zone"));

        var result = LoadWithin(config);

        result.Errors.Should().HaveCount(ConfigLoader.MaxReportedErrors);
        result.Errors[0].ToString().Should().Be($"{Path.Combine(_dir.Path, "bad.zone")}:4:6: '10.0.0.300' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)");
        result.OmittedErrors.Should().Be(1_000_000 - ConfigLoader.MaxReportedErrors);
        result.ErrorLines.Should().HaveCount(ConfigLoader.MaxReportedErrors + 1);
        result.ErrorLines[^1].Should().Be("... and 999900 more error(s)");
    }

    [Fact]
    public void LoadText_LongOrUnprintableValue_QuotedShortAndEscaped()
    {
        var errors = LoadErrors.Of(LoadErrors.Zone + "      - { name: www, type: A, value: \"" + new string('x', 100) + "\\u0007\" }\n");

        errors.Should().Equal($"test.yaml:7:39: '{new string('x', Excerpt.MaxLength)}...' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)");
        LoadErrors.Of(LoadErrors.Zone + "      - { name: www, type: A, value: \"1.2.3.4\\u0007\" }\n")
            .Should().Equal("test.yaml:7:39: '1.2.3.4\\u0007' is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)");
    }
}
