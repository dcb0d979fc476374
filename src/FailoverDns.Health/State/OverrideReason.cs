using System.Globalization;
using System.Text;

namespace FailoverDns.Health.State;

/// <summary>
/// The rules for an override's free-text reason. It is logged, kept in the state file and returned by
/// every health-check view, so it is short, and it holds no control or line-separator characters:
/// a newline in it would forge a log line.
/// </summary>
public static class OverrideReason
{
    /// <summary>Room for a sentence and a ticket number.</summary>
    public const int MaxLength = 200;

    /// <summary>Null when <paramref name="reason"/> may be used as is, else what is wrong with it.</summary>
    public static string? Problem(string reason)
    {
        if (reason.Length > MaxLength)
        {
            return $"'reason' is {reason.Length} characters long; at most {MaxLength} are allowed";
        }

        for (var i = 0; i < reason.Length; i++)
        {
            if (IsForbidden(reason[i]))
            {
                return $"'reason' must be one line of plain text: character {i + 1} is U+{(int)reason[i]:X4}, a control character";
            }
        }

        return null;
    }

    /// <summary>
    /// Makes a reason read back from the state file (written by an older version, or by hand) follow
    /// the rules: forbidden characters become spaces, and it is cut to <see cref="MaxLength"/>.
    /// </summary>
    public static string Sanitize(string reason)
    {
        if (Problem(reason) is null)
        {
            return reason;
        }

        var length = Math.Min(reason.Length, MaxLength);
        if (length < reason.Length && char.IsHighSurrogate(reason[length - 1]))
        {
            length--; // not half a character
        }

        var text = new StringBuilder(length);
        foreach (var c in reason.AsSpan(0, length))
        {
            text.Append(IsForbidden(c) ? ' ' : c);
        }

        return text.ToString();
    }

    // Format characters (Cf) include the bidirectional overrides that make a log line read differently from what it holds.
    private static bool IsForbidden(char c) => CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Control
        or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
