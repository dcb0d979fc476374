namespace FailoverDns.Health.Policy;

/// <summary>What a check with no known state (new, redefined, or never saved) is until its probes say more.</summary>
public enum InitialState
{
    /// <summary>Its first probe result decides its state directly; serving waits for that first round (bounded).</summary>
    FirstProbe,

    /// <summary>Healthy until its failure threshold is reached, as Route 53 does.</summary>
    Healthy,
}
