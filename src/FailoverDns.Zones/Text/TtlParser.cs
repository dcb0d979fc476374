namespace FailoverDns.Zones.Text;

/// <summary>
/// TTLs and other durations in seconds: a plain number, or BIND-style units (<c>1h30m</c>, <c>2w</c>).
/// A TTL must fit in 0..2^31-1 (RFC 2181 §8).
/// </summary>
public static class TtlParser
{
    public const uint MaxTtl = int.MaxValue;

    public static bool TryParse(string text, out uint seconds)
    {
        seconds = 0;
        if (text.Length == 0)
        {
            return false;
        }

        ulong total = 0;
        ulong current = 0;
        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                current = (current * 10) + (ulong)(c - '0');
                digits++;
                if (current > MaxTtl)
                {
                    return false;
                }

                continue;
            }

            ulong unit = char.ToLowerInvariant(c) switch
            {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86400,
                'w' => 604800,
                _ => 0,
            };
            if (unit == 0 || digits == 0)
            {
                return false;
            }

            total += current * unit;
            current = 0;
            digits = 0;
        }

        total += current;
        if (total > MaxTtl)
        {
            return false;
        }

        seconds = (uint)total;
        return true;
    }
}
