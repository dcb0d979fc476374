using FailoverDns.Protocol;
using FailoverDns.Zones.Model;

namespace FailoverDns.Zones.Text;

/// <summary>
/// Reads an RFC 1035 master file (§5): <c>$ORIGIN</c>, <c>$TTL</c> (RFC 2308 §4), <c>$INCLUDE</c>,
/// blank owners, <c>@</c>, relative names, TTL and class in either order, multi-line parentheses.
/// </summary>
public static class ZoneFileParser
{
    private const int MaxIncludeDepth = 8;

    public static List<ZoneRecord> Parse(string path, byte[] origin, uint defaultTtl, List<ConfigError> errors, SourceLocation? referencedFrom = null)
    {
        var records = new List<ZoneRecord>();
        ParseFile(path, origin, defaultTtl, errors, records, 0, referencedFrom ?? new SourceLocation(path, 1, 1));
        return records;
    }

    public static List<ZoneRecord> ParseText(string text, string file, byte[] origin, uint defaultTtl, List<ConfigError> errors)
    {
        var records = new List<ZoneRecord>();
        var state = new State(origin, defaultTtl);
        ParseLines(ZoneLexer.Split(text, file, 1, 1, errors), file, state, errors, records, 0);
        return records;
    }

    private static void ParseFile(string path, byte[] origin, uint defaultTtl, List<ConfigError> errors, List<ZoneRecord> records, int depth, SourceLocation referencedFrom)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add(new ConfigError(referencedFrom, $"cannot read zone file '{path}': {e.Message}"));
            return;
        }

        ParseLines(ZoneLexer.Split(text, path, 1, 1, errors), path, new State(origin, defaultTtl), errors, records, depth);
    }

    private static void ParseLines(IReadOnlyList<ZoneLine> lines, string file, State state, List<ConfigError> errors, List<ZoneRecord> records, int depth)
    {
        foreach (var line in lines)
        {
            var first = line.Tokens[0];
            if (line.HasOwner && !first.Quoted && first.Text.StartsWith('$'))
            {
                Directive(line, file, state, errors, records, depth);
                continue;
            }

            Record(line, state, errors, records);
        }
    }

    private static void Directive(ZoneLine line, string file, State state, List<ConfigError> errors, List<ZoneRecord> records, int depth)
    {
        var tokens = line.Tokens;
        switch (tokens[0].Text.ToUpperInvariant())
        {
            case "$ORIGIN" when tokens.Count == 2:
                var origin = ParseName(tokens[1], state.Origin, errors);
                if (origin is not null)
                {
                    state.Origin = origin;
                }

                break;
            case "$TTL" when tokens.Count == 2:
                if (TtlParser.TryParse(tokens[1].Text, out var ttl))
                {
                    state.DefaultTtl = ttl;
                }
                else
                {
                    errors.Add(new ConfigError(tokens[1].Location, $"TTL must be 0-{TtlParser.MaxTtl} seconds (or a duration like 1h), not '{tokens[1].Text}'"));
                }

                break;
            case "$INCLUDE" when tokens.Count is 2 or 3:
                if (depth >= MaxIncludeDepth)
                {
                    errors.Add(new ConfigError(tokens[0].Location, $"$INCLUDE nested deeper than {MaxIncludeDepth} levels (an include loop?)"));
                    break;
                }

                var includeOrigin = tokens.Count == 3 ? ParseName(tokens[2], state.Origin, errors) : state.Origin;
                if (includeOrigin is not null)
                {
                    var target = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".", tokens[1].Text);
                    // The included file starts with the including file's origin and TTL (RFC 1035 §5.1).
                    ParseFile(target, includeOrigin, state.DefaultTtl, errors, records, depth + 1, tokens[1].Location);
                }

                break;
            case "$ORIGIN" or "$TTL" or "$INCLUDE":
                errors.Add(new ConfigError(tokens[0].Location, $"{tokens[0].Text} takes {(tokens[0].Text.Equals("$INCLUDE", StringComparison.OrdinalIgnoreCase) ? "a file name and an optional origin" : "one value")}"));
                break;
            default:
                errors.Add(new ConfigError(tokens[0].Location, $"unknown directive '{tokens[0].Text}' (known: $ORIGIN, $TTL, $INCLUDE)"));
                break;
        }
    }

    private static void Record(ZoneLine line, State state, List<ConfigError> errors, List<ZoneRecord> records)
    {
        var tokens = line.Tokens;
        var index = 0;
        byte[]? owner;
        if (line.HasOwner)
        {
            owner = tokens[0].Text == "@" ? state.Origin : ParseName(tokens[0], state.Origin, errors);
            index = 1;
            if (owner is null)
            {
                return;
            }

            state.PreviousOwner = owner;
        }
        else if (state.PreviousOwner is null)
        {
            errors.Add(new ConfigError(line.Location, "the first record has no owner name"));
            return;
        }
        else
        {
            owner = state.PreviousOwner;
        }

        uint? ttl = null;
        RecordType? type = null;
        while (index < tokens.Count && type is null)
        {
            var token = tokens[index++];
            var text = token.Text;
            if (ttl is null && text.Length > 0 && char.IsAsciiDigit(text[0]))
            {
                if (!TtlParser.TryParse(text, out var value))
                {
                    errors.Add(new ConfigError(token.Location, $"TTL must be 0-{TtlParser.MaxTtl} seconds (or a duration like 1h), not '{text}'"));
                    return;
                }

                ttl = value;
            }
            else if (text.Equals("IN", StringComparison.OrdinalIgnoreCase) || text.Equals("CLASS1", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            else if (text.ToUpperInvariant() is "CH" or "HS" or "CS" or "NONE" or "ANY" || text.StartsWith("CLASS", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(new ConfigError(token.Location, $"class {text} is not served; only IN is"));
                return;
            }
            else if (RecordTypeNames.TryParse(text, out var parsed))
            {
                type = parsed;
            }
            else
            {
                errors.Add(new ConfigError(token.Location, UnknownTypeMessage(text)));
                return;
            }
        }

        if (type is null)
        {
            errors.Add(new ConfigError(line.Location, "the record has no type"));
            return;
        }

        if (!RDataParser.TryParse(type.Value, tokens.Skip(index).ToArray(), state.Origin, out var data, out var error))
        {
            errors.Add(error! with { Location = error.Location == default ? tokens[index - 1].Location : error.Location });
            return;
        }

        records.Add(new ZoneRecord(owner, type.Value, ttl ?? state.DefaultTtl, data, line.Location));
    }

    public static string UnknownTypeMessage(string text) => RecordTypeNames.IsKnownButUnsupported(text)
        ? $"type {text.ToUpperInvariant()} is not supported in text form; write it as TYPEnn \\# <length> <hex> (RFC 3597)"
        : $"unknown record type '{text}' (supported: {string.Join(", ", RecordTypeNames.SupportedNames)}, or TYPEnn)";

    private static byte[]? ParseName(ZoneToken token, byte[] origin, List<ConfigError> errors)
    {
        Span<byte> buffer = stackalloc byte[DnsName.MaxLength];
        if (token.Text == "@")
        {
            return origin;
        }

        if (!DnsName.TryParse(token.Text, origin, buffer, out var written, out var error))
        {
            errors.Add(new ConfigError(token.Location, $"'{token.Text}' is not a valid domain name: {RDataParser.Describe(error)}"));
            return null;
        }

        return buffer[..written].ToArray();
    }

    private sealed class State(byte[] origin, uint defaultTtl)
    {
        public byte[] Origin { get; set; } = origin;

        public uint DefaultTtl { get; set; } = defaultTtl;

        public byte[]? PreviousOwner { get; set; }
    }
}
