namespace FailoverDns.Health.Policy;

/// <summary>Whether a step of the flap damper started or ended damping.</summary>
public enum FlapEdge
{
    None,

    /// <summary>The check changed too often: from now on it is held unhealthy.</summary>
    Started,

    /// <summary>The check has been stable long enough: its own verdict counts again.</summary>
    Released,
}
