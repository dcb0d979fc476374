namespace FailoverDns.Health.Checks;

public enum HealthStatus
{
    /// <summary>No result yet; served as healthy (Route 53).</summary>
    Unknown,
    Healthy,
    Unhealthy,
}
