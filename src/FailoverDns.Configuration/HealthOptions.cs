using FailoverDns.Health.Policy;

namespace FailoverDns.Configuration;

/// <summary>The <c>health</c> section: how checks start, how long serving waits for their first results, and flap damping.</summary>
public sealed record HealthOptions
{
    public InitialState InitialState { get; init; } = InitialState.FirstProbe;

    /// <summary>Longest the DNS listeners wait at start-up for the first result of every check without a known state.</summary>
    public TimeSpan StartupWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>When a check whose verdict keeps changing is held unhealthy; on by default.</summary>
    public FlapDampingOptions FlapDamping { get; init; } = new();
}
