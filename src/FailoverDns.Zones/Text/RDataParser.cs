using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using FailoverDns.Protocol;

namespace FailoverDns.Zones.Text;

/// <summary>
/// RDATA from presentation format (RFC 1035 §5.1 and each type's RFC) to canonical wire form.
/// Any type may also be written generically as <c>\# length hex</c> (RFC 3597 §5).
/// </summary>
public static class RDataParser
{
    public static bool TryParse(RecordType type, IReadOnlyList<ZoneToken> tokens, byte[] origin, out byte[] rdata, out ConfigError? error)
    {
        rdata = [];
        error = null;
        var reader = new Reader(tokens, origin);
        try
        {
            if (tokens.Count > 0 && tokens[0] is { Quoted: false, Text: @"\#" })
            {
                rdata = reader.Generic();
                if (!RDataCodec.IsWellFormed(type, rdata))
                {
                    throw reader.Fail(tokens[0], $"the {RecordTypeNames.ToName(type)} data in \\# form is malformed");
                }
            }
            else
            {
                rdata = type switch
                {
                    RecordType.A => reader.Address(AddressFamily.InterNetwork),
                    RecordType.AAAA => reader.Address(AddressFamily.InterNetworkV6),
                    RecordType.CNAME or RecordType.NS or RecordType.PTR => reader.Name(),
                    RecordType.MX => [.. reader.UInt16("preference"), .. reader.Name()],
                    RecordType.SRV => [.. reader.UInt16("priority"), .. reader.UInt16("weight"), .. reader.UInt16("port"), .. reader.Name()],
                    RecordType.SOA => [.. reader.Name(), .. reader.Name(), .. reader.UInt32("serial"), .. reader.Duration("refresh"), .. reader.Duration("retry"), .. reader.Duration("expire"), .. reader.Duration("minimum")],
                    RecordType.TXT => reader.CharacterStrings(),
                    RecordType.CAA => reader.Caa(),
                    RecordType.DS => [.. reader.UInt16("DS key tag"), reader.Byte("DS algorithm"), reader.Byte("DS digest type"), .. reader.HexToEnd("DS digest")],
                    _ => throw reader.Fail(null, $"write {RecordTypeNames.ToName(type)} data in the generic form \\# <length> <hex>"),
                };
            }

            reader.End();
            return true;
        }
        catch (RDataException e)
        {
            error = e.Error;
            return false;
        }
    }

    /// <summary>Decodes a character-string's escapes (<c>\X</c>, <c>\DDD</c>) to bytes.</summary>
    public static bool TryDecodeEscapes(string text, out byte[] bytes)
    {
        var result = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                if (i + 1 >= text.Length)
                {
                    bytes = [];
                    return false;
                }

                if (char.IsAsciiDigit(text[i + 1]))
                {
                    if (i + 3 >= text.Length || !char.IsAsciiDigit(text[i + 2]) || !char.IsAsciiDigit(text[i + 3]))
                    {
                        bytes = [];
                        return false;
                    }

                    var value = ((text[i + 1] - '0') * 100) + ((text[i + 2] - '0') * 10) + (text[i + 3] - '0');
                    if (value > 255)
                    {
                        bytes = [];
                        return false;
                    }

                    result.Add((byte)value);
                    i += 3;
                    continue;
                }

                c = text[++i];
            }

            if (c > 0x7F)
            {
                // Non-ASCII text is stored as UTF-8, as other servers do; a surrogate pair is one character.
                var length = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
                result.AddRange(System.Text.Encoding.UTF8.GetBytes(text.Substring(i, length)));
                i += length - 1;
                continue;
            }

            result.Add((byte)c);
        }

        bytes = [.. result];
        return true;
    }

    private sealed class RDataException(ConfigError error) : Exception(error.Message)
    {
        public ConfigError Error { get; } = error;
    }

    private sealed class Reader(IReadOnlyList<ZoneToken> tokens, byte[] origin)
    {
        private int _next;

        public RDataException Fail(ZoneToken? token, string message) =>
            new(new ConfigError(token?.Location ?? (tokens.Count > 0 ? tokens[^1].Location : default), message));

        public void End()
        {
            if (_next < tokens.Count)
            {
                throw Fail(tokens[_next], $"unexpected {Excerpt.Quote(tokens[_next].Text)} after the record data");
            }
        }

        public byte[] Address(AddressFamily family)
        {
            var token = Take(family == AddressFamily.InterNetwork ? "an IPv4 address" : "an IPv6 address");
            if (!AddressText.TryParse(token.Text, family, out var address))
            {
                throw Fail(token, family == AddressFamily.InterNetwork
                    ? $"{Excerpt.Quote(token.Text)} is not an IPv4 address (write four numbers 0-255, e.g. 192.0.2.1)"
                    : $"{Excerpt.Quote(token.Text)} is not an IPv6 address (e.g. 2001:db8::1)");
            }

            return address.GetAddressBytes();
        }

        public byte[] Name()
        {
            var token = Take("a domain name");
            Span<byte> buffer = stackalloc byte[DnsName.MaxLength];
            var text = token.Text == "@" ? "" : token.Text;
            if (text.Length == 0)
            {
                return origin.Length > 0 ? origin : throw Fail(token, "'@' needs an origin");
            }

            if (!DnsName.TryParse(text, origin, buffer, out var written, out var error))
            {
                throw Fail(token, $"{Excerpt.Quote(token.Text)} is not a valid domain name: {Describe(error)}");
            }

            return buffer[..written].ToArray();
        }

        public byte[] UInt16(string field)
        {
            var token = Take(field);
            if (!ushort.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                throw Fail(token, $"{field} must be a number from 0 to 65535, not {Excerpt.Quote(token.Text)}");
            }

            var bytes = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
            return bytes;
        }

        public byte[] UInt32(string field)
        {
            var token = Take(field);
            if (!uint.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                throw Fail(token, $"{field} must be a number from 0 to 4294967295, not {Excerpt.Quote(token.Text)}");
            }

            return BigEndian(value);
        }

        public byte[] Duration(string field)
        {
            var token = Take(field);
            if (!TtlParser.TryParse(token.Text, out var value))
            {
                throw Fail(token, $"{field} must be seconds (or a duration like 1h), not {Excerpt.Quote(token.Text)}");
            }

            return BigEndian(value);
        }

        public byte[] CharacterStrings()
        {
            if (_next >= tokens.Count)
            {
                throw Fail(null, "TXT needs at least one string");
            }

            var result = new List<byte>();
            while (_next < tokens.Count)
            {
                var token = tokens[_next++];
                var bytes = Decode(token);
                if (bytes.Length > 255)
                {
                    throw Fail(token, $"a TXT string is at most 255 bytes, this one has {bytes.Length}: split it into several quoted strings");
                }

                result.Add((byte)bytes.Length);
                result.AddRange(bytes);
            }

            return [.. result];
        }

        public byte[] Caa()
        {
            var flagsToken = Take("CAA flags");
            if (!byte.TryParse(flagsToken.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var flags))
            {
                throw Fail(flagsToken, $"CAA flags must be a number from 0 to 255, not {Excerpt.Quote(flagsToken.Text)}");
            }

            var tagToken = Take("CAA tag");
            if (tagToken.Text.Length is 0 or > 15 || !tagToken.Text.All(char.IsAsciiLetterOrDigit))
            {
                throw Fail(tagToken, $"CAA tag must be 1-15 letters or digits (issue, issuewild, iodef), not {Excerpt.Quote(tagToken.Text)}");
            }

            var value = Decode(Take("CAA value"));
            return [flags, (byte)tagToken.Text.Length, .. System.Text.Encoding.ASCII.GetBytes(tagToken.Text.ToLowerInvariant()), .. value];
        }

        public byte Byte(string field)
        {
            var token = Take(field);
            if (!byte.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                throw Fail(token, $"{field} must be a number from 0 to 255, not {Excerpt.Quote(token.Text)}");
            }

            return value;
        }

        /// <summary>Hex data to the end of the record, which may be split by spaces (as dig prints a DS digest).</summary>
        public byte[] HexToEnd(string field)
        {
            var first = Take(field);
            var hex = string.Concat(tokens.Skip(_next - 1).Select(t => t.Text));
            _next = tokens.Count;
            if (hex.Length % 2 != 0 || !hex.All(char.IsAsciiHexDigit))
            {
                throw Fail(first, $"{field} must be hexadecimal digits (an even number of them)");
            }

            return Convert.FromHexString(hex);
        }

        public byte[] Generic()
        {
            _next++; // \#
            var lengthToken = Take("the data length");
            if (!ushort.TryParse(lengthToken.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                throw Fail(lengthToken, $"the length after \\# must be a number, not {Excerpt.Quote(lengthToken.Text)}");
            }

            var hex = string.Concat(tokens.Skip(_next).Select(t => t.Text));
            _next = tokens.Count;
            byte[] data;
            try
            {
                data = Convert.FromHexString(hex);
            }
            catch (FormatException)
            {
                throw Fail(lengthToken, "the data after \\# <length> must be hexadecimal");
            }

            return data.Length == length ? data : throw Fail(lengthToken, $"\\# says {length} bytes but the hex data has {data.Length}");
        }

        private byte[] Decode(ZoneToken token) =>
            TryDecodeEscapes(token.Text, out var bytes) ? bytes : throw Fail(token, $"bad escape sequence in {Excerpt.Quote(token.Text)}");

        private ZoneToken Take(string what) =>
            _next < tokens.Count ? tokens[_next++] : throw Fail(null, $"missing {what}");

        private static byte[] BigEndian(uint value)
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
            return bytes;
        }
    }

    public static string Describe(NameParseError error) => error switch
    {
        NameParseError.Empty => "it is empty",
        NameParseError.EmptyLabel => "it has an empty label (two dots in a row?)",
        NameParseError.LabelTooLong => "a label is longer than 63 characters",
        NameParseError.NameTooLong => "it is longer than 255 bytes",
        NameParseError.BadEscape => "it has a bad escape sequence",
        NameParseError.RelativeWithoutOrigin => "it is relative and there is no origin",
        _ => "it is invalid",
    };
}
