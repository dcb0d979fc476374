namespace FailoverDns.Zones.Text;

/// <summary>Where something was written: file, 1-based line and column.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => FormattableString.Invariant($"{File}:{Line}:{Column}");
}
