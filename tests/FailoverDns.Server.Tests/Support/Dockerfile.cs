using System.Text.Json;
using System.Text.RegularExpressions;

namespace FailoverDns.Server.Tests.Support;

/// <summary>What the repository's Dockerfile sets for the running image (its final stage), read from the file itself.</summary>
internal sealed partial record Dockerfile(
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<string> EntryPoint,
    IReadOnlyList<string> HealthCheck,
    IReadOnlyList<string> Expose,
    string User,
    string WorkDir,
    string PublishCommand)
{
    public static Dockerfile Read(string path)
    {
        // Continuation lines joined, comments dropped.
        var text = string.Join('\n', File.ReadAllLines(path).Where(l => !l.TrimStart().StartsWith('#')));
        var lines = text.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var publish = lines.Single(l => l.StartsWith("RUN dotnet publish ", StringComparison.Ordinal))["RUN ".Length..];
        var final = lines.Skip(lines.FindLastIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal))).ToList();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in final.Where(l => l.StartsWith("ENV ", StringComparison.Ordinal)))
        {
            foreach (Match pair in EnvPair().Matches(line["ENV ".Length..]))
            {
                environment[pair.Groups[1].Value] = pair.Groups[2].Value;
            }
        }

        string Instruction(string name) => final.Single(l => l.StartsWith(name + " ", StringComparison.Ordinal))[(name.Length + 1)..];
        var healthCheck = Instruction("HEALTHCHECK");
        return new Dockerfile(
            environment,
            JsonSerializer.Deserialize<string[]>(Instruction("ENTRYPOINT"))!,
            JsonSerializer.Deserialize<string[]>(healthCheck[(healthCheck.IndexOf("CMD ", StringComparison.Ordinal) + 4)..])!,
            Instruction("EXPOSE").Split(' ', StringSplitOptions.RemoveEmptyEntries),
            Instruction("USER"),
            Instruction("WORKDIR"),
            publish);
    }

    [GeneratedRegex(@"([A-Z_]+)=(\S+)")]
    private static partial Regex EnvPair();
}
