namespace FailoverDns.Health.Checks;

/// <summary>Healthy when at least <see cref="RequiredHealthy"/> of <see cref="Children"/> are (all: the count; any: 1).</summary>
public sealed record CalculatedCheck(IReadOnlyList<string> Children, int RequiredHealthy)
{
    public bool Equals(CalculatedCheck? other) => other is not null && RequiredHealthy == other.RequiredHealthy && Children.SequenceEqual(other.Children);

    public override int GetHashCode() => HashCode.Combine(RequiredHealthy, Children.Count);
}
