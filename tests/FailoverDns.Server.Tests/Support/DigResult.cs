using System.Text.RegularExpressions;

namespace FailoverDns.Server.Tests.Support;

/// <summary>dig's text output split into what tests assert on; record lines have runs of white space folded.</summary>
internal sealed partial record DigResult(string Status, string Flags, string[] Answer, string[] Authority, string[] Additional, string? Edns, string Raw)
{
    /// <summary>The AD flag: the resolver validated every record in the reply (or the proof of its absence).</summary>
    public bool Authenticated => Flags.Split(' ').Contains("ad");

    public static DigResult Parse(string output)
    {
        var status = StatusPattern().Match(output);
        var flags = FlagsPattern().Match(output);
        if (!status.Success || !flags.Success)
        {
            throw new FormatException($"dig printed no reply header:\n{output}");
        }

        return new DigResult(
            status.Groups[1].Value,
            flags.Groups[1].Value.Trim(),
            Section(output, "ANSWER"),
            Section(output, "AUTHORITY"),
            Section(output, "ADDITIONAL"),
            EdnsPattern().Match(output) is { Success: true } edns ? edns.Groups[1].Value.Trim() : null,
            output);
    }

    private static string[] Section(string output, string name)
    {
        var lines = output.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith($";; {name} SECTION:", StringComparison.Ordinal));
        if (start < 0)
        {
            return [];
        }

        return lines.Skip(start + 1)
            .TakeWhile(l => l.Trim().Length > 0 && !l.StartsWith(";;", StringComparison.Ordinal))
            .Select(l => WhiteSpace().Replace(l.Trim(), " "))
            .ToArray();
    }

    [GeneratedRegex(@"status: (\w+)")]
    private static partial Regex StatusPattern();

    [GeneratedRegex(@"flags:([^;]*);")]
    private static partial Regex FlagsPattern();

    [GeneratedRegex(@"; EDNS: (.*)")]
    private static partial Regex EdnsPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
