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
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a damped check's own verdict must stay unchanged before it is released.</summary>
    public TimeSpan HoldFor { get; init; } = TimeSpan.FromMinutes(2);
}
