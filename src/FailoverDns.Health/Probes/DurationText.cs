using System.Globalization;

namespace FailoverDns.Health.Probes;

/// <summary>A duration as a person writes it in the config, exactly: <c>5m</c>, <c>90s</c>, <c>1h</c>, <c>300ms</c>.</summary>
public static class DurationText
{
    public static string Format(TimeSpan duration) => duration switch
    {
        { Ticks: > 0 } when duration.Ticks % TimeSpan.TicksPerHour == 0 => string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalHours}h"),
        { Ticks: > 0 } when duration.Ticks % TimeSpan.TicksPerMinute == 0 => string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalMinutes}m"),
        _ when duration.Ticks % TimeSpan.TicksPerSecond == 0 => string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalSeconds}s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalMilliseconds}ms"),
    };
}
