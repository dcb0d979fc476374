namespace FailoverDns.Zones.Text;

/// <summary>One problem found in a config or zone file, printed as <c>file:line:col: message</c>.</summary>
public sealed record ConfigError(SourceLocation Location, string Message)
{
    public override string ToString() => $"{Location}: {Message}";
}
