namespace FailoverDns.Health.Probes;

/// <summary>Checks one endpoint once. Implementations never throw and honour their own timeouts.</summary>
public interface IProbe : IDisposable
{
    Task<ProbeResult> ProbeAsync(CancellationToken cancellationToken);
}
