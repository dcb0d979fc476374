namespace FailoverDns.Health.Checks;

/// <summary>The words the API, logs, metrics and the state file use for a <see cref="HealthStatus"/>.</summary>
public static class HealthStatusNames
{
    public static string ToName(this HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Unhealthy => "unhealthy",
        _ => "unknown",
    };
}
