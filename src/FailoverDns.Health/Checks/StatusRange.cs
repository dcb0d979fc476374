namespace FailoverDns.Health.Checks;

/// <summary>An inclusive range of HTTP status codes that count as healthy.</summary>
public readonly record struct StatusRange(int From, int To)
{
    /// <summary>Route 53's rule: 2xx and 3xx are healthy, redirects not followed.</summary>
    public static IReadOnlyList<StatusRange> Default { get; } = [new(200, 399)];

    public bool Contains(int status) => status >= From && status <= To;

    public override string ToString() => From == To ? FormattableString.Invariant($"{From}") : FormattableString.Invariant($"{From}-{To}");
}
