using System.Text;

namespace FailoverDns.Zones.Text;

/// <summary>
/// Splits master-file text (RFC 1035 §5.1) into logical lines of tokens: comments dropped,
/// parentheses joining lines, quoted strings kept whole.
/// </summary>
public static class ZoneLexer
{
    public static IReadOnlyList<ZoneLine> Split(string text, string file, int firstLine, int firstColumn, List<ConfigError> errors)
    {
        var lines = new List<ZoneLine>();
        Split(text, file, firstLine, firstColumn, errors, lines.Add);
        return lines;
    }

    /// <summary>
    /// As <see cref="Split(string, string, int, int, List{ConfigError})"/>, handing each line to
    /// <paramref name="onLine"/> as soon as it ends, so a large zone file is never held as tokens whole.
    /// </summary>
    /// <param name="text">The master-file text.</param>
    /// <param name="file">The file it came from (for locations).</param>
    /// <param name="firstLine">The line number of the text's first line.</param>
    /// <param name="firstColumn">The column of the text's first character.</param>
    /// <param name="errors">Where problems are added.</param>
    /// <param name="onLine">Called with each logical line, in order.</param>
    public static void Split(string text, string file, int firstLine, int firstColumn, List<ConfigError> errors, Action<ZoneLine> onLine)
    {
        var tokens = new List<ZoneToken>();
        var token = new StringBuilder();
        var line = firstLine;
        var column = firstColumn;
        var lineStart = new SourceLocation(file, line, column);
        var hasOwner = true;
        var atLineStart = true;
        var depth = 0;
        var parenOpenedAt = default(SourceLocation);
        SourceLocation tokenStart = default;
        var inToken = false;

        void EndToken(bool quoted)
        {
            if (inToken || quoted)
            {
                tokens.Add(new ZoneToken(token.ToString(), quoted, tokenStart));
                token.Clear();
                inToken = false;
            }
        }

        void EndLine()
        {
            EndToken(false);
            if (tokens.Count > 0)
            {
                onLine(new ZoneLine(tokens.ToArray(), hasOwner, lineStart));
            }

            tokens.Clear();
        }

        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var here = new SourceLocation(file, line, column);
            if (atLineStart && depth == 0)
            {
                lineStart = here;
                hasOwner = c is not (' ' or '\t');
                atLineStart = false;
            }

            switch (c)
            {
                case '\n':
                    if (depth == 0)
                    {
                        EndLine();
                        atLineStart = true;
                    }
                    else
                    {
                        EndToken(false);
                    }

                    i++;
                    line++;
                    column = 1;
                    continue;
                case ';':
                    EndToken(false);
                    while (i < text.Length && text[i] != '\n')
                    {
                        i++;
                    }

                    continue;
                case ' ' or '\t' or '\r':
                    EndToken(false);
                    break;
                case '(':
                    EndToken(false);
                    if (depth++ == 0)
                    {
                        parenOpenedAt = here;
                    }

                    break;
                case ')':
                    EndToken(false);
                    if (depth == 0)
                    {
                        errors.Add(new ConfigError(here, "')' without a matching '('"));
                    }
                    else
                    {
                        depth--;
                    }

                    break;
                case '"':
                    EndToken(false);
                    tokenStart = here;
                    i++;
                    column++;
                    var closed = false;
                    while (i < text.Length)
                    {
                        var q = text[i];
                        if (q == '\\' && i + 1 < text.Length)
                        {
                            token.Append(q).Append(text[i + 1]);
                            i += 2;
                            column += 2;
                            continue;
                        }

                        if (q == '"')
                        {
                            closed = true;
                            break;
                        }

                        if (q == '\n')
                        {
                            break;
                        }

                        token.Append(q);
                        i++;
                        column++;
                    }

                    if (!closed)
                    {
                        errors.Add(new ConfigError(tokenStart, "unterminated quoted string"));
                        token.Clear();
                        continue;
                    }

                    EndToken(true);
                    break;
                case '\\':
                    if (!inToken)
                    {
                        tokenStart = here;
                        inToken = true;
                    }

                    token.Append(c);
                    if (i + 1 < text.Length && text[i + 1] != '\n')
                    {
                        token.Append(text[i + 1]);
                        i++;
                        column++;
                    }

                    break;
                default:
                    if (!inToken)
                    {
                        tokenStart = here;
                        inToken = true;
                    }

                    token.Append(c);
                    break;
            }

            i++;
            column++;
        }

        if (depth > 0)
        {
            errors.Add(new ConfigError(parenOpenedAt, "'(' is never closed"));
        }

        EndLine();
    }
}
