namespace FailoverDns.Zones.Text;

/// <summary>
/// One logical line of a master file (parentheses joined). <see cref="HasOwner"/> is false when the
/// line starts with white space, meaning "the previous owner" (RFC 1035 §5.1).
/// </summary>
public sealed record ZoneLine(IReadOnlyList<ZoneToken> Tokens, bool HasOwner, SourceLocation Location);
