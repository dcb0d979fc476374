using System.Globalization;
using System.Text;

namespace FailoverDns.Zones.Text;

/// <summary>
/// What an error message may quote of the user's text: short and printable. Errors travel to logs
/// and the admin API, so a line of a file that was never meant to be a zone (a secret, a binary)
/// must not come back whole through them.
/// </summary>
public static class Excerpt
{
    /// <summary>Characters of user text quoted at most.</summary>
    public const int MaxLength = 40;

    /// <summary><paramref name="text"/> in single quotes: control and non-ASCII characters escaped, cut at <see cref="MaxLength"/> with "...".</summary>
    public static string Quote(string? text) => "'" + Sanitise(text) + "'";

    /// <summary>As <see cref="Quote"/>, without the quotes.</summary>
    public static string Sanitise(string? text)
    {
        if (text is null)
        {
            return "";
        }

        var builder = new StringBuilder(Math.Min(text.Length, MaxLength) + 3);
        var written = 0;
        foreach (var c in text)
        {
            if (written >= MaxLength)
            {
                return builder.Append("...").ToString();
            }

            if (c is >= ' ' and <= '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }

            written++;
        }

        return builder.ToString();
    }
}
