using System.Globalization;

namespace FailoverDns.Configuration;

/// <summary>Durations for settings: <c>250ms</c>, <c>10s</c>, <c>5m</c>, <c>1h</c>, <c>1m30s</c>, or a bare number of seconds.</summary>
public static class DurationParser
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var rest = text.Trim().AsSpan();
        if (rest.IsEmpty)
        {
            return false;
        }

        if (double.TryParse(rest, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var bareSeconds))
        {
            // The same bound as for units below: TimeSpan.FromSeconds throws past TimeSpan.MaxValue.
            if (bareSeconds > TimeSpan.MaxValue.TotalSeconds / 2)
            {
                return false;
            }

            duration = TimeSpan.FromSeconds(bareSeconds);
            return true;
        }

        var total = 0.0;
        while (!rest.IsEmpty)
        {
            var digits = 0;
            while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || rest[digits] == '.'))
            {
                digits++;
            }

            var unitLength = 0;
            while (digits + unitLength < rest.Length && char.IsAsciiLetter(rest[digits + unitLength]))
            {
                unitLength++;
            }

            if (digits == 0 || unitLength == 0 || !double.TryParse(rest[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            double? milliseconds = rest.Slice(digits, unitLength) switch
            {
                "ms" => 1,
                "s" => 1000,
                "m" => 60_000,
                "h" => 3_600_000,
                "d" => 86_400_000,
                _ => null,
            };
            if (milliseconds is null)
            {
                return false;
            }

            total += number * milliseconds.Value;
            rest = rest[(digits + unitLength)..];
        }

        if (total > TimeSpan.MaxValue.TotalMilliseconds / 2)
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(total);
        return true;
    }

    public static string Format(TimeSpan duration) => duration switch
    {
        { TotalMilliseconds: < 1000 } => FormattableString.Invariant($"{duration.TotalMilliseconds:0}ms"),
        { TotalSeconds: < 60 } => FormattableString.Invariant($"{duration.TotalSeconds:0.###}s"),
        { TotalMinutes: < 60 } => FormattableString.Invariant($"{duration.TotalMinutes:0.###}m"),
        _ => FormattableString.Invariant($"{duration.TotalHours:0.###}h"),
    };
}
