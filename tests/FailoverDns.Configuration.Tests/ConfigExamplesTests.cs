namespace FailoverDns.Configuration.Tests;

/// <summary>Every YAML file shipped under config/ and samples/ loads without errors, so examples cannot rot.</summary>
public sealed class ConfigExamplesTests
{
    public static TheoryData<string> ExampleFiles() => new(ExamplePaths());

    /// <summary>The worked examples the README points to; each must exist and load.</summary>
    public static TheoryData<string> Samples => new()
    {
        "samples/classic-http", "samples/https-and-tcp", "samples/cname-and-aaaa", "samples/tiers-and-policies", "samples/zone-file-import", "samples/docker",
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void ExampleFiles_IncludeEverySample(string directory)
    {
        ExamplePaths().Should().Contain(Path.Combine(directory, "failoverdns.yaml"));
    }

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Load_ShippedExample_LoadsWithoutErrors(string relativePath)
    {
        var result = ConfigLoader.Load(Path.Combine(AppContext.BaseDirectory, relativePath));

        result.Errors.Select(e => e.ToString()).Should().BeEmpty();
        result.Succeeded.Should().BeTrue();
        result.Snapshot!.Zones.Should().NotBeEmpty();
    }

    [Fact]
    public void ExampleFiles_IncludeTheSampleConfig()
    {
        ExamplePaths().Should().Contain(Path.Combine("config", "failoverdns.yaml"),
            "the examples must be copied to the test output, or the theory above tests nothing");
    }

    /// <summary>Paths relative to the test output, where the csproj copies config/ and samples/.</summary>
    private static IEnumerable<string> ExamplePaths()
    {
        foreach (var folder in new[] { "config", "samples" })
        {
            var path = Path.Combine(AppContext.BaseDirectory, folder);
            if (!Directory.Exists(path))
            {
                continue;
            }

            // FailoverDns configs are failoverdns*.yaml; other YAML there (docker-compose.yml) is not one.
            foreach (var file in Directory.EnumerateFiles(path, "failoverdns*.yaml", SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal))
            {
                yield return Path.GetRelativePath(AppContext.BaseDirectory, file);
            }
        }
    }
}
