namespace FailoverDns.Health.Policy;

/// <summary>
/// When a check whose verdict keeps changing is held unhealthy: more than <see cref="MaxChanges"/>
/// changes within <see cref="Window"/> hold it until it has not changed for <see cref="HoldFor"/>.
/// </summary>
public sealed record FlapDampingOptions
{
    /// <summary>No damping: every verdict is acted on as it comes.</summary>
    public static FlapDampingOptions Off { get; } = new() { Enabled = false };

    public bool Enabled { get; init; } = true;

    /// <summary>Changes of verdict a check may make within <see cref="Window"/>; one more damps it.</summary>
    public int MaxChanges { get; init; } = 4;

    /// <summary>How far back changes are counted.</summary>
    /// <remarks>
    /// 10m by default: a check at the default interval and thresholds (30s, 3 in a row) changes at
    /// most once every 90s, so five changes take at least 6m; a shorter window would never see it flap.
    /// </remarks>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a damped check's own verdict must stay unchanged before it is released.</summary>
    public TimeSpan HoldFor { get; init; } = TimeSpan.FromMinutes(5);
}
