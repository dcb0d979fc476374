using System.Text;

namespace FailoverDns.Protocol;

/// <summary>The presentation format of domain names (RFC 1035 §5.1): parsing and printing.</summary>
public static partial class DnsName
{
    /// <summary>
    /// Parses a presentation-format name (RFC 1035 §5.1: <c>\X</c> and <c>\DDD</c> escapes). A name
    /// without a trailing dot is relative and gets <paramref name="origin"/> appended.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, ReadOnlySpan<byte> origin, Span<byte> destination, out int written, out NameParseError error)
    {
        written = 0;
        error = NameParseError.None;
        if (text.IsEmpty)
        {
            error = NameParseError.Empty;
            return false;
        }

        if (text is ".")
        {
            return TryAppend(Root, destination, ref written, out error);
        }

        Span<byte> label = stackalloc byte[MaxLabelLength + 1];
        var labelLength = 0;
        var absolute = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.')
            {
                if (!TryEndLabel(label, labelLength, destination, ref written, out error))
                {
                    return false;
                }

                labelLength = 0;
                if (i == text.Length - 1)
                {
                    absolute = true;
                }

                continue;
            }

            int value;
            if (c == '\\')
            {
                if (i + 1 >= text.Length)
                {
                    error = NameParseError.BadEscape;
                    return false;
                }

                if (char.IsAsciiDigit(text[i + 1]))
                {
                    if (i + 3 >= text.Length
                        || !char.IsAsciiDigit(text[i + 2]) || !char.IsAsciiDigit(text[i + 3]))
                    {
                        error = NameParseError.BadEscape;
                        return false;
                    }

                    value = ((text[i + 1] - '0') * 100) + ((text[i + 2] - '0') * 10) + (text[i + 3] - '0');
                    if (value > 255)
                    {
                        error = NameParseError.BadEscape;
                        return false;
                    }

                    i += 3;
                }
                else
                {
                    value = text[++i];
                }
            }
            else
            {
                value = c;
            }

            if (value > 255)
            {
                error = NameParseError.BadEscape; // only octets can be written without \DDD
                return false;
            }

            if (labelLength == MaxLabelLength)
            {
                error = NameParseError.LabelTooLong;
                return false;
            }

            label[labelLength++] = (byte)value;
        }

        if (!absolute)
        {
            if (!TryEndLabel(label, labelLength, destination, ref written, out error))
            {
                return false;
            }

            if (origin.IsEmpty)
            {
                error = NameParseError.RelativeWithoutOrigin;
                return false;
            }

            return TryAppend(origin, destination, ref written, out error);
        }

        return TryAppend(Root, destination, ref written, out error);
    }

    /// <summary>Parses an absolute or origin-relative name into a new array.</summary>
    public static byte[]? Parse(string text, ReadOnlySpan<byte> origin = default)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        return TryParse(text, origin, buffer, out var written, out _) ? buffer[..written].ToArray() : null;
    }

    /// <summary>Presentation format with a trailing dot, escaping what must be escaped.</summary>
    public static string ToText(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || name[0] == 0)
        {
            return ".";
        }

        var builder = new StringBuilder(name.Length + 8);
        var position = 0;
        while (position < name.Length && name[position] != 0)
        {
            int length = name[position];
            foreach (var b in name.Slice(position + 1, Math.Min(length, name.Length - position - 1)))
            {
                AppendEscaped(builder, b);
            }

            builder.Append('.');
            position += 1 + length;
        }

        return builder.ToString();
    }

    private static void AppendEscaped(StringBuilder builder, byte b)
    {
        switch (b)
        {
            case (byte)'.' or (byte)'\\' or (byte)'"' or (byte)'(' or (byte)')' or (byte)';' or (byte)'@' or (byte)'$':
                builder.Append('\\').Append((char)b);
                break;
            case <= 0x20 or >= 0x7F:
                builder.Append('\\').Append(b.ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                builder.Append((char)b);
                break;
        }
    }

    private static bool TryEndLabel(ReadOnlySpan<byte> label, int labelLength, Span<byte> destination, ref int written, out NameParseError error)
    {
        if (labelLength == 0)
        {
            error = NameParseError.EmptyLabel;
            return false;
        }

        // Reserve one byte for the root label that must still follow.
        if (written + 1 + labelLength + 1 > MaxLength || written + 1 + labelLength > destination.Length)
        {
            error = NameParseError.NameTooLong;
            return false;
        }

        destination[written] = (byte)labelLength;
        label[..labelLength].CopyTo(destination[(written + 1)..]);
        written += 1 + labelLength;
        error = NameParseError.None;
        return true;
    }

    private static bool TryAppend(ReadOnlySpan<byte> suffix, Span<byte> destination, ref int written, out NameParseError error)
    {
        if (written + suffix.Length > MaxLength || written + suffix.Length > destination.Length)
        {
            error = NameParseError.NameTooLong;
            return false;
        }

        suffix.CopyTo(destination[written..]);
        written += suffix.Length;
        error = NameParseError.None;
        return true;
    }
}
