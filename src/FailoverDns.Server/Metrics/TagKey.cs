namespace FailoverDns.Server.Metrics;

/// <summary>
/// A measurement's tags as a dictionary key, compared by value, built without allocating from the
/// span a <see cref="System.Diagnostics.Metrics.MeterListener"/> hands over. Up to four tags;
/// every instrument here has fewer.
/// </summary>
internal readonly struct TagKey : IEquatable<TagKey>
{
    public const int MaxTags = 4;

    private readonly KeyValuePair<string, object?> _t0;
    private readonly KeyValuePair<string, object?> _t1;
    private readonly KeyValuePair<string, object?> _t2;
    private readonly KeyValuePair<string, object?> _t3;
    private readonly int _count;

    public TagKey(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        _count = Math.Min(tags.Length, MaxTags);
        _t0 = _count > 0 ? tags[0] : default;
        _t1 = _count > 1 ? tags[1] : default;
        _t2 = _count > 2 ? tags[2] : default;
        _t3 = _count > 3 ? tags[3] : default;
    }

    /// <summary>The tags as Prometheus labels without the braces, sorted by name: <c>a="1",b="2"</c>.</summary>
    public string ToLabels()
    {
        var tags = new[] { _t0, _t1, _t2, _t3 }[.._count];
        Array.Sort(tags, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return string.Join(",", tags.Select(t => $"{t.Key}=\"{PrometheusText.EscapeLabel(Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "")}\""));
    }

    public bool Equals(TagKey other) =>
        _count == other._count && Same(_t0, other._t0) && Same(_t1, other._t1) && Same(_t2, other._t2) && Same(_t3, other._t3);

    public override bool Equals(object? obj) => obj is TagKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_count, _t0.Value, _t1.Value, _t2.Value, _t3.Value);

    private static bool Same(KeyValuePair<string, object?> a, KeyValuePair<string, object?> b) =>
        string.Equals(a.Key, b.Key, StringComparison.Ordinal) && Equals(a.Value, b.Value);
}
