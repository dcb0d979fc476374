using System.Globalization;

namespace FailoverDns.Health.Probes;

/// <summary>Formats a timeout for a probe's detail text ("2s", "300ms").</summary>
internal static class DurationText
{
    public static string Format(TimeSpan duration)
    {
        var milliseconds = (long)duration.TotalMilliseconds;
        return milliseconds % 1000 == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 1000}s")
            : string.Create(CultureInfo.InvariantCulture, $"{milliseconds}ms");
    }
}
