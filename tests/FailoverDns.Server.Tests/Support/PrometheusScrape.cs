using System.Globalization;
using System.Text.RegularExpressions;

namespace FailoverDns.Server.Tests.Support;

/// <summary>
/// A strict reader of the Prometheus text format (0.0.4): every line must be a HELP, a TYPE or a
/// sample of a declared family, or parsing fails.
/// </summary>
internal sealed partial class PrometheusScrape
{
    private readonly Dictionary<string, string> _types = new(StringComparer.Ordinal);
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];
    private string _text = "";

    public IReadOnlyDictionary<string, string> Types => _types;

    public static PrometheusScrape Parse(string text)
    {
        var scrape = new PrometheusScrape { _text = text };
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                continue;
            }

            if (TypeLine().Match(line) is { Success: true } type)
            {
                scrape._types.Add(type.Groups[1].Value, type.Groups[2].Value);
                continue;
            }

            var sample = SampleLine().Match(line);
            if (!sample.Success)
            {
                throw new FormatException($"not a Prometheus text line: '{line}'");
            }

            var name = sample.Groups[1].Value;
            var family = scrape._types.Keys.FirstOrDefault(f => name == f || name == f + "_bucket" || name == f + "_sum" || name == f + "_count")
                ?? throw new FormatException($"sample '{name}' comes before (or without) its # TYPE line");
            _ = family;
            var labels = LabelPair().Matches(sample.Groups[2].Value).ToDictionary(m => m.Groups[1].Value, m => Unescape(m.Groups[2].Value), StringComparer.Ordinal);
            var value = sample.Groups[3].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var number => double.Parse(number, CultureInfo.InvariantCulture),
            };
            scrape._samples.Add((name, labels, value));
        }

        return scrape;
    }

    /// <summary>The sum of the samples named <paramref name="name"/> whose labels include <paramref name="labels"/>.</summary>
    public double Sum(string name, params (string Name, string Value)[] labels) =>
        Matching(name, labels).Sum(s => s.Value);

    /// <summary>The samples named <paramref name="name"/> whose labels include <paramref name="labels"/>.</summary>
    public IReadOnlyList<(Dictionary<string, string> Labels, double Value)> Matching(string name, params (string Name, string Value)[] labels) =>
        [.. _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).Select(s => (s.Labels, s.Value))];

    /// <summary>The text parsed, for a failing test's message.</summary>
    public override string ToString() => _text;

    private static string Unescape(string value) =>
        value.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    [GeneratedRegex(@"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\]|\\.)*"",?)*)\})? (\S+)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
