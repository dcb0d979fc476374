using System.Text.Json.Nodes;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Docs;

/// <summary>The README says what the code does: its configuration reference is generated from the schema.</summary>
public sealed class ReadmeTests
{
    private const string Begin = "<!-- config-reference:begin -->";
    private const string End = "<!-- config-reference:end -->";

    /// <summary>Set UPDATE_README=1 to rewrite the reference in README.md instead of failing on a difference.</summary>
    [Fact]
    public void ConfigReference_IsTheOneGeneratedFromTheSchema()
    {
        var readmePath = Repository.PathOf("README.md");
        var readme = File.ReadAllText(readmePath);
        var start = readme.IndexOf(Begin, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        start.Should().BeGreaterThan(0, $"README.md must hold the reference between {Begin} and {End}");
        end.Should().BeGreaterThan(start);

        var generated = ConfigReference.Render(JsonNode.Parse(File.ReadAllText(Repository.PathOf("config", "failoverdns.schema.json")))!);
        var current = readme[(start + Begin.Length)..end];
        if (current != generated && Environment.GetEnvironmentVariable("UPDATE_README") == "1")
        {
            File.WriteAllText(readmePath, readme[..(start + Begin.Length)] + generated + readme[end..]);
            return;
        }

        current.Should().Be(generated, "the README's reference is generated from config/failoverdns.schema.json; run UPDATE_README=1 dotnet test --filter ConfigReference to regenerate it");
    }
}
