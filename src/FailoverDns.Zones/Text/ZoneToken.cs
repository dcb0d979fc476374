namespace FailoverDns.Zones.Text;

/// <summary>One word of master-file text; escapes are left in <see cref="Text"/> for the consumer to decode.</summary>
public sealed record ZoneToken(string Text, bool Quoted, SourceLocation Location);
