namespace FailoverDns.Health.Checks;

/// <summary>
/// One named health check: an endpoint probe or a calculation over other checks, with the
/// thresholds that turn results into a state.
/// </summary>
public sealed record HealthCheckDefinition
{
    public const int DefaultThreshold = 3;

    public required string Name { get; init; }

    /// <summary>The probe, for HTTP, HTTPS and TCP checks.</summary>
    public EndpointCheckOptions? Endpoint { get; init; }

    /// <summary>The rule, for calculated checks.</summary>
    public CalculatedCheck? Calculated { get; init; }

    /// <summary>Consecutive failures that make a healthy check unhealthy (Route 53: 1-10, default 3).</summary>
    public int FailureThreshold { get; init; } = DefaultThreshold;

    /// <summary>Consecutive successes that make an unhealthy check healthy again.</summary>
    public int RecoveryThreshold { get; init; } = DefaultThreshold;

    /// <summary>Report healthy when the probe fails and unhealthy when it passes.</summary>
    public bool Invert { get; init; }

    /// <summary>Not probed, always healthy (Route 53).</summary>
    public bool Disabled { get; init; }

    /// <summary>
    /// True when <paramref name="other"/> passes judgement on the same thing (endpoint, expectations,
    /// inversion, or the same calculation), so a verdict of one holds for the other: only how often
    /// and how patiently it probes (interval, timeouts, thresholds) may differ.
    /// </summary>
    public bool JudgesSameAs(HealthCheckDefinition other) =>
        Name == other.Name && Invert == other.Invert && Disabled == other.Disabled && Equals(Calculated, other.Calculated)
        && (Endpoint is null
            ? other.Endpoint is null
            : other.Endpoint is not null
              && Endpoint with { Interval = other.Endpoint.Interval, ConnectTimeout = other.Endpoint.ConnectTimeout, ResponseTimeout = other.Endpoint.ResponseTimeout } == other.Endpoint);
}
