using FailoverDns.Zones.Config;

namespace FailoverDns.Zones.Tests.Config;

/// <summary>Every YAML file shipped under config/ and samples/ loads without errors, so examples cannot rot.</summary>
public sealed class ConfigExamplesTests
{
    public static TheoryData<string> ExampleFiles() => new(ExamplePaths());

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

            foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Where(f => Path.GetExtension(f) is ".yaml" or ".yml")
                .Order(StringComparer.Ordinal))
            {
                yield return Path.GetRelativePath(AppContext.BaseDirectory, file);
            }
        }
    }
}
