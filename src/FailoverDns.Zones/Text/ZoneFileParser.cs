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

    /// <summary>Reads the zone file at <paramref name="path"/> and the files it includes, each within <paramref name="limits"/> (the defaults, confined nowhere, when null).</summary>
    /// <param name="path">The zone file.</param>
    /// <param name="origin">The origin it starts with.</param>
    /// <param name="defaultTtl">The TTL of records that give none, until a <c>$TTL</c>.</param>
    /// <param name="errors">Where problems are added.</param>
    /// <param name="referencedFrom">Where the file was named (a read failure is reported there); the file itself by default.</param>
    /// <param name="limits">Size, time and directory limits for this file and its includes.</param>
    /// <param name="writtenAs">The path as the referrer wrote it, quoted in errors; <paramref name="path"/> by default.</param>
    /// <param name="budget">How many errors each file keeps; those beyond are counted in it.</param>
    public static List<ZoneRecord> Parse(string path, byte[] origin, uint defaultTtl, List<ConfigError> errors, SourceLocation? referencedFrom = null, FileReadOptions? limits = null, string? writtenAs = null, ErrorBudget? budget = null)
    {
        var records = new List<ZoneRecord>();
        var context = new FileContext(limits ?? FileReadOptions.Default, budget ?? new ErrorBudget(), errors, records);
        ParseFile(path, writtenAs ?? path, origin, defaultTtl, context, 0, referencedFrom ?? new SourceLocation(path, 1, 1));
        return records;
    }

    public static List<ZoneRecord> ParseText(string text, string file, byte[] origin, uint defaultTtl, List<ConfigError> errors)
    {
        var records = new List<ZoneRecord>();
        var state = new State(origin, defaultTtl);
        ParseText(text, file, state, new FileContext(FileReadOptions.Default, new ErrorBudget(), errors, records), 0);
        return records;
    }

    private static void ParseFile(string path, string writtenAs, byte[] origin, uint defaultTtl, FileContext context, int depth, SourceLocation referencedFrom)
    {
        if (!BoundedFileReader.TryReadText(path, context.Limits, out var text, out var problem))
        {
            context.Errors.Add(new ConfigError(referencedFrom, $"cannot read zone file {Excerpt.Quote(writtenAs)}: {problem}"));
            return;
        }

        ParseText(text, path, new State(origin, defaultTtl), context, depth);
    }

    /// <summary>Lexes and parses line by line: a zone file is never held whole as tokens, nor its errors beyond the budget.</summary>
    private static void ParseText(string text, string file, State state, FileContext context, int depth)
    {
        var errors = context.Errors;
        var firstError = errors.Count;
        ZoneLexer.Split(text, file, 1, 1, errors, line =>
        {
            var first = line.Tokens[0];
            if (line.HasOwner && !first.Quoted && first.Text.StartsWith('$'))
            {
                Directive(line, file, state, context, depth);
            }
            else
            {
                Record(line, state, errors, context.Records);
            }

            context.Budget.Trim(errors, firstError);
        });
        context.Budget.Trim(errors, firstError);
    }

    private static void Directive(ZoneLine line, string file, State state, FileContext context, int depth)
    {
        var errors = context.Errors;
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
                    errors.Add(new ConfigError(tokens[1].Location, $"TTL must be 0-{TtlParser.MaxTtl} seconds (or a duration like 1h), not {Excerpt.Quote(tokens[1].Text)}"));
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
                    ParseFile(target, tokens[1].Text, includeOrigin, state.DefaultTtl, context, depth + 1, tokens[1].Location);
                }

                break;
            case "$ORIGIN" or "$TTL" or "$INCLUDE":
                errors.Add(new ConfigError(tokens[0].Location, $"{tokens[0].Text} takes {(tokens[0].Text.Equals("$INCLUDE", StringComparison.OrdinalIgnoreCase) ? "a file name and an optional origin" : "one value")}"));
                break;
            default:
                errors.Add(new ConfigError(tokens[0].Location, $"unknown directive {Excerpt.Quote(tokens[0].Text)} (known: $ORIGIN, $TTL, $INCLUDE)"));
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
                    errors.Add(new ConfigError(token.Location, $"TTL must be 0-{TtlParser.MaxTtl} seconds (or a duration like 1h), not {Excerpt.Quote(text)}"));
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
                errors.Add(new ConfigError(token.Location, $"class {Excerpt.Sanitise(text)} is not served; only IN is"));
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
        : $"unknown record type {Excerpt.Quote(text)} (supported: {string.Join(", ", RecordTypeNames.SupportedNames)}, or TYPEnn)";

    private static byte[]? ParseName(ZoneToken token, byte[] origin, List<ConfigError> errors)
    {
        Span<byte> buffer = stackalloc byte[DnsName.MaxLength];
        if (token.Text == "@")
        {
            return origin;
        }

        if (!DnsName.TryParse(token.Text, origin, buffer, out var written, out var error))
        {
            errors.Add(new ConfigError(token.Location, $"{Excerpt.Quote(token.Text)} is not a valid domain name: {RDataParser.Describe(error)}"));
            return null;
        }

        return buffer[..written].ToArray();
    }

    /// <summary>What every file of one parse shares: its limits, its error budget and where results go.</summary>
    private sealed record FileContext(FileReadOptions Limits, ErrorBudget Budget, List<ConfigError> Errors, List<ZoneRecord> Records);

    private sealed class State(byte[] origin, uint defaultTtl)
    {
        public byte[] Origin { get; set; } = origin;

        public uint DefaultTtl { get; set; } = defaultTtl;

        public byte[]? PreviousOwner { get; set; }
    }
}
