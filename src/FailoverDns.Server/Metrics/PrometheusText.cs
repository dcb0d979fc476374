using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace FailoverDns.Server.Metrics;

/// <summary>The Prometheus text exposition format (version 0.0.4): names, label escaping, numbers.</summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>
    /// <c>failoverdns.dns.query.duration</c> with unit <c>s</c> becomes
    /// <c>failoverdns_dns_query_duration_seconds</c>: dots to underscores, the base unit as a suffix.
    /// </summary>
    public static string Name(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_').Replace('-', '_');
        var suffix = instrument.Unit switch
        {
            "s" => "_seconds",
            "By" => "_bytes",
            _ => "",
        };
        return name.EndsWith(suffix, StringComparison.Ordinal) ? name : name + suffix;
    }

    /// <summary>A measurement's tags as the inside of the braces, sorted by name: <c>a="1",b="2"</c>.</summary>
    public static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var sorted = tags.ToArray();
        Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return string.Join(",", sorted.Select(t => $"{t.Key}=\"{EscapeLabel(Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? "")}\""));
    }

    public static string EscapeLabel(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant(), // 2.5e-07, as Prometheus clients write it
    };

    public static void WriteHeader(StringBuilder output, string name, string? description, string type)
    {
        if (!string.IsNullOrEmpty(description))
        {
            output.Append("# HELP ").Append(name).Append(' ')
                .Append(description.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        }

        output.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    /// <summary>
    /// One histogram series: cumulative <c>_bucket</c> lines (the last is <c>+Inf</c>), <c>_sum</c> and
    /// <c>_count</c>. <paramref name="counts"/> has one count per bucket, not cumulative.
    /// </summary>
    public static void WriteHistogram(StringBuilder output, string name, string labels, IReadOnlyList<double> bounds, IReadOnlyList<long> counts, double sum)
    {
        var separator = labels.Length > 0 ? "," : "";
        long cumulative = 0;
        for (var i = 0; i <= bounds.Count; i++)
        {
            cumulative += counts[i];
            var le = i < bounds.Count ? Number(bounds[i]) : "+Inf";
            WriteSample(output, name + "_bucket", $"{labels}{separator}le=\"{le}\"", cumulative);
        }

        WriteSample(output, name + "_sum", labels, sum);
        WriteSample(output, name + "_count", labels, cumulative);
    }

    /// <summary>One sample line; <paramref name="labels"/> is the inside of the braces, possibly empty.</summary>
    public static void WriteSample(StringBuilder output, string name, string labels, double value)
    {
        output.Append(name);
        if (labels.Length > 0)
        {
            output.Append('{').Append(labels).Append('}');
        }

        output.Append(' ').Append(Number(value)).Append('\n');
    }
}
